// Callbacks: what a database or collection sends its changes to. A database counts its callbacks (the
// limit per database) and its callbacks tag changes with every change of them (the lists' cache).
import type { Transaction } from 'kysely';
import type { Callback, CallbackUpdate } from '@tidings/spec';
import type { Connection, Db } from '../db/connection.ts';
import type { Schema } from '../db/schema.ts';
import { Parking } from '../queue/parking.ts';
import type { Collections } from './collections.ts';
import type { Databases } from './databases.ts';
import { callbackJson } from './callback-lists.ts';
import { toCallback, toThrottle, type CallbackRow } from './rows.ts';
import type { CreateCallbackResult, JsonText, NewCallback } from './store.ts';

export class Callbacks {
  readonly #connection: Connection;
  readonly #databases: Databases;
  readonly #collections: Collections;
  readonly #parking: Parking;

  constructor(connection: Connection, databases: Databases, collections: Collections) {
    this.#connection = connection;
    this.#parking = new Parking(connection);
    this.#databases = databases;
    this.#collections = collections;
  }

  row(db: Db, accountId: number, id: number): Promise<CallbackRow | undefined> {
    return this.#connection.statements.first(
      db,
      'callbackRow',
      () => db.selectFrom('callbacks').selectAll().where('id', '=', id).where('account_id', '=', accountId),
      [id, accountId],
    );
  }

  async #insertCallback(
    trx: Transaction<Schema>,
    accountId: number,
    databaseId: number,
    collectionId: number | null,
    input: NewCallback,
    maxPerDatabase: number,
  ): Promise<CreateCallbackResult | null> {
    // the account's database and its count in one read; on PostgreSQL the row stays locked, so that two
    // creates at once in one database cannot both pass the limit
    const database = await this.#connection.statements.first(
      trx,
      'callbackCount',
      () => {
        const read = trx.selectFrom('databases').select('callback_count').where('id', '=', databaseId).where('account_id', '=', accountId);
        return this.#connection.dialect === 'postgres' ? read.forNoKeyUpdate() : read;
      },
      [databaseId, accountId],
    );
    if (database === undefined) return null;
    if (Number(database.callback_count) >= maxPerDatabase) return { limitReached: true };
    await this.#connection.statements.rows(
      trx,
      'countCallbackIn',
      () =>
        trx
          .updateTable('databases')
          .set((eb) => ({ callback_count: eb('callback_count', '+', 1) }))
          .where('id', '=', databaseId),
      [1, databaseId],
    );
    const { stamp } = this.#connection.now();
    const values = {
      account_id: accountId,
      database_id: databaseId,
      collection_id: collectionId,
      url: input.url,
      expression: input.expression ?? '',
      action: input.action ?? 'all',
      method: input.method ?? 'json',
      ordering: input.ordering ?? 'none',
      signing: input.signing ?? 'hmac',
      rate_limit: input.rateLimit ?? null,
      disabled: input.disabled ? 1 : 0,
      disabled_reason: null,
      version: 1,
      failing_since: null,
      created: stamp,
      modified: stamp,
    };
    const row = await this.#connection.statements.first(trx, 'insertCallback', () => trx.insertInto('callbacks').values(values).returningAll(), Object.values(values));
    if (row === undefined) throw new Error('the callback was not stored');
    const secret = { callback_id: row.id, secret: input.secret, expires_at: null };
    await this.#connection.statements.rows(trx, 'insertSecret', () => trx.insertInto('callback_secrets').values(secret), Object.values(secret));
    return { callback: toCallback(row, this.#connection.now().ms) };
  }

  createDatabaseCallback(
    accountId: number,
    databaseId: number,
    input: NewCallback,
    maxPerDatabase: number,
  ): Promise<CreateCallbackResult | null> {
    return this.#connection.write((trx) => this.#insertCallback(trx, accountId, databaseId, null, input, maxPerDatabase));
  }

  createCollectionCallback(
    accountId: number,
    collectionId: number,
    input: NewCallback,
    maxPerDatabase: number,
  ): Promise<CreateCallbackResult | null> {
    return this.#connection.write(async (trx) => {
      const collection = await this.#collections.row(trx, accountId, collectionId);
      if (!collection) return null;
      return this.#insertCallback(trx, accountId, collection.database_id, collectionId, input, maxPerDatabase);
    });
  }

  /**
   * The callback alone, with its throttle (which lists leave out: their pages are cached), as JSON text:
   * the database writes what lists write (callbackJson) and the throttle is added to it. Reading the
   * row as an object instead makes node:sqlite build a property per column, about twice the read.
   */
  async getCallback(accountId: number, id: number): Promise<JsonText<Callback> | null> {
    const db = this.#connection.db;
    const row = await this.#connection.statements.first(
      db,
      'callbackJson',
      () =>
        db
          .selectFrom('callbacks')
          .select([callbackJson(this.#connection.dialect).as('json'), 'rate_limit', 'throttle_rate', 'paused_until'])
          .where('id', '=', id)
          .where('account_id', '=', accountId),
      [id, accountId],
    );
    if (row === undefined) return null;
    const throttle = JSON.stringify(toThrottle(row, this.#connection.now().ms));
    return `${row.json.slice(0, -1)},"throttle":${throttle}}` as JsonText<Callback>;
  }

  async updateCallback(accountId: number, id: number, input: CallbackUpdate): Promise<Callback | null> {
    const { stamp } = this.#connection.now();
    return this.#connection.write(async (trx, queued) => {
      const read = trx.selectFrom('callbacks').select(['url', 'disabled']).where('id', '=', id).where('account_id', '=', accountId);
      const before = await (this.#connection.dialect === 'postgres' ? read.forNoKeyUpdate() : read).executeTakeFirst();
      if (before === undefined) return null;
      // a new URL, or the callback switched on or off, starts with the circuit breaker closed and the
      // deliveries it parked released (queue/parking.ts); the same URL sent again changes nothing
      const fresh = (input.url !== undefined && input.url !== before.url) || (input.disabled !== undefined && (input.disabled ? 1 : 0) !== before.disabled);
      const row = await trx
        .updateTable('callbacks')
        .set((eb) => ({
          ...(input.url !== undefined && { url: input.url }),
          ...(input.expression !== undefined && { expression: input.expression }),
          ...(input.action !== undefined && { action: input.action }),
          ...(input.method !== undefined && { method: input.method }),
          ...(input.ordering !== undefined && { ordering: input.ordering }),
          // a new limit starts at its full rate
          ...(input.rateLimit !== undefined && { rate_limit: input.rateLimit, throttle_rate: null, throttle_cut_at: null }),
          ...(input.disabled !== undefined && {
            disabled: input.disabled ? 1 : 0,
            // re-enabling clears what Tidings recorded about the failure
            ...(input.disabled ? {} : { disabled_reason: null, failing_since: null }),
          }),
          ...(fresh && { unreachable_streak: 0, breaker_trips: 0, paused_until: null }),
          version: eb('version', '+', 1),
          modified: stamp,
        }))
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (fresh) await this.#parking.release(trx, queued, id);
      return toCallback(row, this.#connection.now().ms);
    });
  }

  deleteCallback(accountId: number, id: number): Promise<boolean> {
    return this.#connection.write(async (trx) => {
      const deleted = await trx
        .deleteFrom('callbacks')
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .returning('database_id')
        .executeTakeFirst();
      if (deleted === undefined) return false;
      await this.#databases.countCallbacksOut(trx, deleted.database_id, 1);
      return true;
    });
  }
}
