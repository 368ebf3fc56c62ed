// Collections: the subprofiles' containers within a database.
import type { Selectable } from 'kysely';
import type { Collection, ListEnvelope } from '@tidings/spec';
import type { Connection, Db } from '../db/connection.ts';
import type { CollectionsTable } from '../db/schema.ts';
import type { Databases } from './databases.ts';
import { listPage, toCollection } from './rows.ts';
import type { Page } from './store.ts';

export class Collections {
  readonly #connection: Connection;
  readonly #databases: Databases;

  constructor(connection: Connection, databases: Databases) {
    this.#connection = connection;
    this.#databases = databases;
  }

  row(db: Db, accountId: number, collectionId: number): Promise<Selectable<CollectionsTable> | undefined> {
    return this.#connection.statements.first(
      db,
      'collectionRow',
      () => db.selectFrom('collections').selectAll().where('id', '=', collectionId).where('account_id', '=', accountId),
      [collectionId, accountId],
    );
  }

  async listCollections(accountId: number, databaseId: number, page: Page): Promise<ListEnvelope<Collection> | null> {
    if (!(await this.#databases.owns(this.#connection.db, accountId, databaseId))) return null;
    const base = this.#connection.db.selectFrom('collections').where('database_id', '=', databaseId);
    return listPage(
      page,
      async () => (await base.select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
      () => base.selectAll().orderBy('id').limit(page.limit).offset(page.start).execute(),
      toCollection,
    );
  }

  async createCollection(accountId: number, databaseId: number, input: { name: string }): Promise<Collection | null> {
    return this.#connection.write(async (trx) => {
      if (!(await this.#databases.owns(trx, accountId, databaseId))) return null;
      const row = await trx
        .insertInto('collections')
        .values({ account_id: accountId, database_id: databaseId, name: input.name })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toCollection(row);
    });
  }

  async getCollection(accountId: number, id: number): Promise<Collection | null> {
    const row = await this.row(this.#connection.db, accountId, id);
    return row ? toCollection(row) : null;
  }

  async updateCollection(accountId: number, id: number, input: { name?: string }): Promise<Collection | null> {
    const row = await this.#connection.db
      .updateTable('collections')
      .set(input.name !== undefined ? { name: input.name } : {})
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .returningAll()
      .executeTakeFirst();
    return row ? toCollection(row) : null;
  }

  deleteCollection(accountId: number, id: number): Promise<boolean> {
    return this.#connection.write(async (trx) => {
      const collection = await this.row(trx, accountId, id);
      if (!collection) return false;
      // the collection's callbacks go with it (ON DELETE CASCADE)
      const callbacks = await trx
        .selectFrom('callbacks')
        .select(({ fn }) => fn.countAll<number>().as('n'))
        .where('collection_id', '=', id)
        .executeTakeFirstOrThrow();
      await trx.deleteFrom('collections').where('id', '=', id).execute();
      await this.#databases.countCallbacksOut(trx, collection.database_id, Number(callbacks.n));
      return true;
    });
  }
}
