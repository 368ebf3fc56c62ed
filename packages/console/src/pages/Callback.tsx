// One callback: what it is, what can be done to it, its secret, and its deliveries.
import type { DeliveryStatus } from '@tidings/client';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../api.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { Empty, ErrorNote, Loading, PageTitle, Pager, Time, startOf } from '../ui.tsx';
import { SIGNING_LABEL } from './CallbackForm.tsx';
import { Replay } from './Replay.tsx';
import { Secret } from './Secret.tsx';

const STATUSES: DeliveryStatus[] = ['pending', 'succeeded', 'failed', 'exhausted', 'skipped', 'missed'];
const PAGE = 20;
/** How often an open deliveries list or delivery asks again: deliveries move on their own. */
export const REFRESH_MS = 3_000;

export function CallbackPage({ callbackID }: { callbackID: string }) {
  const { query, session } = useApi();
  const queryClient = useQueryClient();
  const path = { callbackID };
  const callback = query.useQuery('get', '/callback/{callbackID}', { params: { path } });
  const [confirmDelete, setConfirmDelete] = useState(false);
  const refresh = () => void queryClient.invalidateQueries();
  const toggle = query.useMutation('put', '/callback/{callbackID}', { onSuccess: refresh });
  const test = query.useMutation('post', '/callback/{callbackID}/test', { onSuccess: refresh });
  const remove = query.useMutation('delete', '/callback/{callbackID}', {
    onSuccess: () => {
      const parent = callback.data?.collection ? `/collections/${callback.data.collection}` : `/databases/${callback.data?.database}`;
      queryClient.removeQueries({ queryKey: ['get', '/callback/{callbackID}', { params: { path } }] });
      refresh();
      navigate(parent, { replace: true });
    },
  });

  const data = callback.data;
  const trail = [{ to: '/databases', label: 'Databases' }];
  if (data) {
    trail.push({ to: `/databases/${data.database}`, label: `Database #${data.database}` });
    if (data.collection) trail.push({ to: `/collections/${data.collection}`, label: `Collection #${data.collection}` });
  }
  return (
    <>
      <PageTitle trail={trail}>Callback #{callbackID}</PageTitle>
      {callback.isPending ? <Loading what="the callback" /> : null}
      {callback.isError ? <ErrorNote error={callback.error} /> : null}
      {data ? (
        <>
          <dl className="facts">
            <dt>URL</dt>
            <dd className="wrap">
              <code>{data.url}</code>
            </dd>
            <dt>State</dt>
            <dd>
              <span className={data.disabled ? 'badge off' : 'badge on'}>{data.disabled ? 'disabled' : 'enabled'}</span>
              {data.disabledReason ? <span> — {data.disabledReason}</span> : null}
            </dd>
            <dt>Action</dt>
            <dd>{data.action}</dd>
            <dt>Format</dt>
            <dd>{data.method.toUpperCase()}</dd>
            <dt>Ordering</dt>
            <dd>{data.ordering === 'none' ? 'none' : 'per profile'}</dd>
            <dt>Signing</dt>
            <dd>{SIGNING_LABEL[data.signing]}</dd>
            <dt>Rate limit</dt>
            <dd>
              {data.rateLimit === null ? <span className="muted">none</span> : `${data.rateLimit}/s`}
              {data.throttle?.rate != null && data.throttle.rate < (data.rateLimit ?? 0) ? <span> — sending {data.throttle.rate}/s now: the receiver asked to slow down</span> : null}
              {data.throttle?.pausedUntil ? (
                <span>
                  {' '}
                  — paused until <Time value={data.throttle.pausedUntil} /> (Retry-After)
                </span>
              ) : null}
            </dd>
            <dt>Expression</dt>
            <dd className="wrap">{data.expression ? <code>{data.expression}</code> : <span className="muted">none: every change</span>}</dd>
            <dt>Version</dt>
            <dd>
              {data.version}, changed <Time value={data.modified} />
            </dd>
          </dl>
          {session.readOnly ? null : (
            <div className="actions" role="group" aria-label="Callback actions">
              <Link className="button" to={`/callbacks/${callbackID}/edit`}>
                Edit
              </Link>
              <button type="button" disabled={toggle.isPending} onClick={() => toggle.mutate({ params: { path }, body: { disabled: !data.disabled } })}>
                {data.disabled ? 'Enable' : 'Disable'}
              </button>
              <button type="button" disabled={test.isPending} onClick={() => test.mutate({ params: { path } })}>
                Send test message
              </button>
              {confirmDelete ? null : (
                <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
                  Delete…
                </button>
              )}
            </div>
          )}
          {confirmDelete ? (
            <div className="confirm" role="alertdialog" aria-labelledby="confirm-delete">
              <p id="confirm-delete">Delete this callback? Its pending deliveries are dropped. This cannot be undone.</p>
              <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate({ params: { path } })}>
                Delete callback
              </button>
              <button type="button" autoFocus onClick={() => setConfirmDelete(false)}>
                Cancel
              </button>
            </div>
          ) : null}
          {toggle.isError ? <ErrorNote error={toggle.error} /> : null}
          {remove.isError ? <ErrorNote error={remove.error} /> : null}
          {test.isError ? <ErrorNote error={test.error} /> : null}
          {test.data ? (
            <p role="status" className="notice">
              Test message queued as <Link to={`/deliveries/${test.data.ID}`}>delivery #{test.data.ID}</Link>.
            </p>
          ) : null}
          {session.readOnly ? null : (
            <>
              <Secret callbackID={callbackID} signing={data.signing} />
              <Replay callbackID={callbackID} disabled={data.disabled} />
            </>
          )}
        </>
      ) : null}
      {callback.isError ? null : <Deliveries callbackID={callbackID} />}
    </>
  );
}

function Deliveries({ callbackID }: { callbackID: string }) {
  const { query } = useApi();
  const location = useLocation();
  const start = startOf(location.query);
  const wanted = location.query.get('status');
  const status = STATUSES.find((candidate) => candidate === wanted);
  const deliveries = query.useQuery(
    'get',
    '/callback/{callbackID}/deliveries',
    { params: { path: { callbackID }, query: { start, limit: PAGE, ...(status && { status }) } } },
    { refetchInterval: REFRESH_MS },
  );
  const here = `/callbacks/${callbackID}`;
  const withQuery = (nextStatus: string | undefined, nextStart: number) => {
    const search = new URLSearchParams();
    if (nextStatus) search.set('status', nextStatus);
    if (nextStart > 0) search.set('start', String(nextStart));
    const text = search.toString();
    return text ? `${here}?${text}` : here;
  };
  return (
    <section aria-labelledby="deliveries-heading">
      <div className="section-head">
        <h2 id="deliveries-heading">Deliveries</h2>
        <div className="field inline">
          <label htmlFor="status">Status</label>
          <select id="status" value={status ?? ''} onChange={(event) => navigate(withQuery(event.target.value || undefined, 0))}>
            <option value="">any</option>
            {STATUSES.map((candidate) => (
              <option key={candidate} value={candidate}>
                {candidate}
              </option>
            ))}
          </select>
        </div>
      </div>
      <p className="muted">Newest first; refreshed every few seconds while this page is open.</p>
      {deliveries.isPending ? <Loading what="deliveries" /> : null}
      {deliveries.isError ? <ErrorNote error={deliveries.error} /> : null}
      {deliveries.data && deliveries.data.total === 0 ? (
        <Empty>
          <p>
            {status
              ? `No ${status} deliveries. Choose another status, or "any".`
              : 'No deliveries yet. They appear when a record changes; send a test message to see one now.'}
          </p>
        </Empty>
      ) : null}
      {deliveries.data && deliveries.data.count > 0 ? (
        <>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Delivery</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last answer</th>
                  <th scope="col">Created</th>
                  <th scope="col">Next attempt</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.data.data.map((delivery) => (
                  <tr key={delivery.ID}>
                    <td>
                      <Link to={`/deliveries/${delivery.ID}`}>#{delivery.ID}</Link>
                    </td>
                    <td>
                      <span className={`badge ${delivery.status}`}>{delivery.status}</span>
                    </td>
                    <td>{delivery.attempts}</td>
                    <td>{delivery.lastStatusCode ?? <span className="muted">—</span>}</td>
                    <td>
                      <Time value={delivery.created} />
                    </td>
                    <td>
                      <Time value={delivery.nextAttempt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={deliveries.data} to={(next) => withQuery(status, next)} />
        </>
      ) : null}
    </section>
  );
}
