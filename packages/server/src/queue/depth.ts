// How deep the queue is, as every process of an installation sees it: read from the store, so that on
// PostgreSQL each process reports the same truth, whichever worker holds what.
import type { Connection } from '../db/connection.ts';
import { OPEN_STATUSES } from './due.ts';
import { openLiterally } from './parking.ts';

export interface QueueDepth {
  /** open deliveries due now and not leased: waiting for a worker */
  due: number;
  /** deliveries leased by a worker: being attempted */
  inFlight: number;
  /** when the longest-waiting due delivery fell due (epoch ms), or null when none is due */
  oldestDueAt: number | null;
  /** open deliveries held back while their callback's circuit breaker is open (parking.ts) */
  parked: number;
}

export async function queueDepth(connection: Connection): Promise<QueueDepth> {
  const now = connection.clock.now();
  const open = connection.db.selectFrom('deliveries').where('status', 'in', OPEN_STATUSES);
  const [due, inFlight, parked] = await Promise.all([
    open
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .select(({ fn }) => [fn.countAll<number | string>().as('n'), fn.min<number | null>('next_attempt_at').as('oldest')])
      .executeTakeFirstOrThrow(),
    // a leased delivery is due (its due time stays while it is attempted): read through the due index,
    // up to now (PostgreSQL has no index of leases)
    open
      .where('next_attempt_at', '<=', now)
      .where('lease_until', '>=', now)
      .select(({ fn }) => fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow(),
    // through the index of parked deliveries alone
    connection.db
      .selectFrom('deliveries')
      .where(openLiterally())
      .where('next_attempt_at', 'is', null)
      .select(({ fn }) => fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    due: Number(due.n),
    inFlight: Number(inFlight.n),
    oldestDueAt: due.oldest === null ? null : Number(due.oldest),
    parked: Number(parked.n),
  };
}
