import { useApi } from '../api.tsx';
import { Link, useLocation } from '../router.tsx';
import { Empty, ErrorNote, Loading, PageTitle, Pager, startOf } from '../ui.tsx';

const PAGE = 50;

export function Databases() {
  const { query } = useApi();
  const start = startOf(useLocation().query);
  const databases = query.useQuery('get', '/databases', { params: { query: { start, limit: PAGE } } });
  return (
    <>
      <PageTitle>Databases</PageTitle>
      {databases.isPending ? <Loading what="databases" /> : null}
      {databases.isError ? <ErrorNote error={databases.error} /> : null}
      {databases.data && databases.data.total === 0 ? (
        <Empty>
          <p>This account has no databases yet.</p>
          <p>
            Create one through the API (<code>POST /v1/databases</code>, see the <a href="/docs">API reference</a>); its
            collections and callbacks then show here.
          </p>
        </Empty>
      ) : null}
      {databases.data && databases.data.count > 0 ? (
        <>
          <ul className="cards">
            {databases.data.data.map((database) => (
              <li key={database.ID}>
                <Link to={`/databases/${database.ID}`}>{database.name}</Link>
                <span className="muted"> #{database.ID}</span>
                {database.description ? <p>{database.description}</p> : null}
              </li>
            ))}
          </ul>
          <Pager page={databases.data} to={(next) => `/databases?start=${next}`} />
        </>
      ) : null}
    </>
  );
}
