// Lists of callbacks, as JSON text the database writes (see JsonText), pages kept in a cache per process
// while their database's callbacks tag stays the same (list-cache.ts).
import { sql, type RawBuilder } from 'kysely';
import type { Callback, ListEnvelope } from '@tidings/spec';
import type { Connection, Dialect } from '../db/connection.ts';
import { ListCache } from './list-cache.ts';
import { listPage } from './rows.ts';
import type { JsonText, Page } from './store.ts';

/** pages of callback lists kept per process (list-cache.ts), and the most memory they may hold */
const CALLBACK_LIST_PAGES = 256;
const CALLBACK_LIST_BYTES = 16 * 1024 * 1024;

/** A callback as the API shows it (toCallback), written as JSON text by the database. */
export function callbackJson(dialect: Dialect): RawBuilder<JsonText<Callback>> {
  return dialect === 'postgres'
    ? // row_to_json writes no spaces (json_build_object does): both stores answer the same bytes
      sql<JsonText<Callback>>`(select row_to_json(c)::text from (select callbacks.id::text as "ID", callbacks.url as "url",
        callbacks.expression as "expression", callbacks.action as "action", callbacks.method as "method",
        callbacks.database_id::text as "database", callbacks.collection_id::text as "collection",
        callbacks.ordering as "ordering", callbacks.signing as "signing", callbacks.rate_limit as "rateLimit", callbacks.disabled = 1 as "disabled", callbacks.disabled_reason as "disabledReason",
        to_char(to_timestamp(callbacks.listened_until / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') as "listenedUntil", callbacks.version as "version", callbacks.created as "created", callbacks.modified as "modified") as c)`
    : sql<JsonText<Callback>>`json_object('ID', cast(id as text), 'url', url, 'expression', expression, 'action', action,
        'method', method, 'database', cast(database_id as text), 'collection', cast(collection_id as text), 'ordering', ordering, 'signing', signing, 'rateLimit', rate_limit,
        'disabled', json(iif(disabled = 1, 'true', 'false')), 'disabledReason', disabled_reason,
        'listenedUntil', strftime('%Y-%m-%d %H:%M:%S', listened_until / 1000, 'unixepoch'), 'version', version,
        'created', created, 'modified', modified)`;
}

export class CallbackLists {
  readonly #connection: Connection;
  readonly #cache = new ListCache<ListEnvelope<JsonText<Callback>>>(CALLBACK_LIST_PAGES, CALLBACK_LIST_BYTES);

  constructor(connection: Connection) {
    this.#connection = connection;
  }

  async #listCallbacks(page: Page, scope: { databaseId: number } | { collectionId: number }): Promise<ListEnvelope<JsonText<Callback>>> {
    const db = this.#connection.db;
    const [key, scopeId, base] =
      'databaseId' in scope
        ? (['databaseCallbacks', scope.databaseId, () => db.selectFrom('callbacks').where('database_id', '=', scope.databaseId).where('collection_id', 'is', null)] as const)
        : (['collectionCallbacks', scope.collectionId, () => db.selectFrom('callbacks').where('collection_id', '=', scope.collectionId)] as const);
    const { statements, dialect } = this.#connection;
    // the queries are built on their first run only (see statements.ts)
    return listPage(
      page,
      async () => (await statements.first(db, `${key}:count`, () => base().select(({ fn }) => fn.countAll<number>().as('n')), [scopeId]))?.n ?? 0,
      () =>
        statements.rows(db, `${key}:page`, () => base().select(callbackJson(dialect).as('json')).orderBy('id').limit(page.limit).offset(page.start), [
          scopeId,
          page.limit,
          page.start,
        ]),
      (row) => row.json,
    );
  }

  async listDatabaseCallbacks(accountId: number, databaseId: number, page: Page): Promise<ListEnvelope<JsonText<Callback>> | null> {
    const db = this.#connection.db;
    // the account check and the tag in one read, before the page (list-cache.ts says why before)
    const owner = await this.#connection.statements.first(
      db,
      'databaseCallbacksTag',
      () => db.selectFrom('databases').select('callbacks_tag').where('id', '=', databaseId).where('account_id', '=', accountId),
      [databaseId, accountId],
    );
    if (!owner) return null;
    return this.#cachedCallbacks(`database ${databaseId} ${page.start} ${page.limit}`, String(owner.callbacks_tag), page, { databaseId });
  }

  async listCollectionCallbacks(
    accountId: number,
    collectionId: number,
    page: Page,
  ): Promise<ListEnvelope<JsonText<Callback>> | null> {
    const db = this.#connection.db;
    const owner = await this.#connection.statements.first(
      db,
      'collectionCallbacksTag',
      () =>
        db
          .selectFrom('collections')
          .innerJoin('databases', 'databases.id', 'collections.database_id')
          .select('databases.callbacks_tag')
          .where('collections.id', '=', collectionId)
          .where('collections.account_id', '=', accountId),
      [collectionId, accountId],
    );
    if (!owner) return null;
    return this.#cachedCallbacks(`collection ${collectionId} ${page.start} ${page.limit}`, String(owner.callbacks_tag), page, { collectionId });
  }

  /** a page of callbacks from the cache while `tag` is the one it was read under, else from the store */
  async #cachedCallbacks(
    key: string,
    tag: string,
    page: Page,
    scope: { databaseId: number } | { collectionId: number },
  ): Promise<ListEnvelope<JsonText<Callback>>> {
    const cached = this.#cache.get(key, tag);
    if (cached !== undefined) return cached;
    const list = await this.#listCallbacks(page, scope);
    // counted twice: the text, and the UTF-8 bytes the answer keeps of it (respond.ts)
    this.#cache.set(key, tag, list, 2 * list.data.reduce((bytes, json) => bytes + json.length, 64));
    return list;
  }
}
