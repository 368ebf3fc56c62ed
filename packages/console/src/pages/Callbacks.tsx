// The callbacks of a database or a collection: a table and the way to add one.
import type { Callback } from '@tidings/client';
import { useApi } from '../api.tsx';
import { Link } from '../router.tsx';
import { Empty } from '../ui.tsx';

export function CallbackTable({ callbacks, newPath }: { callbacks: Callback[]; newPath: string }) {
  const { session } = useApi();
  if (callbacks.length === 0) {
    return (
      <Empty>
        <p>No callbacks here yet.</p>
        {session.readOnly ? (
          <p>This token is read-only: sign in with a token that may write to add one.</p>
        ) : (
          <p>
            <Link to={newPath}>Add a callback</Link> to have Tidings POST a message to your URL on every change.
          </p>
        )}
      </Empty>
    );
  }
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">URL</th>
            <th scope="col">Action</th>
            <th scope="col">Format</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {callbacks.map((callback) => (
            <tr key={callback.ID}>
              <td className="wrap">
                <Link to={`/callbacks/${callback.ID}`}>{callback.url}</Link>
              </td>
              <td>{callback.action}</td>
              <td>{callback.method.toUpperCase()}</td>
              <td>
                <span className={callback.disabled ? 'badge off' : 'badge on'}>{callback.disabled ? 'disabled' : 'enabled'}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
