import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <div className="page">
      <title>Not found · Atelier</title>
      <h1>There is no such page</h1>
      <p>
        <Link to="/">Go to Create</Link>
      </p>
    </div>
  );
}
