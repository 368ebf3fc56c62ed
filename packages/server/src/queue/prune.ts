// What the queue lets go of: deliveries the worker drops, and finished ones past the retention time.
// Neither deliveries nor events have an index on created_at (every change would pay for its entries):
// IDs grow with time, so the rows created before a moment are found as an ID range of the primary key
// (firstIdFrom), and created_at is checked on each row of that range.
import type { Connection } from '../db/connection.ts';
import { OPEN_STATUSES } from './claims.ts';

/**
 * How far creation times may run against ID order: rows written at once by hosts whose clocks differ
 * (README asks for NTP), or across a step of the clock. A window found as an ID range is widened by
 * this on both sides before its rows' created_at are checked.
 */
export const CREATION_SKEW_MS = 60_000;

export class Pruning {
  readonly #connection: Connection;

  constructor(connection: Connection) {
    this.#connection = connection;
  }

  async discardDelivery(deliveryId: number): Promise<void> {
    await this.#connection.db.deleteFrom('deliveries').where('id', '=', deliveryId).execute();
  }

  /**
   * Deletes the finished deliveries created before `olderThanMs`, and the events left without one.
   * A row out of ID order by a moment is left for the next prune.
   */
  async pruneDeliveries(olderThanMs: number): Promise<number> {
    const { db } = this.#connection;
    const deliveriesBefore = await firstIdFrom(this.#connection, 'deliveries', olderThanMs);
    const result = await db
      .deleteFrom('deliveries')
      .where('id', '<', deliveriesBefore)
      .where('created_at', '<', olderThanMs)
      .where('status', 'not in', OPEN_STATUSES)
      .executeTakeFirst();
    const eventsBefore = await firstIdFrom(this.#connection, 'events', olderThanMs);
    await db
      .deleteFrom('events')
      .where('id', '<', eventsBefore)
      .where('created_at', '<', olderThanMs)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('deliveries').select('deliveries.id').whereRef('deliveries.event_id', '=', 'events.id'))))
      .execute();
    return Number(result.numDeletedRows);
  }
}

/**
 * The lowest ID of `table` from which on rows were created at or after `at` (epoch ms), as far as
 * ID order follows creation order: a binary search of the primary key, a few dozen point reads at
 * most. Above the highest ID when every row is older; the lowest ID when none is.
 */
export async function firstIdFrom(connection: Connection, table: 'deliveries' | 'events', at: number): Promise<number> {
  const { db } = connection;
  // each end read on its own: SQLite reads min() and max() together by scanning the table
  const first = await db.selectFrom(table).select('id').orderBy('id', 'asc').limit(1).executeTakeFirst();
  const last = await db.selectFrom(table).select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (first === undefined || last === undefined) return 0;
  let low = Number(first.id);
  let high = Number(last.id) + 1;
  // every row below `low` was created before `at`; the row at or above `high` (if any) at or after it
  while (low < high) {
    const middle = low + Math.floor((high - low) / 2);
    const row = await db.selectFrom(table).select(['id', 'created_at']).where('id', '>=', middle).orderBy('id').limit(1).executeTakeFirst();
    if (row !== undefined && Number(row.created_at) < at) low = Number(row.id) + 1;
    else high = middle;
  }
  return low;
}
