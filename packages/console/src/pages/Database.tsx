import { useApi } from '../api.tsx';
import { Link, useLocation } from '../router.tsx';
import { Empty, ErrorNote, Loading, PageTitle, Pager, startOf } from '../ui.tsx';
import { CallbackTable } from './Callbacks.tsx';

const PAGE = 50;

/** A database: its callbacks and its collections. */
export function Database({ databaseID }: { databaseID: string }) {
  const { query, session } = useApi();
  const location = useLocation();
  const start = startOf(location.query);
  const collectionStart = Number(location.query.get('collections') ?? '0') || 0;
  const path = { databaseID };
  const database = query.useQuery('get', '/database/{databaseID}', { params: { path } });
  const callbacks = query.useQuery('get', '/database/{databaseID}/callbacks', { params: { path, query: { start, limit: PAGE } } });
  const collections = query.useQuery('get', '/database/{databaseID}/collections', {
    params: { path, query: { start: collectionStart, limit: PAGE } },
  });
  const here = `/databases/${databaseID}`;

  if (database.isError) {
    return (
      <>
        <PageTitle trail={[{ to: '/databases', label: 'Databases' }]}>Database #{databaseID}</PageTitle>
        <ErrorNote error={database.error} />
      </>
    );
  }
  return (
    <>
      <PageTitle trail={[{ to: '/databases', label: 'Databases' }]}>{database.data?.name ?? `Database #${databaseID}`}</PageTitle>
      {database.data?.description ? <p>{database.data.description}</p> : null}
      <section aria-labelledby="callbacks-heading">
        <div className="section-head">
          <h2 id="callbacks-heading">Callbacks</h2>
          {session.readOnly ? null : (
            <Link className="button" to={`${here}/callbacks/new`}>
              New callback
            </Link>
          )}
        </div>
        <p className="muted">Called when a profile of this database is created, updated or deleted.</p>
        {callbacks.isPending ? <Loading what="callbacks" /> : null}
        {callbacks.isError ? <ErrorNote error={callbacks.error} /> : null}
        {callbacks.data ? (
          <>
            <CallbackTable callbacks={callbacks.data.data} newPath={`${here}/callbacks/new`} />
            <Pager page={callbacks.data} to={(next) => `${here}?start=${next}`} />
          </>
        ) : null}
      </section>
      <section aria-labelledby="collections-heading">
        <h2 id="collections-heading">Collections</h2>
        {collections.isPending ? <Loading what="collections" /> : null}
        {collections.isError ? <ErrorNote error={collections.error} /> : null}
        {collections.data && collections.data.total === 0 ? (
          <Empty>
            <p>
              This database has no collections. Collections hold subprofiles; create one through the API (
              <code>POST /v1/database/{databaseID}/collections</code>) to add callbacks for its subprofiles.
            </p>
          </Empty>
        ) : null}
        {collections.data && collections.data.count > 0 ? (
          <>
            <ul className="cards">
              {collections.data.data.map((collection) => (
                <li key={collection.ID}>
                  <Link to={`/collections/${collection.ID}`}>{collection.name}</Link>
                  <span className="muted"> #{collection.ID}</span>
                </li>
              ))}
            </ul>
            <Pager page={collections.data} to={(next) => `${here}?collections=${next}`} />
          </>
        ) : null}
      </section>
    </>
  );
}
