// One delivery: what was sent, every attempt and what the receiver answered, and a retry.
import { useQueryClient } from '@tanstack/react-query';
import { useApi } from '../api.tsx';
import { pretty } from '../pretty.ts';
import { ErrorNote, Loading, PageTitle, Time } from '../ui.tsx';
import { REFRESH_MS } from './Callback.tsx';

export function DeliveryPage({ deliveryID }: { deliveryID: string }) {
  const { query, session } = useApi();
  const queryClient = useQueryClient();
  const path = { deliveryID };
  const delivery = query.useQuery('get', '/delivery/{deliveryID}', { params: { path } }, { refetchInterval: REFRESH_MS });
  const retry = query.useMutation('post', '/delivery/{deliveryID}/retry', { onSuccess: () => void queryClient.invalidateQueries() });
  const data = delivery.data;
  const trail = data ? [{ to: `/callbacks/${data.callback}`, label: `Callback #${data.callback}` }] : [];
  return (
    <>
      <PageTitle trail={trail}>Delivery #{deliveryID}</PageTitle>
      {delivery.isPending ? <Loading what="the delivery" /> : null}
      {delivery.isError ? <ErrorNote error={delivery.error} /> : null}
      {data ? (
        <>
          <dl className="facts">
            <dt>Status</dt>
            <dd>
              <span className={`badge ${data.status}`}>{data.status}</span>
            </dd>
            <dt>Attempts</dt>
            <dd>{data.attempts}</dd>
            <dt>Next attempt</dt>
            <dd>
              <Time value={data.nextAttempt} />
            </dd>
            <dt>Created</dt>
            <dd>
              <Time value={data.created} />
            </dd>
            <dt>Event</dt>
            <dd>
              <code>{data.event}</code>
            </dd>
            <dt>webhook-id</dt>
            <dd>
              <code>{data.webhookId}</code>
            </dd>
          </dl>
          <section aria-labelledby="message-heading">
            <h2 id="message-heading">Message ({pretty(data.body).kind.toUpperCase()})</h2>
            <pre tabIndex={0} aria-label="Message">
              {pretty(data.body).text}
            </pre>
          </section>
          {session.readOnly ? null : (
            <div className="actions">
              <button type="button" disabled={retry.isPending} onClick={() => retry.mutate({ params: { path } })}>
                Retry now
              </button>
            </div>
          )}
          {retry.isError ? <ErrorNote error={retry.error} /> : null}
          {retry.isSuccess ? (
            <p role="status" className="notice">
              The delivery is queued again.
            </p>
          ) : null}
          <section aria-labelledby="attempts-heading">
            <h2 id="attempts-heading">Attempts</h2>
            {data.attemptLog.length === 0 ? (
              <div className="empty">
                <p>No attempt yet: the first one is due at the next attempt time above.</p>
              </div>
            ) : (
              <ol className="attempts">
                {[...data.attemptLog].reverse().map((attempt, index) => {
                  const response = attempt.response === null ? null : pretty(attempt.response);
                  return (
                    <li key={`${attempt.time}-${index}`}>
                      <dl className="facts">
                        <dt>Time</dt>
                        <dd>
                          <Time value={attempt.time} />
                        </dd>
                        <dt>Status code</dt>
                        <dd>{attempt.statusCode ?? <span className="muted">no answer</span>}</dd>
                        <dt>Duration</dt>
                        <dd>{attempt.durationMs} ms</dd>
                        {attempt.via === 'listener' ? (
                          <>
                            <dt>Via</dt>
                            <dd>a listener (tidings listen)</dd>
                          </>
                        ) : null}
                        {attempt.error ? (
                          <>
                            <dt>Error</dt>
                            <dd className="wrap">{attempt.error}</dd>
                          </>
                        ) : null}
                      </dl>
                      {response ? (
                        <>
                          <p className="muted">Response ({response.kind === 'text' ? 'first 4 KB' : response.kind.toUpperCase()})</p>
                          <pre tabIndex={0} aria-label="Response excerpt">
                            {response.text}
                          </pre>
                        </>
                      ) : null}
                    </li>
                  );
                })}
              </ol>
            )}
          </section>
        </>
      ) : null}
    </>
  );
}
