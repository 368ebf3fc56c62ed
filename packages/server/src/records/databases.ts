// Databases: the accounts' top-level records, which keep the count and list tag of their callbacks.
import type { Transaction } from 'kysely';
import type { Database, ListEnvelope } from '@tidings/spec';
import type { Connection, Db } from '../db/connection.ts';
import type { Schema } from '../db/schema.ts';
import { listPage, toDatabase } from './rows.ts';
import type { Page } from './store.ts';

export class Databases {
  readonly #connection: Connection;

  constructor(connection: Connection) {
    this.#connection = connection;
  }

  async owns(db: Db, accountId: number, databaseId: number): Promise<boolean> {
    const row = await this.#connection.statements.first(
      db,
      'ownsDatabase',
      () => db.selectFrom('databases').select('id').where('id', '=', databaseId).where('account_id', '=', accountId),
      [databaseId, accountId],
    );
    return row !== undefined;
  }

  listDatabases(accountId: number, page: Page): Promise<ListEnvelope<Database>> {
    const base = this.#connection.db.selectFrom('databases').where('account_id', '=', accountId);
    return listPage(
      page,
      async () => (await base.select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
      () => base.selectAll().orderBy('id').limit(page.limit).offset(page.start).execute(),
      toDatabase,
    );
  }

  async createDatabase(accountId: number, input: { name: string; description?: string }): Promise<Database> {
    const row = await this.#connection.db
      .insertInto('databases')
      .values({ account_id: accountId, name: input.name, description: input.description ?? '', created: this.#connection.now().stamp })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toDatabase(row);
  }

  async getDatabase(accountId: number, id: number): Promise<Database | null> {
    const row = await this.#connection.db
      .selectFrom('databases')
      .selectAll()
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row ? toDatabase(row) : null;
  }

  async updateDatabase(
    accountId: number,
    id: number,
    input: { name?: string; description?: string },
  ): Promise<Database | null> {
    const row = await this.#connection.db
      .updateTable('databases')
      .set({ ...(input.name !== undefined && { name: input.name }), ...(input.description !== undefined && { description: input.description }) })
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .returningAll()
      .executeTakeFirst();
    return row ? toDatabase(row) : null;
  }

  deleteDatabase(accountId: number, id: number): Promise<boolean> {
    // a write like the others: on PostgreSQL the cascade into profiles can deadlock with a profile
    // write that waits for the callback rows this delete holds, and the write runs the loser again
    return this.#connection.write(async (trx) => {
      const result = await trx.deleteFrom('databases').where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  async countCallbacksOut(trx: Transaction<Schema>, databaseId: number, count: number): Promise<void> {
    if (count === 0) return;
    await trx
      .updateTable('databases')
      .set((eb) => ({ callback_count: eb('callback_count', '-', count) }))
      .where('id', '=', databaseId)
      .execute();
  }
}
