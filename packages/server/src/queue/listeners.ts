// The queue's side of `tidings listen` (listen/): a callback held by a listener, the deliveries
// handed to a listener's stream under a lease, and the lease a listener's report must still hold.
import { sql } from 'kysely';
import type { Connection } from '../db/connection.ts';
import { dueDelivery, notBehindAnOpenDelivery, OPEN_STATUSES } from './due.ts';
import { Parking } from './parking.ts';
import type { DueDelivery } from './types.ts';

/** What a listener's report is checked against and settled with. */
export interface ListenedDelivery {
  id: number;
  callbackId: number;
  attempts: number;
  retryBase: number;
  /** the lease the report holds the delivery under while its outcome is recorded */
  leaseUntil: number;
}

/** how long a report's check holds the delivery while its outcome is recorded */
const REPORT_HOLD_MS = 10_000;

export class ListenerQueue {
  readonly #connection: Connection;
  readonly #parking: Parking;

  constructor(connection: Connection) {
    this.#connection = connection;
    this.#parking = new Parking(connection);
  }

  /**
   * Holds the account's callback for a listener until `untilMs` (never shortening another
   * listener's hold): the worker's claims pass its deliveries over meanwhile. False when the
   * account has no such callback.
   */
  async hold(accountId: number, callbackId: number, untilMs: number): Promise<boolean> {
    const later =
      this.#connection.dialect === 'postgres'
        ? sql<number>`greatest(coalesce(listened_until, 0), ${untilMs})`
        : sql<number>`max(coalesce(listened_until, 0), ${untilMs})`;
    return this.#connection.write(async (trx, queued) => {
      const result = await trx
        .updateTable('callbacks')
        .set({ listened_until: later })
        .where('id', '=', callbackId)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return false;
      // a backlog the circuit breaker parked goes to the listener too (its target bears on no breaker)
      await this.#parking.release(trx, queued, callbackId);
      return true;
    });
  }

  /**
   * Leases up to `limit` of the callback's due deliveries to a listener, earliest due first, with
   * the same order rule as the worker's claims (ordering "profile": one at a time per profile).
   */
  claim(callbackId: number, limit: number, leaseMs: number): Promise<DueDelivery[]> {
    const postgres = this.#connection.dialect === 'postgres';
    return this.#connection.write(async (trx) => {
      const now = this.#connection.clock.now();
      let due = trx
        .selectFrom('deliveries as d')
        .select('d.id')
        .where('d.callback_id', '=', callbackId)
        .where('d.status', 'in', OPEN_STATUSES)
        .where('d.next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<', now)]))
        .where(notBehindAnOpenDelivery)
        .orderBy('d.next_attempt_at')
        .orderBy('d.id')
        .limit(limit);
      // several listeners (on several API processes) share the callback: a row one is taking is skipped
      if (postgres) due = due.forUpdate().skipLocked();
      const ids = (await due.execute()).map((row) => Number(row.id));
      if (ids.length === 0) return [];
      const leaseUntil = now + leaseMs;
      await trx.updateTable('deliveries').set({ lease_until: leaseUntil }).where('id', 'in', ids).execute();
      const rows = await trx
        .selectFrom('deliveries')
        .innerJoin('callbacks', 'callbacks.id', 'deliveries.callback_id')
        .innerJoin('events', 'events.id', 'deliveries.event_id')
        .select([
          'deliveries.id',
          'deliveries.webhook_id',
          'deliveries.event_key',
          'deliveries.attempts',
          'deliveries.retry_base',
          'deliveries.ordering_key',
          'events.payload',
          'events.traceparent',
          'callbacks.url',
          'callbacks.method',
          'callbacks.expression',
          'callbacks.disabled',
        ])
        .where('deliveries.id', 'in', ids)
        .orderBy('deliveries.next_attempt_at')
        .orderBy('deliveries.id')
        .execute();
      const secrets = await trx
        .selectFrom('callback_secrets')
        .select('secret')
        .where('callback_id', '=', callbackId)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .orderBy('id', 'desc')
        .execute();
      return rows.map((row) =>
        dueDelivery(row, leaseUntil, {
          // a listener's target is not the callback's receiver: no rate, pause or breaker applies
          rateLimit: null,
          rate: null,
          pausedUntil: null,
          unreachable: false,
          id: callbackId,
          url: row.url,
          method: row.method as 'json' | 'xml',
          expression: row.expression,
          disabled: row.disabled === 1,
          secrets: secrets.map((secret) => secret.secret),
        }),
      );
    });
  }

  /**
   * Takes over the lease a listener's report quotes, so that the report is recorded once: a second
   * report of the same lease, or one whose lease ran out (the delivery may be another listener's by
   * now), finds nothing. 'lost' when the account's callback has the delivery but the lease no
   * longer holds.
   */
  async takeLease(
    accountId: number,
    callbackId: number,
    deliveryId: number,
    lease: number,
  ): Promise<ListenedDelivery | 'lost' | 'no callback' | 'no delivery'> {
    return this.#connection.write(async (trx) => {
      const now = this.#connection.clock.now();
      const taken = await trx
        .updateTable('deliveries')
        .set({ lease_until: now + REPORT_HOLD_MS })
        .where('id', '=', deliveryId)
        .where('callback_id', '=', callbackId)
        .where('account_id', '=', accountId)
        .where('lease_until', '=', lease)
        .where('lease_until', '>=', now)
        .where('status', 'in', OPEN_STATUSES)
        .returning(['id', 'callback_id', 'attempts', 'retry_base'])
        .executeTakeFirst();
      if (taken !== undefined) {
        return { id: Number(taken.id), callbackId: Number(taken.callback_id), attempts: taken.attempts, retryBase: taken.retry_base, leaseUntil: now + REPORT_HOLD_MS };
      }
      const callback = await trx.selectFrom('callbacks').select('id').where('id', '=', callbackId).where('account_id', '=', accountId).executeTakeFirst();
      if (callback === undefined) return 'no callback';
      const delivery = await trx
        .selectFrom('deliveries')
        .select('id')
        .where('id', '=', deliveryId)
        .where('callback_id', '=', callbackId)
        .executeTakeFirst();
      return delivery === undefined ? 'no delivery' : 'lost';
    });
  }
}
