// What the queue lets go of: deliveries the worker drops, and finished ones past the retention time.
import type { Connection } from '../db/connection.ts';
import { OPEN_STATUSES } from './claims.ts';

export class Pruning {
  readonly #connection: Connection;

  constructor(connection: Connection) {
    this.#connection = connection;
  }

  async discardDelivery(deliveryId: number): Promise<void> {
    await this.#connection.db.deleteFrom('deliveries').where('id', '=', deliveryId).execute();
  }

  async pruneDeliveries(olderThanMs: number): Promise<number> {
    const result = await this.#connection.db
      .deleteFrom('deliveries')
      .where('created_at', '<', olderThanMs)
      .where('status', 'not in', OPEN_STATUSES)
      .executeTakeFirst();
    await this.#connection.db
      .deleteFrom('events')
      .where('created_at', '<', olderThanMs)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('deliveries').select('deliveries.id').whereRef('deliveries.event_id', '=', 'events.id'))))
      .execute();
    return Number(result.numDeletedRows);
  }
}
