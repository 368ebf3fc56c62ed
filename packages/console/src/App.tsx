import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiContext, createApi, loadSession, saveSession, type Session } from './api.tsx';
import { CallbackPage } from './pages/Callback.tsx';
import { EditCallback, NewCallback } from './pages/CallbackForm.tsx';
import { Collection } from './pages/Collection.tsx';
import { Database } from './pages/Database.tsx';
import { Databases } from './pages/Databases.tsx';
import { DeliveryPage } from './pages/Delivery.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { Link, match, navigate, useLocation } from './router.tsx';
import { Empty, PageTitle } from './ui.tsx';

function page(path: string, readOnly: boolean): ReactNode {
  let params: Record<string, string> | null;
  if (path === '/' || path === '/databases') return <Databases />;
  if ((params = match('/databases/:db', path))) return <Database key={params.db} databaseID={params.db as string} />;
  if (!readOnly && (params = match('/databases/:db/callbacks/new', path))) return <NewCallback databaseID={params.db} />;
  if ((params = match('/collections/:col', path))) return <Collection key={params.col} collectionID={params.col as string} />;
  if (!readOnly && (params = match('/collections/:col/callbacks/new', path))) return <NewCallback collectionID={params.col} />;
  if ((params = match('/callbacks/:cb', path))) return <CallbackPage key={params.cb} callbackID={params.cb as string} />;
  if (!readOnly && (params = match('/callbacks/:cb/edit', path))) return <EditCallback key={params.cb} callbackID={params.cb as string} />;
  if ((params = match('/deliveries/:d', path))) return <DeliveryPage key={params.d} deliveryID={params.d as string} />;
  return (
    <>
      <PageTitle>Not found</PageTitle>
      <Empty>
        <p>
          The console has no page at this address{readOnly ? ' for a read-only token' : ''}. <Link to="/databases">Go to the databases</Link>.
        </p>
      </Empty>
    </>
  );
}

export function App() {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<Session | null>(loadSession);
  const api = useMemo(() => (session ? createApi(session) : null), [session]);
  const location = useLocation();

  useEffect(() => {
    if (session !== null && location.path === '/sign-in') navigate('/databases', { replace: true });
    if (session === null && location.path !== '/sign-in') {
      const next = location.path === '/' ? '' : `?next=${encodeURIComponent(location.path + (location.query.size ? `?${location.query}` : ''))}`;
      navigate(`/sign-in${next}`, { replace: true });
    }
  }, [session, location.path, location.query]);

  const signIn = (next: Session) => {
    saveSession(next);
    setSession(next);
    const wanted = location.query.get('next');
    navigate(wanted && wanted.startsWith('/') && !wanted.startsWith('//') ? wanted : '/databases', { replace: true });
  };
  const signOut = () => {
    saveSession(null);
    queryClient.clear();
    setSession(null);
    navigate('/sign-in');
  };

  if (api === null || session === null) {
    return location.path === '/sign-in' ? <SignIn onSignIn={signIn} /> : null;
  }
  return (
    <ApiContext.Provider value={api}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/databases" className="brand">
          Tidings console
        </Link>
        <nav aria-label="Main">
          <Link to="/databases">Databases</Link>
          <a href="/docs">API reference</a>
        </nav>
        <div className="who">
          {session.readOnly ? <span className="badge off">read-only</span> : null}
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">{location.path === '/sign-in' ? null : page(location.path, session.readOnly)}</main>
    </ApiContext.Provider>
  );
}
