// Parking: a callback's backlog while its circuit breaker is open (throttle.ts). When the breaker
// trips, the callback's deliveries due before the pause ends lose their due time (next_attempt_at
// NULL; their status stays pending or failed, their attempts as they were): claims neither take
// nor walk over them, and a later trip does not move them again. Moving them to the pause's end at
// every trip, as before, rewrote the whole backlog each time, and on PostgreSQL each rewrite left
// a dead version of every row, and its entry at the head of the due index, for claims to walk until
// a vacuum (BENCHMARKS.md, backlog). The earliest parked delivery is the probe: due when the pause
// ends. The first answer from the receiver releases them all, due at once, and so do a listener
// taking the callback (listen/), and a change of its URL or of whether it is disabled (which also
// closes the breaker: records/callbacks.ts). A trip parks in the transaction that records it, and
// the end of the breaker releases in the transaction that ends it, so no backlog stays parked behind
// a closed breaker. Migration 12 indexes parked deliveries alone, so finding them costs nothing while
// there are none.
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Connection, Db, Queued } from '../db/connection.ts';
import type { Schema } from '../db/schema.ts';
import { notBehindAnOpenDelivery, OPEN_STATUSES } from './due.ts';

/** parked rows past which PostgreSQL's table is vacuumed at once (see park) */
const VACUUM_AFTER_PARKING = 10_000;

/**
 * Open deliveries (`status`, or `alias.status`), the statuses written as literals: a partial index
 * serves only a query whose condition implies the index's, and SQLite cannot tell that of bound
 * parameters (EXPLAIN QUERY PLAN: deliveries_callback, every finished delivery of the callback read,
 * instead of deliveries_parked). For every query meant to use deliveries_parked (also depth.ts).
 */
export function openLiterally(alias?: string): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(alias === undefined ? 'status' : `${alias}.status`)} in (${sql.join(OPEN_STATUSES.map((status) => sql.lit(status)))})`;
}

export class Parking {
  readonly #connection: Connection;

  constructor(connection: Connection) {
    this.#connection = connection;
  }

  /**
   * At a trip of the breaker, inside the transaction that records it: parks the callback's deliveries
   * due before `until` (not those leased to an attempt under way: their outcome reschedules them), and
   * makes the earliest parked one due at `until`, the probe. Returns how many it parked.
   */
  async park(trx: Transaction<Schema>, callbackId: number, until: number, nowMs: number): Promise<number> {
    // `+callback_id` keeps SQLite off the callback's index, which would read the callback's whole history
    // (it has no statistics to know better): the due index reads only what is due before `until`
    const result = await trx
      .updateTable('deliveries')
      .set({ next_attempt_at: null })
      .where(sql`+callback_id`, '=', callbackId)
      .where(openLiterally())
      .where('next_attempt_at', '<', until)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', nowMs)]))
      .executeTakeFirst();
    await this.promote(trx, callbackId, until);
    return Number(result.numUpdatedRows);
  }

  /**
   * After a large parking has committed. PostgreSQL keeps the old version of every parked row, and its
   * entry in the due index, where the claims walk them (50–90 ms a claim for 100,000 of them, the
   * backlog benchmark) until a vacuum; autovacuum would come only after a fifth of the table changed.
   * So the table is vacuumed at once, in the background (db/postgres/index.ts: one at a time, on a
   * connection of its own); its ANALYZE also tells the planner that the backlog is no longer due.
   */
  afterParking(parked: number): void {
    if (parked >= VACUUM_AFTER_PARKING) this.#connection.postgres?.vacuum('deliveries');
  }

  /**
   * Makes the earliest parked delivery of the callback due at `at`: the next probe. The earliest by
   * ID that no earlier open delivery of its profile holds back (ordering "profile"); when every
   * parked one is held back so, the open one holding them back has a due time and goes first.
   */
  async promote(db: Db, callbackId: number, at: number): Promise<void> {
    await db
      .updateTable('deliveries')
      .set({ next_attempt_at: at })
      .where('id', '=', (eb) =>
        eb
          .selectFrom('deliveries as d')
          .select('d.id')
          .where('d.callback_id', '=', callbackId)
          .where(openLiterally('d'))
          .where('d.next_attempt_at', 'is', null)
          .where(notBehindAnOpenDelivery)
          .orderBy('d.id')
          .limit(1),
      )
      .execute();
  }

  /** Makes every parked delivery of the callback due now, inside `trx`, and tells the workers. */
  async release(trx: Transaction<Schema>, queued: Queued, callbackId: number): Promise<void> {
    const result = await trx
      .updateTable('deliveries')
      .set({ next_attempt_at: this.#connection.clock.now() })
      .where('callback_id', '=', callbackId)
      .where(openLiterally())
      .where('next_attempt_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) queued.callbacks.add(callbackId);
  }

  /**
   * The safety net under afterProbe, which runs after the outcome it follows has committed: a
   * process that dies in between leaves a parked backlog with no probe, and nothing would send it
   * until the callback's next change. So every worker looks, once a minute (worker.ts), for callbacks
   * with parked deliveries whose pause ended more than `graceMs` ago (a probe would have been sent,
   * and its outcome recorded, by then). Decided in a write, on the callback's row as it is then
   * (locked on PostgreSQL, where a trip or an answer in another process may have come meanwhile): a
   * disabled callback's backlog is released (afterProbe's case), as is one whose breaker is closed;
   * a callback with an open delivery due within `graceMs` (a probe waiting for its turn, or being
   * sent) is left alone; any other gets a probe due now. Returns how many callbacks it saw to.
   */
  async revive(graceMs: number): Promise<number> {
    const { db, clock, dialect } = this.#connection;
    const now = clock.now();
    const pauseOver = now - graceMs;
    // through deliveries_parked, one look per callback: nothing to read while nothing is parked
    const candidates = await db
      .selectFrom('callbacks as c')
      .select('c.id')
      .where((eb) => eb.or([eb('c.paused_until', 'is', null), eb('c.paused_until', '<', pauseOver)]))
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('deliveries as d')
            .select('d.id')
            .whereRef('d.callback_id', '=', 'c.id')
            .where(openLiterally('d'))
            .where('d.next_attempt_at', 'is', null),
        ),
      )
      .execute();
    let seenTo = 0;
    for (const { id } of candidates) {
      const acted = await this.#connection.write(async (trx, queued) => {
        const read = trx
          .selectFrom('callbacks')
          .select(['disabled', 'breaker_trips', 'unreachable_streak', 'paused_until'])
          .where('id', '=', id);
        const callback = await (dialect === 'postgres' ? read.forUpdate() : read).executeTakeFirst();
        if (callback === undefined || (callback.paused_until !== null && Number(callback.paused_until) >= pauseOver)) return false;
        if (callback.disabled === 1 || (Number(callback.breaker_trips) === 0 && Number(callback.unreachable_streak) === 0)) {
          await this.release(trx, queued, id);
          return true;
        }
        // a leased delivery is due too (its due time stays while it is attempted); `+callback_id`
        // reads the due index up to now + graceMs, not the callback's whole history (as in park)
        const onItsWay = await trx
          .selectFrom('deliveries')
          .select('id')
          .where(sql`+callback_id`, '=', id)
          .where(openLiterally())
          .where('next_attempt_at', '<=', now + graceMs)
          .limit(1)
          .executeTakeFirst();
        if (onItsWay !== undefined) return false;
        await this.promote(trx, id, now);
        queued.callbacks.add(id);
        return true;
      });
      if (acted) seenTo++;
    }
    return seenTo;
  }

  /**
   * After an unanswered attempt that was a delivery's last, or an unanswered attempt that found the
   * callback disabled (failing for days): a disabled callback's backlog is released, to be settled as
   * a disabled callback's queued messages are (exhausted, and kept for a replay); otherwise, if the
   * delivery was the probe, another parked one becomes due now, so a parked backlog always has one
   * on its way. Also after a probe that ended without being sent (its condition did not match, or
   * failed): `ended` then.
   */
  async afterProbe(callbackId: number, ended: boolean): Promise<void> {
    const callback = await this.#connection.db.selectFrom('callbacks').select('disabled').where('id', '=', callbackId).executeTakeFirst();
    if (callback === undefined) return;
    if (callback.disabled === 1) await this.#connection.write((trx, queued) => this.release(trx, queued, callbackId));
    else if (ended) await this.promote(this.#connection.db, callbackId, this.#connection.clock.now());
  }
}
