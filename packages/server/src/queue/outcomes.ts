// Recording what the worker's attempts came to: the delivery, its attempt log, and what the outcome
// means for the callback (failing since when; disabled after failing for FAILING_DAYS_BEFORE_DISABLE).
import type { Transaction } from 'kysely';
import { formatTimestamp } from '../clock.ts';
import type { Connection, Queued } from '../db/connection.ts';
import type { Schema } from '../db/schema.ts';
import { recordAttempts as recordOnPostgres } from './postgres/record.ts';
import { applyRetryRequest } from './retries.ts';
import { Throttles } from './throttle.ts';
import type { AttemptOutcome } from './types.ts';

/**
 * The outcomes are recorded, but what they mean for their callbacks' rates and breakers failed (the
 * store went away in between). Recording them again would record nothing (their leases are gone), and
 * so adjust nothing either: the caller takes them as recorded. A rate left a step behind is put right
 * by the next answers; a probe's follow-up lost so is made good by the workers' look for stranded
 * backlogs (parking.ts, revive).
 */
export class RecordedButNotAdjusted extends Error {
  /** the outcomes recorded (as recordAttempts resolves to when nothing fails) */
  readonly recorded: ReadonlySet<AttemptOutcome>;

  constructor(cause: unknown, recorded: ReadonlySet<AttemptOutcome>) {
    super(`outcomes recorded; adjusting their callbacks' rates and breakers failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'RecordedButNotAdjusted';
    this.recorded = recorded;
  }
}

/**
 * An outcome as recording answers it: its delivery and the lease it was attempted under, since one
 * batch may hold two attempts of a delivery (one whose lease ran out while the store was away, and
 * the one made under the claim after it), and only the second counts.
 */
function outcomeKey(outcome: AttemptOutcome): string {
  return `${outcome.deliveryId}:${outcome.leaseUntil}`;
}

/** a callback whose every attempt has failed for this long is disabled */
const FAILING_DAYS_BEFORE_DISABLE = 5;

export class Outcomes {
  readonly #connection: Connection;
  readonly #throttles: Throttles;

  constructor(connection: Connection) {
    this.#connection = connection;
    this.#throttles = new Throttles(connection);
  }

  /**
   * Every outcome in one transaction: the worker records what finished meanwhile together. Only an
   * outcome recorded under the lease its attempt was made under counts for its callback (its failing
   * spell, its rate and breaker): one whose lease ran out meanwhile is another claim's to record.
   * One not recorded while its lease still holds was recorded by an earlier call whose commit's
   * acknowledgement was lost (the recorder sends the batch again), before its signals were applied:
   * they are applied now. (Or its delivery went with its callback, and there is nothing to adjust.)
   */
  async recordAttempts(given: readonly AttemptOutcome[]): Promise<ReadonlySet<AttemptOutcome>> {
    // as they are now: the worker may give an outcome a new lease while it is being written (relet)
    const outcomes = given.map((outcome) => ({ ...outcome }));
    const postgres = this.#connection.postgres;
    let recorded: ReadonlySet<string>;
    if (postgres) {
      const result = await recordOnPostgres(postgres.run, postgres.signal, this.#connection.now(), FAILING_DAYS_BEFORE_DISABLE, outcomes);
      this.#connection.told(result.requeued);
      recorded = result.recorded;
    } else {
      recorded = await this.#connection.write(async (trx, queued) => {
        const now = this.#connection.now();
        const keys = new Set<string>();
        for (const outcome of outcomes) if (await this.#recordOne(trx, queued, outcome, now)) keys.add(outcomeKey(outcome));
        return keys;
      });
    }
    // after the outcomes, on its own: a rate that adapts a moment late is still right
    const nowMs = this.#connection.now().ms;
    const recordedGiven = new Set(given.filter((_, index) => recorded.has(outcomeKey(outcomes[index] as AttemptOutcome))));
    const signals = outcomes.filter((outcome) => outcome.throttle !== null && (recorded.has(outcomeKey(outcome)) || outcome.leaseUntil >= nowMs));
    if (signals.length > 0) {
      try {
        await this.#throttles.adjust(signals, nowMs);
      } catch (error) {
        throw new RecordedButNotAdjusted(error, recordedGiven);
      }
    }
    return recordedGiven;
  }

  /** Whether the outcome was recorded: its delivery is still there, under the same lease. */
  async #recordOne(trx: Transaction<Schema>, queued: Queued, outcome: AttemptOutcome, now: { ms: number; stamp: string }): Promise<boolean> {
    const { attempt } = outcome;
    const { stamp } = now;
    // an attempt that was not sent (disabled callback, failed expression) does not count as one
    const [recorded] = await this.#connection.statements.rows(
      trx,
      outcome.sent ? 'recordDelivery:sent' : 'recordDelivery:unsent',
      () =>
        trx
          .updateTable('deliveries')
          .set((eb) => ({
            status: outcome.status,
            attempts: outcome.sent ? eb('attempts', '+', 1) : eb.ref('attempts'),
            next_attempt_at: outcome.nextAttemptAt,
            lease_until: null,
            last_status_code: attempt.statusCode,
            modified: stamp,
          }))
          .where('id', '=', outcome.deliveryId)
          .where('lease_until', '=', outcome.leaseUntil)
          .returning('retry_requested'),
      outcome.sent
        ? [outcome.status, 1, outcome.nextAttemptAt, null, attempt.statusCode, stamp, outcome.deliveryId, outcome.leaseUntil]
        : [outcome.status, outcome.nextAttemptAt, null, attempt.statusCode, stamp, outcome.deliveryId, outcome.leaseUntil],
    );
    // The delivery went with its callback (or database, or collection) while it was attempted: there
    // is nothing left to record this on. Inserting its attempt would break the foreign key and undo
    // the whole transaction, the other outcomes with it, and those would be sent again. Or its lease
    // ran out and another claim holds it now: that claim's outcome is the one to record, and the one
    // that counts for the callback.
    if (recorded === undefined) return false;
    await this.#connection.statements.rows(
      trx,
      'insertAttempt',
      () =>
        trx.insertInto('delivery_attempts').values({
          delivery_id: outcome.deliveryId,
          time: attempt.time,
          status_code: attempt.statusCode,
          duration_ms: attempt.durationMs,
          error: attempt.error,
          response: attempt.response,
          via: attempt.via ?? null,
        }),
      [outcome.deliveryId, attempt.time, attempt.statusCode, attempt.durationMs, attempt.error, attempt.response, attempt.via ?? null],
    );
    let status = outcome.status;
    if (outcome.sent && (await this.#settleCallback(trx, outcome, now)) && status === 'failed') {
      // the attempt that disables its callback is its delivery's last
      status = 'exhausted';
      await this.#connection.statements.rows(
        trx,
        'exhaustDelivery',
        () => trx.updateTable('deliveries').set({ status, next_attempt_at: null }).where('id', '=', outcome.deliveryId),
        [status, null, outcome.deliveryId],
      );
    }
    if (Number(recorded.retry_requested) !== 0) await applyRetryRequest(trx, queued, outcome, status, now);
    return true;
  }

  /**
   * What a sent attempt means for its callback, decided from the callback's row as it is now, not as
   * it was when the attempt was claimed (a success may have been recorded since): a success ends a
   * failing spell; a failure starts one, or disables the callback once the spell has lasted
   * FAILING_DAYS_BEFORE_DISABLE. Returns whether this attempt disabled the callback.
   */
  async #settleCallback(trx: Transaction<Schema>, outcome: AttemptOutcome, now: { ms: number; stamp: string }): Promise<boolean> {
    const { callbackId, disableCallback } = outcome;
    if (outcome.status === 'succeeded') {
      // most successes change nothing here (the callback was healthy already): then no row is written
      await this.#connection.statements.rows(
        trx,
        'callbackHealthy',
        () => trx.updateTable('callbacks').set({ failing_since: null }).where('id', '=', callbackId).where('failing_since', 'is not', null),
        [null, callbackId],
      );
      return false;
    }
    if (disableCallback !== null) {
      await this.#connection.statements.rows(
        trx,
        'disableCallback',
        () =>
          trx
            .updateTable('callbacks')
            .set((eb) => ({
              failing_since: eb.fn.coalesce('failing_since', eb.val(now.ms)),
              disabled: 1,
              disabled_reason: disableCallback,
              modified: now.stamp,
            }))
            .where('id', '=', callbackId),
        [now.ms, 1, disableCallback, now.stamp, callbackId],
      );
      return true;
    }
    const callback = await this.#connection.statements.first(
      trx,
      'callbackFailingSince',
      () => trx.selectFrom('callbacks').select(['failing_since', 'disabled']).where('id', '=', callbackId),
      [callbackId],
    );
    // gone with its deliveries; disabled meanwhile by hand or by another attempt, with a reason of its own
    if (callback === undefined || callback.disabled === 1) return false;
    if (callback.failing_since === null) {
      await this.#connection.statements.rows(
        trx,
        'callbackFailing',
        () => trx.updateTable('callbacks').set({ failing_since: now.ms }).where('id', '=', callbackId).where('failing_since', 'is', null),
        [now.ms, callbackId],
      );
      return false;
    }
    const since = Number(callback.failing_since);
    if (now.ms - since < FAILING_DAYS_BEFORE_DISABLE * 86400_000) return false;
    const reason = `disabled after every attempt failed for ${FAILING_DAYS_BEFORE_DISABLE} days (since ${formatTimestamp(since)})`;
    // only while the spell read above lasts: on PostgreSQL a success recorded by another worker since
    // then has ended it, and the condition is checked again on the row as that worker left it
    const disabled = await this.#connection.statements.rows(
      trx,
      'disableFailingCallback',
      () =>
        trx
          .updateTable('callbacks')
          .set({ disabled: 1, disabled_reason: reason, modified: now.stamp })
          .where('id', '=', callbackId)
          .where('failing_since', '=', since)
          .where('disabled', '=', 0)
          .returning('id'),
      [1, reason, now.stamp, callbackId, since, 0],
    );
    return disabled.length > 0;
  }
}
