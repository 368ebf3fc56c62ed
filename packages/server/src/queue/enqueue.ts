// The outbox: the events and deliveries a change queues, inside the change's own transaction.
import { sql, type Selectable, type Transaction } from 'kysely';
import type { Connection, Db, Queued } from '../db/connection.ts';
import type { DeliveriesTable, Schema } from '../db/schema.ts';
import { buildMessage, buildTestMessage, newEventKey, newWebhookId } from './message.ts';

/** Deliveries inserted by one statement; a statement per size is cached, so the sizes are bounded. */
const DELIVERY_INSERT_CHUNK = 50;

export class Enqueue {
  readonly #connection: Connection;
  readonly firstAttemptDelayMs: number;

  /** `firstAttemptDelayMs`: the retry schedule's first entry, how long after a change its first attempt is due */
  constructor(connection: Connection, firstAttemptDelayMs: number) {
    this.#connection = connection;
    this.firstAttemptDelayMs = firstAttemptDelayMs;
  }

  /**
   * Queues one message for every callback of the scope that listens to the action, inside the
   * caller's transaction; a disabled one's delivery is kept as `missed` (not due), for a replay.
   * Expressions are evaluated later by the worker (never in the write path).
   */
  async message(
    trx: Db,
    queued: Queued,
    accountId: number,
    scope: { databaseId: number; collectionId: number | null; profileId: number },
    message: ReturnType<typeof buildMessage>,
    nowMs: number,
    stamp: string,
  ): Promise<void> {
    const { databaseId, collectionId } = scope;
    const statements = this.#connection.statements;
    const listening = (disabled: 0 | 1) =>
      statements.rows(
        trx,
        `${disabled === 0 ? 'queueTargets' : 'missedTargets'}:${collectionId === null ? 'database' : 'collection'}`,
        () => {
          const scoped = trx.selectFrom('callbacks').select(['id', 'ordering', 'disabled']).where('database_id', '=', databaseId);
          return (collectionId === null ? scoped.where('collection_id', 'is', null) : scoped.where('collection_id', '=', collectionId))
            // written out, not bound: the indexes of listening callbacks (migration 4) and of disabled ones
            // (migration 8) each cover their value only
            .where(disabled === 0 ? sql<boolean>`disabled = 0` : sql<boolean>`disabled = 1`)
            .where('action', 'in', ['all', message.action]);
        },
        collectionId === null ? [databaseId, 'all', message.action] : [databaseId, collectionId, 'all', message.action],
      );
    const callbacks = [...(await listening(0)), ...(await listening(1))];
    if (callbacks.length === 0) return;
    // in the order the callbacks were made, whatever order the index gives them in
    callbacks.sort((a, b) => a.id - b.id);
    for (const callback of callbacks) if (callback.disabled === 0) queued.callbacks.add(callback.id);
    const payload = JSON.stringify(message);
    const traceparent = this.#connection.traceparent();
    const event = await statements.first(
      trx,
      'insertEvent',
      () =>
        trx
          .insertInto('events')
          .values({ account_id: accountId, database_id: databaseId, payload, created_at: nowMs, traceparent })
          .returning('id'),
      [accountId, databaseId, payload, nowMs, traceparent],
    );
    if (event === undefined) throw new Error('the event was not stored');
    const dueAt = nowMs + this.firstAttemptDelayMs;
    for (let start = 0; start < callbacks.length; start += DELIVERY_INSERT_CHUNK) {
      const rows = callbacks.slice(start, start + DELIVERY_INSERT_CHUNK).map((callback) => ({
        account_id: accountId,
        callback_id: callback.id,
        event_id: event.id,
        event_key: message.id,
        webhook_id: newWebhookId(),
        ordering_key: callback.ordering === 'profile' ? scope.profileId : null,
        status: callback.disabled === 0 ? 'pending' : 'missed',
        attempts: 0,
        retry_base: 0,
        next_attempt_at: callback.disabled === 0 ? dueAt : null,
        created: stamp,
        modified: stamp,
        created_at: nowMs,
      }));
      await statements.rows(
        trx,
        `insertDeliveries:${rows.length}`,
        () => trx.insertInto('deliveries').values(rows),
        rows.flatMap((row) => Object.values(row)),
      );
    }
  }

  /** Queues a test message for one callback, due now, inside the caller's transaction. */
  async testMessage(
    trx: Transaction<Schema>,
    queued: Queued,
    accountId: number,
    callback: { id: number; database_id: number; collection_id: number | null },
  ): Promise<Selectable<DeliveriesTable>> {
    queued.callbacks.add(callback.id);
    const { ms, stamp } = this.#connection.now();
    const message = buildTestMessage({
      eventKey: newEventKey(),
      timestamp: stamp,
      epochMs: ms,
      database: callback.database_id,
      collection: callback.collection_id,
    });
    const event = await trx
      .insertInto('events')
      .values({
        account_id: accountId,
        database_id: callback.database_id,
        payload: JSON.stringify(message),
        created_at: ms,
        traceparent: this.#connection.traceparent(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return trx
      .insertInto('deliveries')
      .values({
        account_id: accountId,
        callback_id: callback.id,
        event_id: event.id,
        event_key: message.id,
        webhook_id: newWebhookId(),
        ordering_key: null,
        status: 'pending',
        attempts: 0,
        retry_base: 0,
        next_attempt_at: ms,
        created: stamp,
        modified: stamp,
        created_at: ms,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}
