import { useApi } from '../api.tsx';
import { Link, useLocation } from '../router.tsx';
import { ErrorNote, Loading, PageTitle, Pager, startOf } from '../ui.tsx';
import { CallbackTable } from './Callbacks.tsx';

const PAGE = 50;

/** A collection and its callbacks. */
export function Collection({ collectionID }: { collectionID: string }) {
  const { query, session } = useApi();
  const start = startOf(useLocation().query);
  const path = { collectionID };
  const collection = query.useQuery('get', '/collection/{collectionID}', { params: { path } });
  const callbacks = query.useQuery('get', '/collection/{collectionID}/callbacks', { params: { path, query: { start, limit: PAGE } } });
  const here = `/collections/${collectionID}`;
  const trail = [{ to: '/databases', label: 'Databases' }];
  if (collection.data) trail.push({ to: `/databases/${collection.data.database}`, label: `Database #${collection.data.database}` });

  return (
    <>
      <PageTitle trail={trail}>{collection.data ? `Collection ${collection.data.name}` : `Collection #${collectionID}`}</PageTitle>
      {collection.isError ? <ErrorNote error={collection.error} /> : null}
      <section aria-labelledby="callbacks-heading">
        <div className="section-head">
          <h2 id="callbacks-heading">Callbacks</h2>
          {session.readOnly ? null : (
            <Link className="button" to={`${here}/callbacks/new`}>
              New callback
            </Link>
          )}
        </div>
        <p className="muted">Called when a subprofile of this collection is created, updated or deleted.</p>
        {callbacks.isPending ? <Loading what="callbacks" /> : null}
        {callbacks.isError ? <ErrorNote error={callbacks.error} /> : null}
        {callbacks.data ? (
          <>
            <CallbackTable callbacks={callbacks.data.data} newPath={`${here}/callbacks/new`} />
            <Pager page={callbacks.data} to={(next) => `${here}?start=${next}`} />
          </>
        ) : null}
      </section>
    </>
  );
}
