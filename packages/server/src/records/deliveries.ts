// Deliveries as the API reads them, and the API's requests of the queue: a retry, a test message.
import type { Delivery, DeliveryStatus, ListEnvelope } from '@tidings/spec';
import type { Connection } from '../db/connection.ts';
import type { Enqueue } from '../queue/enqueue.ts';
import type { RetryRequests } from '../queue/retries.ts';
import type { Callbacks } from './callbacks.ts';
import { listPage, toDelivery } from './rows.ts';
import type { Page, StoredDeliveryDetail } from './store.ts';

/** The contract's bounds on a delivery's log: the latest attempts (retried by hand without end, it grows), each error's length. */
const ATTEMPTS_SHOWN = 1000;
const LONGEST_ERROR = 4096;

export class Deliveries {
  readonly #connection: Connection;
  readonly #callbacks: Callbacks;
  readonly #enqueue: Enqueue;
  readonly #retries: RetryRequests;

  constructor(connection: Connection, callbacks: Callbacks, enqueue: Enqueue, retries: RetryRequests) {
    this.#connection = connection;
    this.#callbacks = callbacks;
    this.#enqueue = enqueue;
    this.#retries = retries;
  }

  async listDeliveries(
    accountId: number,
    callbackId: number,
    page: Page,
    status: DeliveryStatus | undefined,
  ): Promise<ListEnvelope<Delivery> | null> {
    if (!(await this.#callbacks.row(this.#connection.db, accountId, callbackId))) return null;
    let base = this.#connection.db.selectFrom('deliveries').where('callback_id', '=', callbackId);
    if (status !== undefined) base = base.where('status', '=', status);
    return listPage(
      page,
      async () => (await base.select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
      () => base.selectAll().orderBy('id', 'desc').limit(page.limit).offset(page.start).execute(),
      toDelivery,
    );
  }

  /** The delivery, its log, and its message as stored (`payload`, the JSON form) with the callback's `method`, for the route to render. */
  async getDelivery(accountId: number, id: number): Promise<StoredDeliveryDetail | null> {
    const row = await this.#connection.db
      .selectFrom('deliveries')
      .innerJoin('events', 'events.id', 'deliveries.event_id')
      .innerJoin('callbacks', 'callbacks.id', 'deliveries.callback_id')
      .selectAll('deliveries')
      .select(['events.payload as payload', 'callbacks.method as method'])
      .where('deliveries.id', '=', id)
      .where('deliveries.account_id', '=', accountId)
      .executeTakeFirst();
    if (!row) return null;
    const latest = await this.#connection.db
      .selectFrom('delivery_attempts')
      .selectAll()
      .where('delivery_id', '=', id)
      .orderBy('id', 'desc')
      .limit(ATTEMPTS_SHOWN)
      .execute();
    const attempts = latest.reverse();
    return {
      ...toDelivery(row),
      payload: row.payload,
      method: row.method as 'json' | 'xml',
      attemptLog: attempts.map((attempt) => ({
        time: attempt.time,
        statusCode: attempt.status_code,
        durationMs: attempt.duration_ms,
        error: attempt.error !== null && attempt.error.length > LONGEST_ERROR ? `${attempt.error.slice(0, LONGEST_ERROR - 1)}…` : attempt.error,
        response: attempt.response,
        via: attempt.via === 'listener' ? ('listener' as const) : ('url' as const),
      })),
    };
  }

  async retryDelivery(accountId: number, id: number): Promise<Delivery | null> {
    const row = await this.#retries.request(accountId, id);
    return row ? toDelivery(row) : null;
  }

  async queueTestMessage(accountId: number, callbackId: number): Promise<Delivery | null> {
    const delivery = await this.#connection.write(async (trx, queued) => {
      const callback = await this.#callbacks.row(trx, accountId, callbackId);
      if (!callback) return null;
      return this.#enqueue.testMessage(trx, queued, accountId, callback);
    });
    return delivery ? toDelivery(delivery) : null;
  }
}
