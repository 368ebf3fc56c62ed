// A worker's claim on the embedded store, inside a write transaction: which due deliveries it takes
// (choose.ts), then their leases and what an attempt needs, in three statements over the chosen IDs.
import type { Transaction } from 'kysely';
import type { Connection } from '../../db/connection.ts';
import type { Schema } from '../../db/schema.ts';
import { dueDelivery } from '../due.ts';
import { throttleOf } from '../throttle.ts';
import type { ClaimNotes, DueDelivery } from '../types.ts';
import { ChoiceOfDue, idList, oneOf } from './choose.ts';

export class SqliteClaims {
  readonly #connection: Connection;
  readonly #choice: ChoiceOfDue;

  constructor(connection: Connection) {
    this.#connection = connection;
    this.#choice = new ChoiceOfDue(connection);
  }

  async claimIn(
    trx: Transaction<Schema>,
    limit: number,
    leaseMs: number,
    maxPerCallback: number,
    busy: ReadonlyMap<number, number>,
    notes: ClaimNotes,
  ): Promise<DueDelivery[]> {
    const now = this.#connection.clock.now();
    const ids = await this.#choice.choose(trx, now, limit, maxPerCallback, busy, notes);
    if (ids.length === 0) return [];
    const { statements } = this.#connection;
    const chosen = idList(ids);
    const leaseUntil = now + leaseMs;
    await statements.rows(
      trx,
      'leaseClaimed',
      () => trx.updateTable('deliveries').set({ lease_until: leaseUntil }).where((eb) => oneOf(eb.ref('id'), chosen)),
      [leaseUntil, chosen],
    );
    const rows = await statements.rows(
      trx,
      'claimedDeliveries',
      () =>
        trx
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
            'callbacks.id as callback_id',
            'callbacks.url',
            'callbacks.method',
            'callbacks.expression',
            'callbacks.disabled',
            'callbacks.rate_limit',
            'callbacks.throttle_rate',
            'callbacks.paused_until',
            'callbacks.unreachable_streak',
            'callbacks.breaker_trips',
          ])
          .where((eb) => oneOf(eb.ref('deliveries.id'), chosen))
          .orderBy('deliveries.id'),
      [chosen],
    );
    const callbackIds = idList([...new Set(rows.map((row) => row.callback_id))]);
    const secrets = await statements.rows(
      trx,
      'claimedSecrets',
      () =>
        trx
          .selectFrom('callback_secrets')
          .select(['callback_id', 'secret'])
          .where((eb) => oneOf(eb.ref('callback_id'), callbackIds))
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
          .orderBy('id', 'desc'),
      [callbackIds, now],
    );
    return rows.map((row) =>
      dueDelivery(row, leaseUntil, {
        id: row.callback_id,
        url: row.url,
        method: row.method as 'json' | 'xml',
        expression: row.expression,
        disabled: row.disabled === 1,
        secrets: secrets.filter((secret) => secret.callback_id === row.callback_id).map((secret) => secret.secret),
        ...throttleOf(row),
      }),
    );
  }
}
