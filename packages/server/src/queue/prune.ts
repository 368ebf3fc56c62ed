// What the queue lets go of: deliveries the worker drops, and finished ones past the retention time.
// Neither deliveries nor events have an index on created_at (every change would pay for its entries):
// IDs grow with time, so the rows created before a moment are found as an ID range of the primary key
// (upperIdBound, lowerIdBound), and created_at is checked on each row of that range.
import type { Kysely } from 'kysely';
import type { Connection } from '../db/connection.ts';
import type { Schema } from '../db/schema.ts';
import { OPEN_STATUSES } from './due.ts';

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
   * A row far out of ID order (written by a host whose clock was off) may be left for a later prune.
   */
  async pruneDeliveries(olderThanMs: number): Promise<number> {
    const { db } = this.#connection;
    const deliveriesBefore = await upperIdBound(db, 'deliveries', olderThanMs);
    const result = await db
      .deleteFrom('deliveries')
      .where('id', '<', deliveriesBefore)
      .where('created_at', '<', olderThanMs)
      .where('status', 'not in', OPEN_STATUSES)
      .executeTakeFirst();
    const eventsBefore = await upperIdBound(db, 'events', olderThanMs);
    await db
      .deleteFrom('events')
      .where('id', '<', eventsBefore)
      .where('created_at', '<', olderThanMs)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('deliveries').select('deliveries.id').whereRef('deliveries.event_id', '=', 'events.id'))))
      .execute();
    return Number(result.numDeletedRows);
  }
}

/** rows read at each step of the search, and beside its result */
const NEIGHBOURS = 8;

type Dated = { id: number; created_at: number };

/**
 * An ID below which lie the rows of `table` created before `at` (epoch ms), and from which on, as
 * far as NEIGHBOURS rows, none is: the upper end of a range of IDs for "created before `at`".
 */
export async function upperIdBound(db: Kysely<Schema>, table: 'deliveries' | 'events', at: number): Promise<number> {
  const boundary = await searchBoundary(db, table, at);
  // a row created before `at` just above the boundary (out of order, or missed by the vote) is taken in
  const above = await neighbours(db, table, boundary, 'above');
  const older = above.filter((row) => row.created_at < at);
  return older.length === 0 ? boundary : Math.max(...older.map((row) => row.id)) + 1;
}

/**
 * An ID from which on lie the rows of `table` created at or after `at` (epoch ms), and below which, as
 * far as NEIGHBOURS rows, none is: the lower end of a range of IDs for "created from `at` on".
 */
export async function lowerIdBound(db: Kysely<Schema>, table: 'deliveries' | 'events', at: number): Promise<number> {
  const boundary = await searchBoundary(db, table, at);
  // a row created from `at` on just below the boundary (out of order) is taken in
  const below = await neighbours(db, table, boundary, 'below');
  const younger = below.filter((row) => row.created_at >= at);
  if (younger.length > 0) return Math.min(...younger.map((row) => row.id));
  // and older rows just above it (the vote stops short by up to half its rows) left out, up to the first younger one
  let from = boundary;
  for (const row of await neighbours(db, table, boundary, 'above')) {
    if (row.created_at >= at) break;
    from = row.id + 1;
  }
  return from;
}

/**
 * Where in `table`'s IDs creation times pass `at`: a binary search of the primary key, a few dozen
 * short reads at most. Each step reads NEIGHBOURS rows and goes by their median time, so that one row
 * dated wrongly (a host whose clock was far off) cannot send the search astray, however far off it is.
 * Above the highest ID when every row is older; the lowest ID when none is; 0 for an empty table.
 */
async function searchBoundary(db: Kysely<Schema>, table: 'deliveries' | 'events', at: number): Promise<number> {
  // each end read on its own: SQLite reads min() and max() together by scanning the table
  const first = await db.selectFrom(table).select('id').orderBy('id', 'asc').limit(1).executeTakeFirst();
  const last = await db.selectFrom(table).select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (first === undefined || last === undefined) return 0;
  let low = Number(first.id);
  let high = Number(last.id) + 1;
  // rows below `low` are (by their median) older than `at`; those from `high` on are not
  while (low < high) {
    const middle = low + Math.floor((high - low) / 2);
    const rows = await neighbours(db, table, middle, 'above');
    const times = rows.map((row) => row.created_at).sort((a, b) => a - b);
    const median = times[Math.floor((times.length - 1) / 2)];
    if (median !== undefined && median < at) low = (rows[0] as Dated).id + 1;
    else high = middle;
  }
  return low;
}

/** NEIGHBOURS rows from `id` on ('above'), or just below it, nearest first */
async function neighbours(db: Kysely<Schema>, table: 'deliveries' | 'events', id: number, side: 'above' | 'below'): Promise<Dated[]> {
  const rows = await db
    .selectFrom(table)
    .select(['id', 'created_at'])
    .where('id', side === 'above' ? '>=' : '<', id)
    .orderBy('id', side === 'above' ? 'asc' : 'desc')
    .limit(NEIGHBOURS)
    .execute();
  return rows.map((row) => ({ id: Number(row.id), created_at: Number(row.created_at) }));
}
