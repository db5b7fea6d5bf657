import { Route, Routes } from 'react-router';
import { isUnauthenticated } from './api/errors.ts';
import { useMe } from './api/queries.ts';
import { Header } from './components/Header.tsx';
import { SignInScreen } from './components/SignInScreen.tsx';
import { CreatePage } from './pages/CreatePage.tsx';
import { CreditsPage } from './pages/CreditsPage.tsx';
import { KeysPage } from './pages/KeysPage.tsx';
import { GalleryPage } from './pages/GalleryPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';

export function App() {
  const me = useMe();

  if (me.isPending) {
    return (
      <p className="splash" role="status">
        Loading Atelier…
      </p>
    );
  }

  if (me.isError) {
    return (
      <>
        <Header me={null} />
        <main id="main" className="main">
          <SignInScreen error={isUnauthenticated(me.error) ? null : me.error} onRetry={() => void me.refetch()} retrying={me.isFetching} />
        </main>
      </>
    );
  }

  return (
    <>
      <Header me={me.data} />
      <main id="main" className="main">
        <Routes>
          <Route path="/" element={<CreatePage me={me.data} />} />
          <Route path="/gallery" element={<GalleryPage />} />
          <Route path="/credits" element={<CreditsPage me={me.data} />} />
          <Route path="/keys" element={<KeysPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </main>
    </>
  );
}
