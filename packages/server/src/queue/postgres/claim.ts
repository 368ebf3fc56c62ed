// A worker's claim on PostgreSQL in one statement (claim.sql): scan, per-callback cap, SKIP LOCKED,
// lease, and the rows an attempt needs, with no transaction around it.
import { dueDelivery } from '../due.ts';
import { throttleOf } from '../throttle.ts';
import type { ClaimNotes, DueDelivery } from '../types.ts';
import { sqlStatement, type Runner } from '../../db/postgres/prepared.ts';

const claim = sqlStatement(new URL('claim.sql', import.meta.url));

interface ClaimedRow {
  left_behind: boolean;
  contended: boolean;
  id: number | null;
  webhook_id: string;
  event_key: string;
  attempts: number;
  retry_base: number;
  ordering_key: number | null;
  payload: string;
  traceparent: string | null;
  callback_id: number;
  url: string;
  method: string;
  expression: string;
  disabled: number;
  rate_limit: number | null;
  throttle_rate: number | null;
  paused_until: string | null;
  unreachable_streak: number;
  breaker_trips: number;
  secrets: string[];
}

export async function claimDueDeliveries(
  run: Runner,
  now: number,
  limit: number,
  leaseMs: number,
  maxPerCallback: number,
  busy: ReadonlyMap<number, number>,
  notes: ClaimNotes,
): Promise<DueDelivery[]> {
  const saturated = [...busy].filter(([, count]) => count >= maxPerCallback).map(([id]) => id);
  // four rows read per wanted delivery, two candidates locked per wanted delivery: room for what
  // other workers lock first
  const scanLimit = Math.max(limit * 4, 200);
  const rows = await run<ClaimedRow>(claim, [
    now,
    saturated,
    [...busy.keys()],
    [...busy.values()],
    maxPerCallback,
    scanLimit,
    limit * 2,
    limit,
    now + leaseMs,
  ]);
  // the callbacks left out (saturated) are the worker's to know (queue/claims.ts)
  notes.leftBehind = rows[0]?.left_behind === true;
  notes.contended = rows[0]?.contended === true;
  return rows
    .filter((row): row is ClaimedRow & { id: number } => row.id !== null)
    .map((row) =>
      dueDelivery(row, now + leaseMs, {
        id: row.callback_id,
        url: row.url,
        method: row.method as 'json' | 'xml',
        expression: row.expression,
        disabled: row.disabled === 1,
        secrets: row.secrets,
        ...throttleOf(row),
      }),
    );
}
