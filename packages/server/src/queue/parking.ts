// Parking: a callback's backlog while its circuit breaker is open (throttle.ts). When the breaker
// trips, the callback's deliveries due before the pause ends lose their due time (next_attempt_at
// NULL; their status stays pending or failed, their attempts as they were): claims neither take
// nor walk over them, and a later trip does not move them again. Moving them to the pause's end at
// every trip, as before, rewrote the whole backlog each time, and on PostgreSQL each rewrite left
// a dead version of every row, and its entry at the head of the due index, for claims to walk until
// a vacuum (BENCHMARKS.md, backlog). The earliest parked delivery is the probe: due when the pause
// ends. The first answer from the receiver releases them all, due at once, and so do a listener
// taking the callback (listen/), and a change of its URL or of whether it is disabled (which also
// closes the breaker: records/callbacks.ts). Migration 12
// indexes parked deliveries alone, so finding them costs nothing while there are none.
import { sql, type Transaction } from 'kysely';
import type { Connection } from '../db/connection.ts';
import type { Schema } from '../db/schema.ts';

type Db = Connection['db'] | Transaction<Schema>;

/** parked rows past which PostgreSQL's table is vacuumed at once (#vacuum) */
const VACUUM_AFTER_PARKING = 10_000;

/**
 * Open deliveries, written as literals: a partial index serves only a query whose condition implies
 * the index's, and SQLite cannot tell that of bound parameters (EXPLAIN QUERY PLAN: deliveries_callback,
 * every finished delivery of the callback read, instead of deliveries_parked).
 */
const OPEN = sql<boolean>`status in ('pending', 'failed')`;

export class Parking {
  readonly #connection: Connection;

  constructor(connection: Connection) {
    this.#connection = connection;
  }

  /**
   * At a trip of the breaker: parks the callback's deliveries due before `until` (not those leased
   * to an attempt under way: their outcome reschedules them), and makes the earliest parked one due
   * at `until`, the probe. In one transaction, so a crash cannot leave a parked backlog without one.
   */
  async park(callbackId: number, until: number, nowMs: number): Promise<void> {
    const parked = await this.#connection.write(async (trx) => {
      const result = await trx
        .updateTable('deliveries')
        .set({ next_attempt_at: null })
        .where('callback_id', '=', callbackId)
        .where(OPEN)
        .where('next_attempt_at', '<', until)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', nowMs)]))
        .executeTakeFirst();
      await this.promote(trx, callbackId, until);
      return Number(result.numUpdatedRows);
    });
    // not awaited: the worker records its attempts meanwhile
    if (parked >= VACUUM_AFTER_PARKING && this.#connection.dialect === 'postgres') void this.#vacuum();
  }

  /**
   * PostgreSQL keeps the old version of every parked row, and its entry in the due index, where the
   * claims walk them (50–90 ms a claim for 100,000 of them, the backlog benchmark) until a vacuum;
   * autovacuum would come only after a fifth of the table changed. So the parking of a large backlog
   * is followed by a vacuum of the table at once, on a connection of its own, with no time limit;
   * its ANALYZE also tells the planner that the backlog is no longer due (a plan that expects a
   * hundred thousand due rows sorts them all). A failure is only logged.
   */
  async #vacuum(): Promise<void> {
    try {
      await this.#connection.db.connection().execute(async (connection) => {
        await sql`SET statement_timeout = 0`.execute(connection);
        try {
          await sql`VACUUM (ANALYZE) deliveries`.execute(connection);
        } finally {
          await sql`RESET statement_timeout`.execute(connection);
        }
      });
    } catch (error) {
      console.error(`tidings: vacuum after parking a backlog failed: ${(error as Error).message}`);
    }
  }

  /**
   * Makes the earliest parked delivery of the callback due at `at`: the next probe. The earliest by
   * ID, so that no parked delivery of its profile can hold it back (ordering "profile").
   */
  async promote(db: Db, callbackId: number, at: number): Promise<boolean> {
    const result = await db
      .updateTable('deliveries')
      .set({ next_attempt_at: at })
      .where('id', '=', (eb) =>
        eb
          .selectFrom('deliveries')
          .select('id')
          .where('callback_id', '=', callbackId)
          .where(OPEN)
          .where('next_attempt_at', 'is', null)
          .orderBy('id')
          .limit(1),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * After a delivery's last attempt went unanswered (exhausted): if it was the probe, another parked
   * delivery becomes due now, so that a parked backlog always has one on its way; if the callback
   * was disabled meanwhile (failing for days), the backlog is released, to be settled as a disabled
   * callback's queued messages are (exhausted, and kept for a replay).
   */
  async afterLastAttempt(callbackId: number, nowMs: number): Promise<void> {
    const callback = await this.#connection.db.selectFrom('callbacks').select('disabled').where('id', '=', callbackId).executeTakeFirst();
    if (callback === undefined) return;
    if (callback.disabled === 1) await this.release(callbackId);
    else await this.promote(this.#connection.db, callbackId, nowMs);
  }

  /** Makes every parked delivery of the callback due now, and tells the workers. */
  release(callbackId: number): Promise<number> {
    return this.#connection.write(async (trx, queued) => {
      const result = await trx
        .updateTable('deliveries')
        .set({ next_attempt_at: this.#connection.clock.now() })
        .where('callback_id', '=', callbackId)
        .where(OPEN)
        .where('next_attempt_at', 'is', null)
        .executeTakeFirst();
      const released = Number(result.numUpdatedRows);
      if (released > 0) queued.callbacks.add(callbackId);
      return released;
    });
  }
}
