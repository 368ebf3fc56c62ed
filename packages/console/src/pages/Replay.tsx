// Sending a window of a callback's deliveries again, for tokens that may write: after a receiver was
// down, what it never got goes out once more. The API takes UTC times only, so the form asks for UTC
// and says so, rather than converting from a zone the person may not think they are in.
import type { components } from '@tidings/client';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useApi } from '../api.tsx';
import { ErrorNote } from '../ui.tsx';

type ReplayStatus = NonNullable<components['schemas']['ReplayRequest']['status']>;
const STATUSES: ReplayStatus[] = ['exhausted', 'skipped', 'missed', 'failed', 'succeeded'];
const DAY_MS = 86_400_000;

/** A datetime-local value (`YYYY-MM-DDTHH:MM`, seconds optional), taken as UTC, in the API's `YYYY-MM-DD HH:MM:SS`. */
function apiTime(value: string): string {
  const [date, time = ''] = value.split('T');
  return `${date} ${`${time}:00:00`.slice(0, 8)}`;
}

/** A moment as a datetime-local value in UTC, to the second. */
function inputTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

export function Replay({ callbackID, disabled }: { callbackID: string; disabled: boolean }) {
  const { query } = useApi();
  const queryClient = useQueryClient();
  const [since, setSince] = useState(() => inputTime(Date.now() - DAY_MS));
  const [until, setUntil] = useState('');
  const [status, setStatus] = useState<ReplayStatus | ''>('');
  const [missingSince, setMissingSince] = useState(false);
  const replay = query.useMutation('post', '/callback/{callbackID}/replay', {
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['get', '/callback/{callbackID}/deliveries'] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMissingSince(since === '');
    if (since === '') return;
    const body = { since: apiTime(since), ...(until && { until: apiTime(until) }), ...(status && { status }) };
    replay.mutate({ params: { path: { callbackID } }, body });
  };
  const result = replay.data;
  return (
    <section aria-labelledby="replay-heading">
      <h2 id="replay-heading">Replay deliveries</h2>
      <p className="muted">
        Sends a window of this callback's deliveries again, at once and with a fresh round of retries; each keeps its webhook-id, so a receiver
        that has one already can drop it.
      </p>
      {disabled ? <p>The callback is disabled: enable it first, or the replayed deliveries are exhausted again.</p> : null}
      <form className="replay-form" aria-labelledby="replay-heading" onSubmit={submit} noValidate>
        <div className="row">
          <div className="field">
            <label htmlFor="replay-since">From (UTC)</label>
            <input
              id="replay-since"
              type="datetime-local"
              step={1}
              required
              value={since}
              onChange={(event) => setSince(event.target.value)}
              aria-invalid={missingSince}
              aria-describedby={missingSince ? 'replay-since-error replay-times-hint' : 'replay-times-hint'}
            />
            {missingSince ? (
              <p id="replay-since-error" className="field-error" role="alert">
                Choose when the window starts.
              </p>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor="replay-until">Until (UTC, optional)</label>
            <input
              id="replay-until"
              type="datetime-local"
              step={1}
              value={until}
              onChange={(event) => setUntil(event.target.value)}
              aria-describedby="replay-times-hint"
            />
          </div>
          <div className="field">
            <label htmlFor="replay-status">Which deliveries</label>
            <select id="replay-status" value={status} onChange={(event) => setStatus(STATUSES.find((candidate) => candidate === event.target.value) ?? '')}>
              <option value="">never received (exhausted, skipped, missed while disabled)</option>
              {STATUSES.map((candidate) => (
                <option key={candidate} value={candidate}>
                  {candidate} only
                </option>
              ))}
            </select>
          </div>
        </div>
        <p id="replay-times-hint" className="hint">
          Times are UTC, not your local time, and the window includes both ends; without an end it runs until now.
        </p>
        {replay.isError ? <ErrorNote error={replay.error} /> : null}
        <div className="actions">
          <button type="submit" disabled={replay.isPending}>
            {replay.isPending ? 'Replaying…' : 'Replay'}
          </button>
        </div>
        {result ? (
          <p role="status" className="notice">
            {result.queued === 0
              ? 'No deliveries in that window to queue.'
              : `${result.queued} ${result.queued === 1 ? 'delivery' : 'deliveries'} queued.`}
            {result.more ? ' More are left in the window: replay again to queue them.' : null}
          </p>
        ) : null}
      </form>
    </section>
  );
}
