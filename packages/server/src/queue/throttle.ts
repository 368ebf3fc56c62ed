// A callback's rate limit, kept on its row so that every worker process shares it. Sending: each
// message takes the next free slot (1000 / rate ms after the last one taken) in one UPDATE, and
// waits for it. Adapting (AIMD): an answer that asks to slow down halves the rate, at most once a
// second and never below MIN_RATE; each success raises it back toward the limit; a Retry-After
// pauses the whole callback. The circuit breaker: a receiver that gives no answer at all
// BREAKER_STREAK times in a row pauses its callback too, and its due messages are parked
// (parking.ts) where the claims do not walk over them.
import { sql, type RawBuilder } from 'kysely';
import type { Connection } from '../db/connection.ts';
import type { AttemptOutcome, DueDelivery } from './types.ts';
import { Parking } from './parking.ts';

/** how much further off than it can be a callback's next slot must be to count as pushed there by an older version */
const PUSHED_MARGIN_MS = 60_000;
/** the lowest rate a callback is lowered to: one message in 10 s */
export const MIN_RATE = 0.1;
/** answers that ask to slow down within this long of the last cut count as one */
const CUT_EVERY_MS = 1000;
/** the longest a Retry-After pauses a callback */
export const MAX_PAUSE_MS = 3600_000;
/** unanswered attempts in a row that trip the breaker (counted anew after each trip) */
const BREAKER_STREAK = 5;
/** the breaker's first pause, doubled each time it trips again, up to BREAKER_MAX_PAUSE_MS */
const BREAKER_FIRST_PAUSE_MS = 5_000;
const BREAKER_MAX_PAUSE_MS = 300_000;

/** A claimed callback's rate limit, rate now and pause, from its row. */
export function throttleOf(row: {
  rate_limit: number | null;
  throttle_rate: number | null;
  paused_until: number | string | null;
  unreachable_streak: number;
  breaker_trips: number;
}): Pick<DueDelivery['callback'], 'rateLimit' | 'rate' | 'pausedUntil' | 'unreachable'> {
  const rateLimit = row.rate_limit === null ? null : Number(row.rate_limit);
  return {
    rateLimit,
    rate: rateLimit === null ? null : row.throttle_rate === null ? rateLimit : Number(row.throttle_rate),
    pausedUntil: row.paused_until === null ? null : Number(row.paused_until),
    unreachable: Number(row.unreachable_streak) > 0 || Number(row.breaker_trips) > 0,
  };
}

export class Throttles {
  readonly #connection: Connection;
  readonly #parking: Parking;

  constructor(connection: Connection) {
    this.#connection = connection;
    this.#parking = new Parking(connection);
  }

  /**
   * The callback's next send slot: when (epoch ms) its next message may go, after any pause; taken
   * only when it begins within `withinMs` of now (Infinity: always). One further off is only told
   * (`taken: false`): the delivery that asked goes back to the queue until then, and asks again when
   * it comes back. (Taken now, it would go unused, and the delivery would find the
   * next one as far off when it came back: below one message in `withinMs`, no message would ever
   * go.) Null when the callback has no rate limit (any more).
   */
  async reserveSlot(callbackId: number, nowMs: number, withinMs: number): Promise<{ at: number; taken: boolean } | null> {
    const { db } = this.#connection;
    const spacing = sql<number>`1000.0 / coalesce(throttle_rate, rate_limit)`;
    // a slot is taken only within `withinMs`, so the next one is never further off than that and a
    // spacing (give or take the clocks of other hosts): one much further off was pushed there by a
    // version that took the slots it only told (each deferral took one more), and is brought back
    const reach = sql<number>`${num(nowMs + withinMs)} + ${spacing}`;
    const pushed = sql<boolean>`coalesce(throttle_next_at, 0) > ${reach} + ${num(PUSHED_MARGIN_MS)}`;
    const next: RawBuilder<number> = Number.isFinite(withinMs)
      ? sql<number>`CASE WHEN ${pushed} THEN ${reach} ELSE coalesce(throttle_next_at, 0) END`
      : sql<number>`coalesce(throttle_next_at, 0)`;
    const start = this.#greatest([next, num(nowMs), sql`coalesce(paused_until, 0)`]);
    let update = db
      .updateTable('callbacks')
      .set({ throttle_next_at: sql<number>`${start} + ${spacing}` })
      .where('id', '=', callbackId)
      .where('rate_limit', 'is not', null);
    if (Number.isFinite(withinMs)) update = update.where(sql<boolean>`${start} <= ${num(nowMs + withinMs)}`);
    const taken = await update.returning(sql<number>`throttle_next_at - ${spacing}`.as('slot')).executeTakeFirst();
    if (taken !== undefined) return { at: Number(taken.slot), taken: true };
    if (!Number.isFinite(withinMs)) return null;
    // told: the next slot (written only to bring one pushed far off back, for the delivery that comes
    // back for it to take)
    const told = await db
      .selectFrom('callbacks')
      .select([start.as('slot'), pushed.as('pushed')])
      .where('id', '=', callbackId)
      .where('rate_limit', 'is not', null)
      .executeTakeFirst();
    if (told === undefined) return null;
    if (told.pushed === true || Number(told.pushed) === 1) {
      await db.updateTable('callbacks').set({ throttle_next_at: next }).where('id', '=', callbackId).where(pushed).execute();
    }
    return { at: Number(told.slot), taken: false };
  }

  /**
   * Puts a claimed delivery back, due at `at`, without an attempt (its callback is paused, or its
   * slot is far off); only while this claim's lease holds it.
   */
  async deferDelivery(deliveryId: number, leaseUntil: number, at: number): Promise<void> {
    await this.#connection.db
      .updateTable('deliveries')
      .set({ next_attempt_at: Math.ceil(at), lease_until: null })
      .where('id', '=', deliveryId)
      .where('lease_until', '=', leaseUntil)
      .execute();
  }

  /** Lengthens a claim's lease (a delivery that waits for its slot); false when it was lost. */
  async extendLease(deliveryId: number, leaseUntil: number, until: number): Promise<boolean> {
    const result = await this.#connection.db
      .updateTable('deliveries')
      .set({ lease_until: until })
      .where('id', '=', deliveryId)
      .where('lease_until', '=', leaseUntil)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** What the recorded answers mean for their callbacks' rates and pauses: statements only for callbacks concerned. */
  async adjust(outcomes: readonly AttemptOutcome[], nowMs: number): Promise<void> {
    const folded = new Map<
      number,
      { slowDown: boolean; successes: number; pauseUntil: number | null; unanswered: number; answeredAgain: boolean; unansweredToTheEnd: boolean }
    >();
    for (const { callbackId, throttle, status } of outcomes) {
      if (throttle === null) continue;
      const entry = folded.get(callbackId) ?? {
        slowDown: false,
        successes: 0,
        pauseUntil: null,
        unanswered: 0,
        answeredAgain: false,
        unansweredToTheEnd: false,
      };
      entry.slowDown ||= throttle.slowDown;
      entry.answeredAgain ||= throttle.answeredAgain;
      if (throttle.succeeded) entry.successes++;
      if (throttle.unanswered) entry.unanswered++;
      // a delivery whose last attempt went unanswered: if it was the probe, the parked ones need another
      // (an attempt that disabled its callback is seen by afterProbe, which reads the callback)
      if (throttle.unanswered && status !== 'failed') entry.unansweredToTheEnd = true;
      if (throttle.pauseUntil !== null) entry.pauseUntil = Math.max(entry.pauseUntil ?? 0, Math.min(throttle.pauseUntil, nowMs + MAX_PAUSE_MS));
      folded.set(callbackId, entry);
    }
    for (const [callbackId, entry] of folded) {
      if (entry.pauseUntil !== null) await this.#pause(callbackId, entry.pauseUntil);
      if (entry.slowDown) await this.#cut(callbackId, nowMs);
      else if (entry.successes > 0) await this.#raise(callbackId, entry.successes);
      if (entry.answeredAgain) await this.#endStreak(callbackId);
      else if (entry.unanswered > 0) await this.#unanswered(callbackId, entry.unanswered, nowMs);
      if (entry.unanswered > 0 && !entry.answeredAgain) await this.#parking.afterProbe(callbackId, entry.unansweredToTheEnd);
    }
  }

  /**
   * Counts unanswered attempts, leaving out those that end while the callback is paused (sent before
   * the pause was known: they say nothing new). At BREAKER_STREAK the breaker trips: the callback
   * is paused (BREAKER_FIRST_PAUSE_MS, twice as long at each trip since the last answer, up to
   * BREAKER_MAX_PAUSE_MS), the count starts again, and its due deliveries are parked (parking.ts):
   * claims meanwhile neither take nor walk over them; they keep their attempts. When the pause ends,
   * the probe goes out, and if it goes unanswered too, the breaker trips again at once (half-open:
   * one unanswered attempt after a trip is enough).
   */
  async #unanswered(callbackId: number, count: number, nowMs: number): Promise<void> {
    const { db } = this.#connection;
    const row = await db
      .updateTable('callbacks')
      .set((eb) => ({ unreachable_streak: eb('unreachable_streak', '+', count) }))
      .where('id', '=', callbackId)
      .where((eb) => eb.or([eb('paused_until', 'is', null), eb('paused_until', '<=', nowMs)]))
      .returning(['unreachable_streak', 'breaker_trips'])
      .executeTakeFirst();
    if (row === undefined) return;
    const trips = Number(row.breaker_trips);
    const streak = trips > 0 ? 1 : BREAKER_STREAK;
    if (Number(row.unreachable_streak) < streak) return;
    const until = nowMs + Math.min(BREAKER_FIRST_PAUSE_MS * 2 ** Math.min(trips, 20), BREAKER_MAX_PAUSE_MS);
    // one trip however many workers saw the streak reach its end: the first to write it, and the
    // backlog parked in the same transaction (an answer that ends the breaker meanwhile waits for it)
    const parked = await this.#connection.write(async (trx) => {
      const tripped = await trx
        .updateTable('callbacks')
        .set({ breaker_trips: trips + 1, unreachable_streak: 0, paused_until: until })
        .where('id', '=', callbackId)
        .where('breaker_trips', '=', trips)
        .where('unreachable_streak', '>=', streak)
        .executeTakeFirst();
      return Number(tripped.numUpdatedRows) === 0 ? 0 : this.#parking.park(trx, callbackId, until, nowMs);
    });
    this.#parking.afterParking(parked);
  }

  /** The receiver answers again: the streak and the trips are forgotten, and the parked backlog is due. */
  async #endStreak(callbackId: number): Promise<void> {
    await this.#connection.write(async (trx, queued) => {
      const ended = await trx
        .updateTable('callbacks')
        .set({ unreachable_streak: 0, breaker_trips: 0 })
        .where('id', '=', callbackId)
        .where((eb) => eb.or([eb('unreachable_streak', '>', 0), eb('breaker_trips', '>', 0)]))
        .executeTakeFirst();
      if (Number(ended.numUpdatedRows) > 0) await this.#parking.release(trx, queued, callbackId);
    });
  }

  /** A delivery of a callback in the breaker's hands ended without being sent (queue/parking.ts). */
  async probeUnsent(callbackId: number): Promise<void> {
    await this.#parking.afterProbe(callbackId, true);
  }

  /** Parked backlogs left without a probe get one (queue/parking.ts, revive). */
  reviveParkedBacklogs(graceMs: number): Promise<number> {
    return this.#parking.revive(graceMs);
  }

  async #pause(callbackId: number, until: number): Promise<void> {
    await this.#connection.db
      .updateTable('callbacks')
      .set({ paused_until: this.#greatest([sql`coalesce(paused_until, 0)`, num(until)]) })
      .where('id', '=', callbackId)
      .execute();
  }

  /** Halves the rate, unless it was cut less than CUT_EVERY_MS ago (one overload, many answers). */
  async #cut(callbackId: number, nowMs: number): Promise<void> {
    await this.#connection.db
      .updateTable('callbacks')
      .set({
        throttle_rate: this.#greatest([sql`coalesce(throttle_rate, rate_limit) / 2.0`, num(MIN_RATE)]),
        throttle_cut_at: nowMs,
      })
      .where('id', '=', callbackId)
      .where('rate_limit', 'is not', null)
      .where((eb) => eb.or([eb('throttle_cut_at', 'is', null), eb('throttle_cut_at', '<=', nowMs - CUT_EVERY_MS)]))
      .execute();
  }

  /**
   * Raises a lowered rate by `step` / rate per success, where step is a twentieth of the limit (at
   * least 1): about `step` messages a second more for every second of successes, so a rate halved
   * from its limit is back in about 10 s; never more than doubled by one success. Back at the limit,
   * the rate is null again, and successes write nothing.
   */
  async #raise(callbackId: number, successes: number): Promise<void> {
    const step = sql`${this.#greatest([sql`1.0`, sql`rate_limit / 20.0`])} / throttle_rate`;
    const raised = sql<number>`throttle_rate + ${successes} * ${this.#least([sql`throttle_rate`, step])}`;
    await this.#connection.db
      .updateTable('callbacks')
      .set({ throttle_rate: sql<number | null>`case when ${raised} >= rate_limit then null else ${raised} end` })
      .where('id', '=', callbackId)
      .where('throttle_rate', 'is not', null)
      .execute();
  }

  #greatest(values: RawBuilder<unknown>[]): RawBuilder<number> {
    const list = sql.join(values);
    return this.#connection.dialect === 'postgres' ? sql<number>`greatest(${list})` : sql<number>`max(${list})`;
  }

  #least(values: RawBuilder<unknown>[]): RawBuilder<number> {
    const list = sql.join(values);
    return this.#connection.dialect === 'postgres' ? sql<number>`least(${list})` : sql<number>`min(${list})`;
  }
}

/** A number as a parameter both dialects read as a double (PostgreSQL cannot guess one in greatest()). */
function num(value: number): RawBuilder<number> {
  return sql<number>`cast(${value} as double precision)`;
}
