// Retries asked for by hand (POST /delivery/{id}/retry): queued at once with a fresh round of retries,
// or, for a delivery being attempted right now, noted and applied when that attempt is recorded.
import type { Selectable, Transaction } from 'kysely';
import type { Connection, Queued } from '../db/connection.ts';
import type { DeliveriesTable, Schema } from '../db/schema.ts';
import { CREATION_SKEW_MS, lowerIdBound, upperIdBound } from './prune.ts';
import type { AttemptOutcome } from './types.ts';

export class RetryRequests {
  readonly #connection: Connection;

  constructor(connection: Connection) {
    this.#connection = connection;
  }

  async request(accountId: number, id: number): Promise<Selectable<DeliveriesTable> | undefined> {
    const { ms, stamp } = this.#connection.now();
    return this.#connection.write(async (trx, queued) => {
      // on PostgreSQL the row stays locked until the write: an attempt's outcome cannot be recorded
      // between the look at the lease and the write that relies on it
      const read = trx.selectFrom('deliveries').select('lease_until').where('id', '=', id).where('account_id', '=', accountId);
      const current = await (this.#connection.dialect === 'postgres' ? read.forNoKeyUpdate() : read).executeTakeFirst();
      if (current === undefined) return undefined;
      const update = trx.updateTable('deliveries').where('id', '=', id);
      if (current.lease_until !== null && Number(current.lease_until) >= ms) {
        // being attempted right now: queued now, it would be sent twice. The attempt's outcome applies
        // the retry when it is recorded (applyRetryRequest); the answer shows the delivery as it is
        return update.set({ retry_requested: 1 }).returningAll().executeTakeFirstOrThrow();
      }
      const updated = await update
        .set((eb) => ({
          status: 'pending',
          retry_base: eb.ref('attempts'),
          next_attempt_at: ms,
          lease_until: null,
          retry_requested: 0,
          modified: stamp,
        }))
        .returningAll()
        .executeTakeFirstOrThrow();
      queued.callbacks.add(updated.callback_id);
      return updated;
    });
  }
}

/** Which finished deliveries a replay sends again, and how many at most in one request. */
export interface ReplayWindow {
  /** epoch ms, inclusive: the deliveries made (the changes committed) from then on */
  since: number;
  /** epoch ms, inclusive */
  until: number;
  statuses: readonly string[];
  most: number;
}

export class Replays {
  readonly #connection: Connection;

  constructor(connection: Connection) {
    this.#connection = connection;
  }

  /**
   * Queues again, at once and with a fresh round of retries, a callback's deliveries of the window in
   * the given statuses, oldest first, at most `most` (`more` says some are left: ask again). Each keeps
   * its webhook-id. A delivery being attempted right now is left alone.
   */
  async replay(callbackId: number, window: ReplayWindow): Promise<{ queued: number; more: boolean }> {
    const { ms, stamp } = this.#connection.now();
    // the window as a range of IDs, widened by the skew, read through the callback's index of IDs; the
    // upper end left open while rows of the window may still be written
    const from = await lowerIdBound(this.#connection.db, 'deliveries', window.since - CREATION_SKEW_MS);
    const to = window.until + CREATION_SKEW_MS < ms ? await upperIdBound(this.#connection.db, 'deliveries', window.until + 1 + CREATION_SKEW_MS) : null;
    return this.#connection.write(async (trx, queued) => {
      let chosen = trx.selectFrom('deliveries').select('id').where('callback_id', '=', callbackId).where('id', '>=', from);
      if (to !== null) chosen = chosen.where('id', '<', to);
      chosen = chosen
        .where('created_at', '>=', window.since)
        .where('created_at', '<=', window.until)
        .where('status', 'in', [...window.statuses])
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', ms)]))
        .orderBy('id')
        .limit(window.most + 1);
      const ids = (await chosen.execute()).map((row) => row.id);
      const batch = ids.slice(0, window.most);
      if (batch.length === 0) return { queued: 0, more: false };
      // checked again as each row is updated: on PostgreSQL a retry by hand, or another replay, may have
      // queued one since, and a worker leased it (its lease must not be cleared under it)
      const updated = await trx
        .updateTable('deliveries')
        .set((eb) => ({ status: 'pending', retry_base: eb.ref('attempts'), next_attempt_at: ms, lease_until: null, retry_requested: 0, modified: stamp }))
        .where('id', 'in', batch)
        .where('status', 'in', [...window.statuses])
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', ms)]))
        .executeTakeFirst();
      const queuedNow = Number(updated.numUpdatedRows);
      if (queuedNow > 0) queued.callbacks.add(callbackId);
      return { queued: queuedNow, more: ids.length > batch.length };
    });
  }
}

/**
 * A retry was asked for while this attempt was in flight (RetryRequests.request). A delivery that got
 * through needs nothing more; one that did not goes again at once, with a fresh round of retries,
 * as a retry of a finished delivery does.
 */
export async function applyRetryRequest(
  trx: Transaction<Schema>,
  queued: Queued,
  outcome: AttemptOutcome,
  status: AttemptOutcome['status'],
  now: { ms: number; stamp: string },
): Promise<void> {
  const update = trx.updateTable('deliveries').where('id', '=', outcome.deliveryId);
  if (status === 'succeeded') {
    await update.set({ retry_requested: 0 }).execute();
    return;
  }
  await update
    .set((eb) => ({ status: 'pending', retry_base: eb.ref('attempts'), next_attempt_at: now.ms, retry_requested: 0, modified: now.stamp }))
    .execute();
  queued.callbacks.add(outcome.callbackId);
}
