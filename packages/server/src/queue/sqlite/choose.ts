// Which due deliveries a claim on the embedded store takes: of each callback at most its free slots
// (the most in flight per callback, less what the worker sends it already), so that one slow or held
// receiver cannot fill a batch, and at a cost that does not grow with any callback's backlog.
//
// The first look walks the due index, earliest due first, and hands each row over. A row of a
// callback with no free slot is passed over. A run of them in a row (a backlog the claim cannot take
// from) ends that look: reading on, or leaving those callbacks out in SQL, would cost a read of each
// row of the backlog at every claim (≈ 3 µs a row handed over; left out in SQL, 14 ms a claim behind
// 100,000 rows, in memory). The second look then goes callback by callback through
// deliveries_callback_due (migration 16): the next callback with a due time is one index seek, and of
// a callback with free slots the earliest due deliveries are another. It reads those of 64 callbacks
// and looks up 512 at most; the next claim goes on from where it stopped, at once if it stopped
// having read its most (ClaimNotes.unfinished). Rows that SQL holds back (ordering "profile":
// behind an open delivery) are still walked by either look.
import { sql, type Expression, type RawBuilder, type Transaction } from 'kysely';
import type { Connection } from '../../db/connection.ts';
import type { Schema } from '../../db/schema.ts';
import { notBehindAnOpenDelivery, OPEN_STATUSES } from '../due.ts';
import type { ClaimNotes } from '../types.ts';

/** the most rows the first look reads: four per delivery of the largest batch the worker claims (100) */
const SCAN_MOST = 400;

/** rows in a row of callbacks with no free slot after which the first look gives way to the second */
const PASS_OVER_MOST = 8;

/** the most callbacks whose due deliveries the second look reads in one claim */
const CALLBACKS_MOST = 64;

/** the most callbacks it looks up in one claim (a seek each), those with nothing to take included */
const SEEKS_MOST = 512;

interface DueRow {
  id: number;
  callback_id: number;
}

/** A list of IDs as one parameter, so that statements over lists keep one shape: see oneOf. */
export function idList(ids: readonly number[]): string {
  return JSON.stringify(ids);
}

export function oneOf(column: Expression<number>, ids: string): RawBuilder<boolean> {
  return sql<boolean>`${column} in (select value from json_each(${ids}))`;
}

/** What one claim has chosen so far. */
class Chosen {
  readonly ids: number[] = [];
  readonly #taken = new Map<number, number>();
  readonly #idSet = new Set<number>();
  readonly #limit: number;
  readonly #maxPerCallback: number;
  readonly #busy: ReadonlyMap<number, number>;

  constructor(limit: number, maxPerCallback: number, busy: ReadonlyMap<number, number>) {
    this.#limit = limit;
    this.#maxPerCallback = maxPerCallback;
    this.#busy = busy;
  }

  get full(): boolean {
    return this.ids.length >= this.#limit;
  }

  /** the worker leaves the callback out (its slots were full before the claim, or a pause holds it) */
  leftOut(callbackId: number): boolean {
    return (this.#busy.get(callbackId) ?? 0) >= this.#maxPerCallback;
  }

  free(callbackId: number): number {
    return this.#maxPerCallback - (this.#busy.get(callbackId) ?? 0) - (this.#taken.get(callbackId) ?? 0);
  }

  has(id: number): boolean {
    return this.#idSet.has(id);
  }

  take(row: DueRow): void {
    this.ids.push(row.id);
    this.#idSet.add(row.id);
    this.#taken.set(row.callback_id, (this.#taken.get(row.callback_id) ?? 0) + 1);
  }
}

export class ChoiceOfDue {
  readonly #connection: Connection;
  /** the callback the last second look stopped after: the next one goes on from there */
  #resumeAfter = 0;

  constructor(connection: Connection) {
    this.#connection = connection;
  }

  /**
   * The IDs of the deliveries to lease. `notes.leftBehind` says whether due deliveries were left for
   * a later claim: of callbacks whose slots this claim filled, or beyond what it read. Those the
   * worker left out itself (`busy` at the limit) are its own to know of, and are not counted.
   */
  async choose(
    trx: Transaction<Schema>,
    now: number,
    limit: number,
    maxPerCallback: number,
    busy: ReadonlyMap<number, number>,
    notes: ClaimNotes,
  ): Promise<number[]> {
    notes.leftBehind = false;
    notes.unfinished = false;
    const chosen = new Chosen(limit, maxPerCallback, busy);
    const readMost = Math.min(SCAN_MOST, Math.max(limit * 4, 200));
    let read = 0;
    let passedOver = 0;
    let blocked = false;
    await this.#connection.statements.scan(trx, 'claimScan', () => this.#earliestDue(trx, now), [now, now, now, ...OPEN_STATUSES], (row) => {
      read++;
      if (chosen.free(row.callback_id) > 0) {
        passedOver = 0;
        chosen.take(row);
        return !chosen.full && read < readMost;
      }
      if (!chosen.leftOut(row.callback_id)) notes.leftBehind = true;
      if (++passedOver < PASS_OVER_MOST) return read < readMost;
      blocked = true;
      return false;
    });
    // behind a backlog it has no slot for, or past all it may read: callback by callback
    if (!chosen.full && (blocked || read >= readMost)) await this.#callbackByCallback(trx, now, chosen, notes);
    return chosen.ids;
  }

  /**
   * The second look (see the top of this file): from the callback after the one the last look
   * stopped at round to it. Where it stops short having read its most, more callbacks may have
   * deliveries to take, and it says `unfinished` (the worker claims again at once). Where it stops
   * short having looked up its most, those left are found by the next claim, which goes on from here:
   * callbacks with nothing due (retries later on) must not make every claim a chain of claims.
   */
  async #callbackByCallback(trx: Transaction<Schema>, now: number, chosen: Chosen, notes: ClaimNotes): Promise<void> {
    const { statements } = this.#connection;
    const start = this.#resumeAfter;
    let after = start;
    let wrapped = start === 0;
    let read = 0;
    for (let seeks = 0; ; seeks++) {
      if (chosen.full || read >= CALLBACKS_MOST || seeks >= SEEKS_MOST) {
        // the next claim goes on after this callback; a full batch the worker follows up anyway
        this.#resumeAfter = after;
        if (!chosen.full && read >= CALLBACKS_MOST) notes.unfinished = true;
        return;
      }
      const next = await statements.first(trx, 'nextScheduledCallback', () => this.#nextScheduled(trx, after), [after]);
      if (next === undefined || (wrapped && start !== 0 && next.callback_id > start)) {
        if (wrapped) {
          this.#resumeAfter = 0;
          return;
        }
        // from the first callback up to the one this look started after
        wrapped = true;
        after = 0;
        continue;
      }
      after = next.callback_id;
      // nothing due yet, or a `tidings listen` stream's to send
      if (next.next_attempt_at > now || (next.listened_until !== null && next.listened_until >= now)) continue;
      // one the worker left out is its own to know of; one whose slots this claim filled is read all
      // the same, to tell whether it has a due delivery not chosen (left behind, below)
      if (chosen.leftOut(after)) continue;
      read++;
      await statements.scan(trx, 'callbackDue', () => this.#callbackDue(trx, after, now), [now, now, now, ...OPEN_STATUSES, after], (row) => {
        if (chosen.has(row.id)) return true;
        if (chosen.free(row.callback_id) <= 0) {
          notes.leftBehind = true;
          return false;
        }
        chosen.take(row);
        return !chosen.full;
      });
    }
  }

  /**
   * The first look: due, not leased, not of a callback a listener holds, and not waiting behind an
   * earlier open delivery of the same profile (ordering "profile"), earliest due first. Its caller
   * stops it; the LIMIT is written into the SQL (a bound LIMIT made it cost ≈ 45 µs instead of ≈ 5).
   */
  #earliestDue(trx: Transaction<Schema>, now: number) {
    return trx
      .selectFrom('deliveries as d')
      .select(['d.id', 'd.callback_id'])
      .where('d.next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<', now)]))
      // a callback a `tidings listen` stream holds gets its deliveries through the stream (listen/)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('callbacks as listened').select('listened.id').whereRef('listened.id', '=', 'd.callback_id').where('listened.listened_until', '>=', now))))
      .where(notBehindAnOpenDelivery)
      .orderBy('d.next_attempt_at')
      .orderBy('d.id')
      .limit(sql.lit(SCAN_MOST));
  }

  /**
   * The next callback, by ID, with a delivery that has a due time (due or not, leased or not): its
   * earliest due time, and until when a listener holds it.
   */
  #nextScheduled(trx: Transaction<Schema>, after: number) {
    return trx
      .selectFrom('deliveries as d')
      .select((eb) => [
        'd.callback_id',
        'd.next_attempt_at',
        eb.selectFrom('callbacks as c').select('c.listened_until').whereRef('c.id', '=', 'd.callback_id').as('listened_until'),
      ])
      .where('d.next_attempt_at', 'is not', null)
      .where('d.callback_id', '>', after)
      .orderBy('d.callback_id')
      .orderBy('d.next_attempt_at')
      .limit(sql.lit(1))
      .$narrowType<{ next_attempt_at: number }>();
  }

  /** The second look at one callback: what the first look takes, of this callback alone. */
  #callbackDue(trx: Transaction<Schema>, callbackId: number, now: number) {
    return this.#earliestDue(trx, now).where('d.callback_id', '=', callbackId);
  }
}
