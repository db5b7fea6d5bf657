import type { Me } from '../api/types.ts';
import { CreateForm } from '../components/CreateForm.tsx';
import { JobList } from '../components/JobList.tsx';

export function CreatePage({ me }: { me: Me }) {
  return (
    <div className="page">
      <title>Create · Atelier</title>
      <CreateForm me={me} />
      <section aria-labelledby="jobs-title">
        <h2 id="jobs-title">Recent jobs</h2>
        <JobList />
      </section>
    </div>
  );
}
