// How deep the queue is, as every process of an installation sees it: read from the store, so that on
// PostgreSQL each process reports the same truth, whichever worker holds what.
import type { Connection } from '../db/connection.ts';

export interface QueueDepth {
  /** open deliveries due now and not leased: waiting for a worker */
  due: number;
  /** deliveries leased by a worker: being attempted */
  inFlight: number;
  /** when the longest-waiting due delivery fell due (epoch ms), or null when none is due */
  oldestDueAt: number | null;
}

export async function queueDepth(connection: Connection): Promise<QueueDepth> {
  const now = connection.clock.now();
  const open = connection.db.selectFrom('deliveries').where('status', 'in', ['pending', 'failed']);
  const [due, inFlight] = await Promise.all([
    open
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .select(({ fn }) => [fn.countAll<number | string>().as('n'), fn.min<number | null>('next_attempt_at').as('oldest')])
      .executeTakeFirstOrThrow(),
    open.where('lease_until', '>=', now).select(({ fn }) => fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { due: Number(due.n), inFlight: Number(inFlight.n), oldestDueAt: due.oldest === null ? null : Number(due.oldest) };
}
