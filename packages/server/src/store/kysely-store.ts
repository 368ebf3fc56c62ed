// The Store on Kysely: one implementation for the embedded SQLite store and for PostgreSQL.
// Every change to a profile or subprofile queues its messages in the same transaction (outbox).
import { createHash } from 'node:crypto';
import { sql, type Expression, type Kysely, type RawBuilder, type Selectable, type Transaction } from 'kysely';
import type {
  Callback,
  CallbackSecret,
  CallbackUpdate,
  Collection,
  Database,
  Delivery,
  DeliveryDetail,
  DeliveryStatus,
  ListEnvelope,
  Profile,
  Subprofile,
} from '@tidings/spec';
import { formatTimestamp, type Clock } from '../clock.ts';
import { FAILING_DAYS_BEFORE_DISABLE } from '../delivery/retry.ts';
import {
  buildMessage,
  buildTestMessage,
  changedFields,
  newEventKey,
  newWebhookId,
  type Fields,
} from '../delivery/message.ts';
import type {
  CallbacksTable,
  CollectionsTable,
  DeliveriesTable,
  ProfilesTable,
  Schema,
  SubprofilesTable,
} from './schema.ts';
import { Statements, type SqliteConnection } from './statements.ts';
import { ListCache } from './list-cache.ts';
import { exportTables, importTables, type TableName, type TableRows } from './transfer.ts';
import type {
  AccountSummary,
  AttemptOutcome,
  ClaimNotes,
  JoinedClaim,
  CreateCallbackResult,
  DueDelivery,
  NewCallback,
  Page,
  JsonText,
  Principal,
  Store,
  FieldLimits,
} from './store.ts';
import { checkFieldLimits, defaultFieldLimits } from './store.ts';
import { claimDueDeliveries as claimOnPostgres } from './postgres/claim.ts';
import { recordAttempts as recordOnPostgres } from './postgres/record.ts';
import type { Runner, Signal } from './postgres/statement.ts';
import { createProfile as createOnPostgres, updateProfile as updateOnPostgres, type ChangeContext } from './postgres/write-change.ts';

type Db = Kysely<Schema> | Transaction<Schema>;
/** what a write queued: the callbacks it queued deliveries for */
type Queued = { callbacks: Set<number> };

interface PendingWrite {
  work: (trx: Transaction<Schema>, queued: Queued) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** writes sharing one transaction of the embedded store at most */
const WRITE_BATCH = 64;
type CallbackRow = Selectable<CallbacksTable>;
type ProfileRow = Selectable<ProfilesTable>;
type SubprofileRow = Selectable<SubprofilesTable>;
type DeliveryRow = Selectable<DeliveriesTable>;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const toDatabase = (row: { id: number; name: string; description: string; created: string }): Database => ({
  ID: String(row.id),
  name: row.name,
  description: row.description,
  created: row.created,
});

const toCollection = (row: { id: number; name: string; database_id: number }): Collection => ({
  ID: String(row.id),
  name: row.name,
  database: String(row.database_id),
});

const toProfile = (row: ProfileRow): Profile => ({
  ID: String(row.id),
  database: String(row.database_id),
  fields: JSON.parse(row.fields) as Fields,
  interests: JSON.parse(row.interests) as string[],
  created: row.created,
  modified: row.modified,
});

const toSubprofile = (row: SubprofileRow): Subprofile => ({
  ID: String(row.id),
  profile: String(row.profile_id),
  collection: String(row.collection_id),
  fields: JSON.parse(row.fields) as Fields,
  created: row.created,
  modified: row.modified,
});

const toCallback = (row: CallbackRow): Callback => ({
  ID: String(row.id),
  url: row.url,
  expression: row.expression,
  action: row.action as Callback['action'],
  method: row.method as Callback['method'],
  database: String(row.database_id),
  collection: row.collection_id === null ? null : String(row.collection_id),
  ordering: row.ordering as Callback['ordering'],
  disabled: row.disabled === 1,
  disabledReason: row.disabled_reason,
  version: row.version,
  created: row.created,
  modified: row.modified,
});

const toDelivery = (row: DeliveryRow): Delivery => ({
  ID: String(row.id),
  callback: String(row.callback_id),
  event: row.event_key,
  webhookId: row.webhook_id,
  status: row.status as DeliveryStatus,
  attempts: row.attempts,
  nextAttempt: row.next_attempt_at === null ? null : formatTimestamp(row.next_attempt_at),
  lastStatusCode: row.last_status_code,
  created: row.created,
  modified: row.modified,
});

/** Final states hold no schedule; only pending and failed deliveries are ever claimed. */
const OPEN_STATUSES = ['pending', 'failed'] as const;

/** Deliveries inserted by one statement; a statement per size is cached, so the sizes are bounded. */
const DELIVERY_INSERT_CHUNK = 50;

/** pages of callback lists kept per process (list-cache.ts), and the most memory they may hold */
const CALLBACK_LIST_PAGES = 256;
const CALLBACK_LIST_BYTES = 16 * 1024 * 1024;

/** the most rows a claim's scan reads: four per delivery of the largest batch the worker claims (100) */
const CLAIM_SCAN_MOST = 400;

/** rows in a row a claim passes over (their callbacks have no free slot left) before it stops looking */
const CLAIM_PASS_OVER_LIMIT = 32;

export interface KyselyStoreOptions {
  db: Kysely<Schema>;
  dialect: Store['dialect'];
  /** the version of the dialect's latest migration */
  schemaVersion: number;
  clock: Clock;
  migrate: () => Promise<number[]>;
  close: () => Promise<void>;
  /** the retry schedule's first entry: how long after a change its first attempt is due */
  firstAttemptDelayMs?: number;
  /**
   * Signals between processes that share the store (PostgreSQL's LISTEN/NOTIFY): `announce` runs
   * inside every transaction that queued deliveries, `listen` starts hearing other processes' signals
   * when this process first asks to be told (it runs a worker).
   */
  crossProcess?: {
    announce(trx: Transaction<Schema>): Promise<void>;
    listen(signal: () => void): void;
  };
  /** the embedded store's connection, for the hot queries to run on directly */
  sqlite?: SqliteConnection;
  /** told the SQL of each hot query once (PostgreSQL prepares them) */
  onHotQuery?: (sql: string) => void;
  /** PostgreSQL's hot path (postgres/write-change.ts, claim.ts, record.ts): one statement a step */
  postgres?: { run: Runner; signal: Signal };
}

export class KyselyStore implements Store {
  readonly dialect: Store['dialect'];
  readonly schemaVersion: number;
  readonly #db: Kysely<Schema>;
  readonly #clock: Clock;
  readonly #migrate: () => Promise<number[]>;
  readonly #close: () => Promise<void>;
  readonly #queuedListeners: Array<(callbackIds: ReadonlySet<number> | null) => void> = [];
  #joinedClaims: (() => JoinedClaim | null) | null = null;
  readonly #firstAttemptDelayMs: number;
  readonly #crossProcess: KyselyStoreOptions['crossProcess'];
  readonly #statements: Statements;
  readonly #callbackLists = new ListCache<ListEnvelope<JsonText<Callback>>>(CALLBACK_LIST_PAGES, CALLBACK_LIST_BYTES);
  readonly #sqlite: SqliteConnection | undefined;
  /** the embedded store's writes waiting for the next shared transaction (see #writeTogether) */
  readonly #pendingWrites: PendingWrite[] = [];
  #writing = false;
  readonly #postgres: ChangeContext | undefined;

  constructor(options: KyselyStoreOptions) {
    this.#firstAttemptDelayMs = options.firstAttemptDelayMs ?? 0;
    this.dialect = options.dialect;
    this.schemaVersion = options.schemaVersion;
    this.#db = options.db;
    this.#clock = options.clock;
    this.#migrate = options.migrate;
    this.#close = options.close;
    this.#crossProcess = options.crossProcess;
    this.#statements = new Statements(options.sqlite, options.onHotQuery);
    this.#sqlite = options.sqlite;
    this.#postgres = options.postgres && {
      ...options.postgres,
      now: () => this.#now(),
      firstAttemptDelayMs: this.#firstAttemptDelayMs,
    };
  }

  /** A change made on PostgreSQL's hot path: this process hears of what it queued, as after #write. */
  #told<T>(result: { queued: { callbacks: number[] } } & T): T {
    if (result.queued.callbacks.length > 0) this.#announceQueued(new Set(result.queued.callbacks));
    return result;
  }

  migrate(): Promise<number[]> {
    return this.#migrate();
  }

  close(): Promise<void> {
    return this.#close();
  }

  onDeliveriesQueued(listener: (callbackIds: ReadonlySet<number> | null) => void): void {
    this.#queuedListeners.push(listener);
    // another process's signal does not say for which callbacks
    if (this.#queuedListeners.length === 1) this.#crossProcess?.listen(() => this.#announceQueued(null));
  }

  joinClaims(request: () => JoinedClaim | null): void {
    this.#joinedClaims = request;
  }

  #announceQueued(callbackIds: ReadonlySet<number> | null): void {
    for (const listener of this.#queuedListeners) listener(callbackIds);
  }

  #now(): { ms: number; stamp: string } {
    const ms = this.#clock.now();
    return { ms, stamp: formatTimestamp(ms) };
  }

  async #list<Row, Item>(
    page: Page,
    count: () => Promise<number | string | bigint>,
    rows: () => Promise<Row[]>,
    present: (row: Row) => Item,
  ): Promise<ListEnvelope<Item>> {
    const [total, found] = await Promise.all([count(), rows()]);
    const data = found.map(present);
    return { start: page.start, limit: page.limit, count: data.length, total: Number(total), data };
  }

  // accounts and tokens

  async createAccount(name: string): Promise<{ id: number; name: string } | null> {
    // ON CONFLICT rather than a look first: processes started together may both create `default`
    const row = await this.#db
      .insertInto('accounts')
      .values({ name, created: this.#now().stamp })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .returning(['id', 'name'])
      .executeTakeFirst();
    return row ? { id: row.id, name: row.name } : null;
  }

  async listAccounts(): Promise<AccountSummary[]> {
    const rows = await this.#db
      .selectFrom('accounts')
      .leftJoin('tokens', 'tokens.account_id', 'accounts.id')
      .select(({ fn }) => [
        'accounts.id',
        'accounts.name',
        'accounts.created',
        fn.count<number>('tokens.id').as('tokens'),
      ])
      .groupBy(['accounts.id', 'accounts.name', 'accounts.created'])
      .orderBy('accounts.id')
      .execute();
    return rows.map((row) => ({ ...row, tokens: Number(row.tokens) }));
  }

  async findAccount(nameOrId: string): Promise<{ id: number; name: string } | null> {
    const byId = /^[0-9]+$/.test(nameOrId) ? Number(nameOrId) : -1;
    const row = await this.#db
      .selectFrom('accounts')
      .select(['id', 'name'])
      .where((eb) => eb.or([eb('name', '=', nameOrId), eb('id', '=', byId)]))
      .orderBy('id')
      .executeTakeFirst();
    return row ?? null;
  }

  async addToken(accountId: number, token: string, readOnly: boolean): Promise<void> {
    await this.#db
      .insertInto('tokens')
      .values({
        account_id: accountId,
        token_hash: hashToken(token),
        read_only: readOnly ? 1 : 0,
        created: this.#now().stamp,
      })
      .execute();
  }

  async revokeToken(token: string): Promise<boolean> {
    const result = await this.#db.deleteFrom('tokens').where('token_hash', '=', hashToken(token)).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async authenticate(token: string): Promise<Principal | null> {
    const hash = hashToken(token);
    const row = await this.#statements.first(
      this.#db,
      'authenticate',
      () => this.#db.selectFrom('tokens').select(['account_id', 'read_only']).where('token_hash', '=', hash),
      [hash],
    );
    return row ? { accountId: row.account_id, readOnly: row.read_only === 1 } : null;
  }

  async hasAccounts(): Promise<boolean> {
    return (await this.#db.selectFrom('accounts').select('id').limit(1).executeTakeFirst()) !== undefined;
  }

  // databases

  listDatabases(accountId: number, page: Page): Promise<ListEnvelope<Database>> {
    const base = this.#db.selectFrom('databases').where('account_id', '=', accountId);
    return this.#list(
      page,
      async () => (await base.select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
      () => base.selectAll().orderBy('id').limit(page.limit).offset(page.start).execute(),
      toDatabase,
    );
  }

  async createDatabase(accountId: number, input: { name: string; description?: string }): Promise<Database> {
    const row = await this.#db
      .insertInto('databases')
      .values({ account_id: accountId, name: input.name, description: input.description ?? '', created: this.#now().stamp })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toDatabase(row);
  }

  async getDatabase(accountId: number, id: number): Promise<Database | null> {
    const row = await this.#db
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
    const row = await this.#db
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
    // write that waits for the callback rows this delete holds, and #write runs the loser again
    return this.#write(async (trx) => {
      const result = await trx.deleteFrom('databases').where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  // collections

  async #ownsDatabase(db: Db, accountId: number, databaseId: number): Promise<boolean> {
    const row = await this.#statements.first(
      db,
      'ownsDatabase',
      () => db.selectFrom('databases').select('id').where('id', '=', databaseId).where('account_id', '=', accountId),
      [databaseId, accountId],
    );
    return row !== undefined;
  }

  #collectionRow(db: Db, accountId: number, collectionId: number): Promise<Selectable<CollectionsTable> | undefined> {
    return this.#statements.first(
      db,
      'collectionRow',
      () => db.selectFrom('collections').selectAll().where('id', '=', collectionId).where('account_id', '=', accountId),
      [collectionId, accountId],
    );
  }

  async listCollections(accountId: number, databaseId: number, page: Page): Promise<ListEnvelope<Collection> | null> {
    if (!(await this.#ownsDatabase(this.#db, accountId, databaseId))) return null;
    const base = this.#db.selectFrom('collections').where('database_id', '=', databaseId);
    return this.#list(
      page,
      async () => (await base.select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
      () => base.selectAll().orderBy('id').limit(page.limit).offset(page.start).execute(),
      toCollection,
    );
  }

  async createCollection(accountId: number, databaseId: number, input: { name: string }): Promise<Collection | null> {
    return this.#write(async (trx) => {
      if (!(await this.#ownsDatabase(trx, accountId, databaseId))) return null;
      const row = await trx
        .insertInto('collections')
        .values({ account_id: accountId, database_id: databaseId, name: input.name })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toCollection(row);
    });
  }

  async getCollection(accountId: number, id: number): Promise<Collection | null> {
    const row = await this.#collectionRow(this.#db, accountId, id);
    return row ? toCollection(row) : null;
  }

  async updateCollection(accountId: number, id: number, input: { name?: string }): Promise<Collection | null> {
    const row = await this.#db
      .updateTable('collections')
      .set(input.name !== undefined ? { name: input.name } : {})
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .returningAll()
      .executeTakeFirst();
    return row ? toCollection(row) : null;
  }

  deleteCollection(accountId: number, id: number): Promise<boolean> {
    return this.#write(async (trx) => {
      const collection = await this.#collectionRow(trx, accountId, id);
      if (!collection) return false;
      // the collection's callbacks go with it (ON DELETE CASCADE)
      const callbacks = await trx
        .selectFrom('callbacks')
        .select(({ fn }) => fn.countAll<number>().as('n'))
        .where('collection_id', '=', id)
        .executeTakeFirstOrThrow();
      await trx.deleteFrom('collections').where('id', '=', id).execute();
      await this.#countCallbacksOut(trx, collection.database_id, Number(callbacks.n));
      return true;
    });
  }

  // the outbox

  /**
   * Queues one message for every callback of the scope that listens to the action, inside the
   * caller's transaction. Expressions are evaluated later by the worker (never in the write path).
   * Returns whether anything was queued.
   */
  async #queueMessage(
    trx: Db,
    queued: Queued,
    accountId: number,
    scope: { databaseId: number; collectionId: number | null; profileId: number },
    message: ReturnType<typeof buildMessage>,
    nowMs: number,
    stamp: string,
  ): Promise<void> {
    const { databaseId, collectionId } = scope;
    const callbacks = await this.#statements.rows(
      trx,
      collectionId === null ? 'queueTargets:database' : 'queueTargets:collection',
      () => {
        const scoped = trx.selectFrom('callbacks').select(['id', 'ordering']).where('database_id', '=', databaseId);
        return (collectionId === null ? scoped.where('collection_id', 'is', null) : scoped.where('collection_id', '=', collectionId))
          // written out, not bound: the index of listening callbacks (migration 4) covers disabled = 0 only
          .where(sql<boolean>`disabled = 0`)
          .where('action', 'in', ['all', message.action]);
      },
      collectionId === null ? [databaseId, 'all', message.action] : [databaseId, collectionId, 'all', message.action],
    );
    if (callbacks.length === 0) return;
    // in the order the callbacks were made, whatever order the index gives them in
    callbacks.sort((a, b) => a.id - b.id);
    for (const callback of callbacks) queued.callbacks.add(callback.id);
    const payload = JSON.stringify(message);
    const event = await this.#statements.first(
      trx,
      'insertEvent',
      () =>
        trx
          .insertInto('events')
          .values({ account_id: accountId, database_id: databaseId, payload, created_at: nowMs })
          .returning('id'),
      [accountId, databaseId, payload, nowMs],
    );
    if (event === undefined) throw new Error('the event was not stored');
    const dueAt = nowMs + this.#firstAttemptDelayMs;
    for (let start = 0; start < callbacks.length; start += DELIVERY_INSERT_CHUNK) {
      const rows = callbacks.slice(start, start + DELIVERY_INSERT_CHUNK).map((callback) => ({
        account_id: accountId,
        callback_id: callback.id,
        event_id: event.id,
        event_key: message.id,
        webhook_id: newWebhookId(),
        ordering_key: callback.ordering === 'profile' ? scope.profileId : null,
        status: 'pending',
        attempts: 0,
        retry_base: 0,
        next_attempt_at: dueAt,
        created: stamp,
        modified: stamp,
        created_at: nowMs,
      }));
      await this.#statements.rows(
        trx,
        `insertDeliveries:${rows.length}`,
        () => trx.insertInto('deliveries').values(rows),
        rows.flatMap((row) => Object.values(row)),
      );
    }
  }

  /**
   * A write (that may queue deliveries: other processes hear of them on commit, this one right after).
   * The worker's claims and records are writes too.
   */
  #write<T>(work: (trx: Transaction<Schema>, queued: Queued) => Promise<T>): Promise<T> {
    const sqlite = this.#sqlite;
    if (sqlite === undefined) return this.#writeAlone(work);
    return new Promise<T>((resolve, reject) => {
      this.#pendingWrites.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.#writing) return;
      this.#writing = true;
      setImmediate(() => void this.#writeTogether(sqlite));
    });
  }

  async #writeAlone<T>(work: (trx: Transaction<Schema>, queued: Queued) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const queued: Queued = { callbacks: new Set() };
      try {
        const result = await this.#db.transaction().execute(async (trx) => {
          const value = await work(trx, queued);
          if (queued.callbacks.size > 0) await this.#crossProcess?.announce(trx);
          return value;
        });
        if (queued.callbacks.size > 0) this.#announceQueued(queued.callbacks);
        return result;
      } catch (error) {
        // PostgreSQL may roll this transaction back as the victim of a deadlock with another process's
        // write (one that locks the same rows in another order); rolled back whole, it can run again
        if (attempt < 3 && isTransientConflict(error)) continue;
        throw error;
      }
    }
  }

  /**
   * The embedded store's group commit: the writes that arrived while the last transaction ran share
   * the next one, each inside a savepoint of its own, so one that fails is undone alone. SQLite runs
   * one transaction at a time anyway; sharing one saves a commit (WAL frames written) per write, the
   * largest single cost of a profile update. Each caller hears of its result only after the commit.
   */
  async #writeTogether(sqlite: SqliteConnection): Promise<void> {
    try {
      while (this.#pendingWrites.length > 0) {
        const batch = this.#pendingWrites.splice(0, WRITE_BATCH);
        const queued: Queued = { callbacks: new Set() };
        const outcomes: Array<{ value: unknown } | { error: unknown }> = [];
        // the worker's claim of what these writes queued, in their transaction (see joinClaims)
        const join: { claim: JoinedClaim | null; deliveries: DueDelivery[]; notes: ClaimNotes } = {
          claim: null,
          deliveries: [],
          notes: { leftBehind: true },
        };
        try {
          await this.#db.transaction().execute(async (trx) => {
            for (const pending of batch) {
              const own: Queued = { callbacks: new Set() };
              sqlite.exec('SAVEPOINT tidings_write');
              try {
                const value = await pending.work(trx, own);
                sqlite.exec('RELEASE tidings_write');
                outcomes.push({ value });
                for (const id of own.callbacks) queued.callbacks.add(id);
              } catch (error) {
                // a full disk (or an I/O error) ends the whole transaction, not only this write's part:
                // nothing of the batch is written, and every write in it hears why
                if (!sqlite.inTransaction()) throw error;
                sqlite.exec('ROLLBACK TO tidings_write');
                sqlite.exec('RELEASE tidings_write');
                outcomes.push({ error });
              }
            }
            join.claim = queued.callbacks.size > 0 ? (this.#joinedClaims?.() ?? null) : null;
            if (join.claim !== null) {
              const { limit, leaseMs, maxPerCallback, busy } = join.claim;
              sqlite.exec('SAVEPOINT tidings_write');
              try {
                join.deliveries = await this.#claimIn(trx, limit, leaseMs, maxPerCallback, busy, join.notes);
                sqlite.exec('RELEASE tidings_write');
              } catch (error) {
                if (!sqlite.inTransaction()) throw error;
                // the deliveries stay unleased, for the claim the announcement wakes
                sqlite.exec('ROLLBACK TO tidings_write');
                sqlite.exec('RELEASE tidings_write');
                join.notes.leftBehind = true;
              }
            }
          });
        } catch (error) {
          // the commit itself failed: nothing of the batch was written
          join.claim?.done([], { leftBehind: true });
          for (const pending of batch) pending.reject(error);
          continue;
        }
        try {
          join.claim?.done(join.deliveries, join.notes);
        } finally {
          batch.forEach((pending, index) => {
            const outcome = outcomes[index] as { value: unknown } | { error: unknown };
            if ('error' in outcome) pending.reject(outcome.error);
            else pending.resolve(outcome.value);
          });
          if (queued.callbacks.size > 0) this.#announceQueued(queued.callbacks);
        }
      }
    } finally {
      // whatever happened, writes queued meanwhile are not left waiting for a run that will not come
      this.#writing = false;
      if (this.#pendingWrites.length > 0) {
        this.#writing = true;
        setImmediate(() => void this.#writeTogether(sqlite));
      }
    }
  }

  /**
   * PostgreSQL: takes the row lock of the profile a write is about before reading anything. Writes
   * to one profile and its subprofiles then commit one after another, in the order of their delivery
   * IDs (what per-profile ordering relies on), and none merges fields into a stale copy. The embedded
   * store has one writer at a time already.
   */
  async #lockProfile(trx: Transaction<Schema>, target: { profileId: number } | { subprofileId: number }): Promise<void> {
    if (this.dialect !== 'postgres') return;
    const profileId =
      'profileId' in target
        ? target.profileId
        : trx.selectFrom('subprofiles').select('subprofiles.profile_id').where('subprofiles.id', '=', target.subprofileId);
    await trx.selectFrom('profiles').select('id').where('id', '=', profileId).forUpdate().execute();
  }

  // profiles

  #profileRow(db: Db, accountId: number, id: number): Promise<ProfileRow | undefined> {
    return this.#statements.first(
      db,
      'profileRow',
      () => db.selectFrom('profiles').selectAll().where('id', '=', id).where('account_id', '=', accountId),
      [id, accountId],
    );
  }

  #profileMessage(
    action: 'create' | 'update' | 'delete',
    row: ProfileRow,
    fields: Fields,
    interests: string[],
    previous: Fields | null,
    nowMs: number,
    stamp: string,
  ) {
    return buildMessage({
      eventKey: newEventKey(),
      type: 'profile',
      action,
      timestamp: stamp,
      epochMs: nowMs,
      database: row.database_id,
      collection: null,
      profile: row.id,
      subprofile: null,
      created: row.created,
      modified: row.modified,
      fields,
      previous,
      interests,
    });
  }

  async listProfiles(accountId: number, databaseId: number, page: Page): Promise<ListEnvelope<Profile> | null> {
    if (!(await this.#ownsDatabase(this.#db, accountId, databaseId))) return null;
    const base = this.#db.selectFrom('profiles').where('database_id', '=', databaseId);
    return this.#list(
      page,
      async () => (await base.select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
      () => base.selectAll().orderBy('id').limit(page.limit).offset(page.start).execute(),
      toProfile,
    );
  }

  async createProfile(
    accountId: number,
    databaseId: number,
    input: { fields?: Fields; interests?: string[] },
  ): Promise<Profile | null> {
    if (this.#postgres) return this.#told(await createOnPostgres(this.#postgres, accountId, databaseId, input)).profile;
    return this.#write(async (trx, queued) => {
      if (!(await this.#ownsDatabase(trx, accountId, databaseId))) return null;
      const { ms, stamp } = this.#now();
      const fields = input.fields ?? {};
      const interests = input.interests ?? [];
      const row = await trx
        .insertInto('profiles')
        .values({
          account_id: accountId,
          database_id: databaseId,
          fields: JSON.stringify(fields),
          interests: JSON.stringify(interests),
          created: stamp,
          modified: stamp,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const message = this.#profileMessage('create', row, fields, interests, null, ms, stamp);
      await this.#queueMessage(trx, queued, accountId, { databaseId, collectionId: null, profileId: row.id }, message, ms, stamp);
      return toProfile(row);
    });
  }

  async getProfile(accountId: number, id: number): Promise<Profile | null> {
    const row = await this.#profileRow(this.#db, accountId, id);
    return row ? toProfile(row) : null;
  }

  async updateProfile(
    accountId: number,
    id: number,
    input: { fields?: Fields; interests?: string[] },
    limits: FieldLimits = defaultFieldLimits,
  ): Promise<Profile | null> {
    // after a few writes of others between its read and its write, the update takes the row's lock
    const optimistic = this.#postgres && (await updateOnPostgres(this.#postgres, accountId, id, input, limits));
    if (optimistic && optimistic !== 'contended') return this.#told(optimistic).profile;
    return this.#write(async (trx, queued) => {
      await this.#lockProfile(trx, { profileId: id });
      const before = await this.#profileRow(trx, accountId, id);
      if (!before) return null;
      const oldFields = JSON.parse(before.fields) as Fields;
      const oldInterests = JSON.parse(before.interests) as string[];
      const fields = { ...oldFields, ...input.fields };
      const interests = input.interests ?? oldInterests;
      const previous = changedFields(oldFields, fields);
      const interestsChanged = JSON.stringify(interests) !== JSON.stringify(oldInterests);
      if (Object.keys(previous).length === 0 && !interestsChanged) return toProfile(before);
      const fieldsJson = JSON.stringify(fields);
      if (input.fields !== undefined) checkFieldLimits('profile', id, fields, fieldsJson, limits);
      const { ms, stamp } = this.#now();
      const interestsJson = JSON.stringify(interests);
      const row = await this.#statements.first(
        trx,
        'updateProfile',
        () =>
          trx
            .updateTable('profiles')
            .set({ fields: fieldsJson, interests: interestsJson, modified: stamp })
            .where('id', '=', id)
            .returningAll(),
        [fieldsJson, interestsJson, stamp, id],
      );
      if (row === undefined) throw new Error(`profile ${id} vanished inside its transaction`);
      const message = this.#profileMessage('update', row, fields, interests, previous, ms, stamp);
      await this.#queueMessage(trx, queued,
        accountId,
        { databaseId: row.database_id, collectionId: null, profileId: row.id },
        message,
        ms,
        stamp,
      );
      return toProfile(row);
    });
  }

  deleteProfile(accountId: number, id: number): Promise<boolean> {
    return this.#write(async (trx, queued) => {
      await this.#lockProfile(trx, { profileId: id });
      const row = await this.#profileRow(trx, accountId, id);
      if (!row) return false;
      const { ms, stamp } = this.#now();
      const interests = JSON.parse(row.interests) as string[];
      const subprofiles = await trx.selectFrom('subprofiles').selectAll().where('profile_id', '=', id).orderBy('id').execute();
      for (const subprofile of subprofiles) {
        const collection = await trx
          .selectFrom('collections')
          .select('database_id')
          .where('id', '=', subprofile.collection_id)
          .executeTakeFirstOrThrow();
        const message = this.#subprofileMessage('delete', subprofile, collection.database_id, JSON.parse(subprofile.fields) as Fields, null, interests, ms, stamp);
        await this.#queueMessage(
          trx,
          queued,
          accountId,
          { databaseId: collection.database_id, collectionId: subprofile.collection_id, profileId: id },
          message,
          ms,
          stamp,
        );
      }
      const message = this.#profileMessage('delete', row, JSON.parse(row.fields) as Fields, interests, null, ms, stamp);
      await this.#queueMessage(trx, queued, accountId, { databaseId: row.database_id, collectionId: null, profileId: id }, message, ms, stamp);
      await trx.deleteFrom('profiles').where('id', '=', id).execute();
      return true;
    });
  }

  // subprofiles

  #subprofileMessage(
    action: 'create' | 'update' | 'delete',
    row: SubprofileRow,
    databaseId: number,
    fields: Fields,
    previous: Fields | null,
    interests: string[],
    nowMs: number,
    stamp: string,
  ) {
    return buildMessage({
      eventKey: newEventKey(),
      type: 'subprofile',
      action,
      timestamp: stamp,
      epochMs: nowMs,
      database: databaseId,
      collection: row.collection_id,
      profile: row.profile_id,
      subprofile: row.id,
      created: row.created,
      modified: row.modified,
      fields,
      previous,
      interests,
    });
  }

  async listProfileSubprofiles(
    accountId: number,
    profileId: number,
    collectionId: number,
    page: Page,
  ): Promise<ListEnvelope<Subprofile> | 'profile_not_found' | 'collection_not_found'> {
    const profile = await this.#profileRow(this.#db, accountId, profileId);
    if (!profile) return 'profile_not_found';
    const collection = await this.#collectionRow(this.#db, accountId, collectionId);
    if (!collection || collection.database_id !== profile.database_id) return 'collection_not_found';
    const base = this.#db
      .selectFrom('subprofiles')
      .where('profile_id', '=', profileId)
      .where('collection_id', '=', collectionId);
    return this.#list(
      page,
      async () => (await base.select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
      () => base.selectAll().orderBy('id').limit(page.limit).offset(page.start).execute(),
      toSubprofile,
    );
  }

  async listCollectionSubprofiles(
    accountId: number,
    collectionId: number,
    page: Page,
  ): Promise<ListEnvelope<Subprofile> | null> {
    if (!(await this.#collectionRow(this.#db, accountId, collectionId))) return null;
    const base = this.#db.selectFrom('subprofiles').where('collection_id', '=', collectionId);
    return this.#list(
      page,
      async () => (await base.select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
      () => base.selectAll().orderBy('id').limit(page.limit).offset(page.start).execute(),
      toSubprofile,
    );
  }

  createSubprofile(
    accountId: number,
    profileId: number,
    collectionId: number,
    input: { fields?: Fields },
  ): Promise<Subprofile | 'profile_not_found' | 'collection_not_found'> {
    return this.#write(async (trx, queued) => {
      await this.#lockProfile(trx, { profileId });
      const profile = await this.#profileRow(trx, accountId, profileId);
      if (!profile) return 'profile_not_found';
      const collection = await this.#collectionRow(trx, accountId, collectionId);
      if (!collection || collection.database_id !== profile.database_id) return 'collection_not_found';
      const { ms, stamp } = this.#now();
      const fields = input.fields ?? {};
      const row = await trx
        .insertInto('subprofiles')
        .values({
          account_id: accountId,
          profile_id: profileId,
          collection_id: collectionId,
          fields: JSON.stringify(fields),
          created: stamp,
          modified: stamp,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const interests = JSON.parse(profile.interests) as string[];
      const message = this.#subprofileMessage('create', row, profile.database_id, fields, null, interests, ms, stamp);
      await this.#queueMessage(trx, queued,
        accountId,
        { databaseId: profile.database_id, collectionId, profileId },
        message,
        ms,
        stamp,
      );
      return toSubprofile(row);
    });
  }

  async #subprofileWithParents(db: Db, accountId: number, id: number) {
    return db
      .selectFrom('subprofiles')
      .innerJoin('profiles', 'profiles.id', 'subprofiles.profile_id')
      .selectAll('subprofiles')
      .select(['profiles.database_id as database_id', 'profiles.interests as interests'])
      .where('subprofiles.id', '=', id)
      .where('subprofiles.account_id', '=', accountId)
      .executeTakeFirst();
  }

  async getSubprofile(accountId: number, id: number): Promise<Subprofile | null> {
    const row = await this.#db
      .selectFrom('subprofiles')
      .selectAll()
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row ? toSubprofile(row) : null;
  }

  updateSubprofile(accountId: number, id: number, input: { fields: Fields }, limits: FieldLimits = defaultFieldLimits): Promise<Subprofile | null> {
    return this.#write(async (trx, queued) => {
      await this.#lockProfile(trx, { subprofileId: id });
      const before = await this.#subprofileWithParents(trx, accountId, id);
      if (!before) return null;
      const oldFields = JSON.parse(before.fields) as Fields;
      const fields = { ...oldFields, ...input.fields };
      const previous = changedFields(oldFields, fields);
      if (Object.keys(previous).length === 0) return toSubprofile(before);
      const fieldsJson = JSON.stringify(fields);
      checkFieldLimits('subprofile', id, fields, fieldsJson, limits);
      const { ms, stamp } = this.#now();
      const row = await trx
        .updateTable('subprofiles')
        .set({ fields: fieldsJson, modified: stamp })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const interests = JSON.parse(before.interests) as string[];
      const message = this.#subprofileMessage('update', row, before.database_id, fields, previous, interests, ms, stamp);
      await this.#queueMessage(trx, queued,
        accountId,
        { databaseId: before.database_id, collectionId: row.collection_id, profileId: row.profile_id },
        message,
        ms,
        stamp,
      );
      return toSubprofile(row);
    });
  }

  deleteSubprofile(accountId: number, id: number): Promise<boolean> {
    return this.#write(async (trx, queued) => {
      await this.#lockProfile(trx, { subprofileId: id });
      const row = await this.#subprofileWithParents(trx, accountId, id);
      if (!row) return false;
      const { ms, stamp } = this.#now();
      const interests = JSON.parse(row.interests) as string[];
      const message = this.#subprofileMessage('delete', row, row.database_id, JSON.parse(row.fields) as Fields, null, interests, ms, stamp);
      await this.#queueMessage(trx, queued,
        accountId,
        { databaseId: row.database_id, collectionId: row.collection_id, profileId: row.profile_id },
        message,
        ms,
        stamp,
      );
      await trx.deleteFrom('subprofiles').where('id', '=', id).execute();
      return true;
    });
  }

  // callbacks

  async #listCallbacks(page: Page, scope: { databaseId: number } | { collectionId: number }): Promise<ListEnvelope<JsonText<Callback>>> {
    const db = this.#db;
    const [key, scopeId, base] =
      'databaseId' in scope
        ? (['databaseCallbacks', scope.databaseId, () => db.selectFrom('callbacks').where('database_id', '=', scope.databaseId).where('collection_id', 'is', null)] as const)
        : (['collectionCallbacks', scope.collectionId, () => db.selectFrom('callbacks').where('collection_id', '=', scope.collectionId)] as const);
    // the queries are built on their first run only (see statements.ts)
    return this.#list(
      page,
      async () =>
        (await this.#statements.first(db, `${key}:count`, () => base().select(({ fn }) => fn.countAll<number>().as('n')), [scopeId]))?.n ?? 0,
      () =>
        this.#statements.rows(db, `${key}:page`, () => base().select(this.#callbackJson().as('json')).orderBy('id').limit(page.limit).offset(page.start), [
          scopeId,
          page.limit,
          page.start,
        ]),
      (row) => row.json,
    );
  }

  /** A callback as the API shows it (toCallback), written as JSON text by the database. */
  #callbackJson(): RawBuilder<JsonText<Callback>> {
    return this.dialect === 'postgres'
      ? // row_to_json writes no spaces (json_build_object does): both stores answer the same bytes
        sql<JsonText<Callback>>`(select row_to_json(c)::text from (select callbacks.id::text as "ID", callbacks.url as "url",
          callbacks.expression as "expression", callbacks.action as "action", callbacks.method as "method",
          callbacks.database_id::text as "database", callbacks.collection_id::text as "collection",
          callbacks.ordering as "ordering", callbacks.disabled = 1 as "disabled", callbacks.disabled_reason as "disabledReason",
          callbacks.version as "version", callbacks.created as "created", callbacks.modified as "modified") as c)`
      : sql<JsonText<Callback>>`json_object('ID', cast(id as text), 'url', url, 'expression', expression, 'action', action,
          'method', method, 'database', cast(database_id as text), 'collection', cast(collection_id as text), 'ordering', ordering,
          'disabled', json(iif(disabled = 1, 'true', 'false')), 'disabledReason', disabled_reason, 'version', version,
          'created', created, 'modified', modified)`;
  }

  async listDatabaseCallbacks(accountId: number, databaseId: number, page: Page): Promise<ListEnvelope<JsonText<Callback>> | null> {
    const db = this.#db;
    // the account check and the tag in one read, before the page (list-cache.ts says why before)
    const owner = await this.#statements.first(
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
    const db = this.#db;
    const owner = await this.#statements.first(
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
    const cached = this.#callbackLists.get(key, tag);
    if (cached !== undefined) return cached;
    const list = await this.#listCallbacks(page, scope);
    // counted twice: the text, and the UTF-8 bytes the answer keeps of it (respond.ts)
    this.#callbackLists.set(key, tag, list, 2 * list.data.reduce((bytes, json) => bytes + json.length, 64));
    return list;
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
    const database = await this.#statements.first(
      trx,
      'callbackCount',
      () => {
        const read = trx.selectFrom('databases').select('callback_count').where('id', '=', databaseId).where('account_id', '=', accountId);
        return this.dialect === 'postgres' ? read.forNoKeyUpdate() : read;
      },
      [databaseId, accountId],
    );
    if (database === undefined) return null;
    if (Number(database.callback_count) >= maxPerDatabase) return { limitReached: true };
    await this.#statements.rows(
      trx,
      'countCallbackIn',
      () =>
        trx
          .updateTable('databases')
          .set((eb) => ({ callback_count: eb('callback_count', '+', 1) }))
          .where('id', '=', databaseId),
      [1, databaseId],
    );
    const { stamp } = this.#now();
    const values = {
      account_id: accountId,
      database_id: databaseId,
      collection_id: collectionId,
      url: input.url,
      expression: input.expression ?? '',
      action: input.action ?? 'all',
      method: input.method ?? 'json',
      ordering: input.ordering ?? 'none',
      disabled: input.disabled ? 1 : 0,
      disabled_reason: null,
      version: 1,
      failing_since: null,
      created: stamp,
      modified: stamp,
    };
    const row = await this.#statements.first(trx, 'insertCallback', () => trx.insertInto('callbacks').values(values).returningAll(), Object.values(values));
    if (row === undefined) throw new Error('the callback was not stored');
    const secret = { callback_id: row.id, secret: input.secret, expires_at: null };
    await this.#statements.rows(trx, 'insertSecret', () => trx.insertInto('callback_secrets').values(secret), Object.values(secret));
    return { callback: toCallback(row) };
  }

  createDatabaseCallback(
    accountId: number,
    databaseId: number,
    input: NewCallback,
    maxPerDatabase: number,
  ): Promise<CreateCallbackResult | null> {
    return this.#write((trx) => this.#insertCallback(trx, accountId, databaseId, null, input, maxPerDatabase));
  }

  createCollectionCallback(
    accountId: number,
    collectionId: number,
    input: NewCallback,
    maxPerDatabase: number,
  ): Promise<CreateCallbackResult | null> {
    return this.#write(async (trx) => {
      const collection = await this.#collectionRow(trx, accountId, collectionId);
      if (!collection) return null;
      return this.#insertCallback(trx, accountId, collection.database_id, collectionId, input, maxPerDatabase);
    });
  }

  #callbackRow(db: Db, accountId: number, id: number): Promise<CallbackRow | undefined> {
    return this.#statements.first(
      db,
      'callbackRow',
      () => db.selectFrom('callbacks').selectAll().where('id', '=', id).where('account_id', '=', accountId),
      [id, accountId],
    );
  }

  async getCallback(accountId: number, id: number): Promise<JsonText<Callback> | null> {
    const db = this.#db;
    // written by the database, as in a list: ≈ 8 µs against 13 for the row, toCallback and stringify
    const row = await this.#statements.first(
      db,
      'callbackJson',
      () => db.selectFrom('callbacks').select(this.#callbackJson().as('json')).where('id', '=', id).where('account_id', '=', accountId),
      [id, accountId],
    );
    return row ? row.json : null;
  }

  async updateCallback(accountId: number, id: number, input: CallbackUpdate): Promise<Callback | null> {
    const { stamp } = this.#now();
    const row = await this.#db
      .updateTable('callbacks')
      .set((eb) => ({
        ...(input.url !== undefined && { url: input.url }),
        ...(input.expression !== undefined && { expression: input.expression }),
        ...(input.action !== undefined && { action: input.action }),
        ...(input.method !== undefined && { method: input.method }),
        ...(input.ordering !== undefined && { ordering: input.ordering }),
        ...(input.disabled !== undefined && {
          disabled: input.disabled ? 1 : 0,
          // re-enabling clears what Tidings recorded about the failure
          ...(input.disabled ? {} : { disabled_reason: null, failing_since: null }),
        }),
        version: eb('version', '+', 1),
        modified: stamp,
      }))
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .returningAll()
      .executeTakeFirst();
    return row ? toCallback(row) : null;
  }

  deleteCallback(accountId: number, id: number): Promise<boolean> {
    return this.#write(async (trx) => {
      const deleted = await trx
        .deleteFrom('callbacks')
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .returning('database_id')
        .executeTakeFirst();
      if (deleted === undefined) return false;
      await this.#countCallbacksOut(trx, deleted.database_id, 1);
      return true;
    });
  }

  async #countCallbacksOut(trx: Transaction<Schema>, databaseId: number, count: number): Promise<void> {
    if (count === 0) return;
    await trx
      .updateTable('databases')
      .set((eb) => ({ callback_count: eb('callback_count', '-', count) }))
      .where('id', '=', databaseId)
      .execute();
  }

  async #secretOf(db: Db, callbackId: number, nowMs: number): Promise<CallbackSecret> {
    const rows = await db
      .selectFrom('callback_secrets')
      .select(['secret', 'expires_at'])
      .where('callback_id', '=', callbackId)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowMs)]))
      .orderBy('id', 'desc')
      .execute();
    const current = rows.find((row) => row.expires_at === null);
    if (!current) throw new Error(`callback ${callbackId} has no current secret`);
    return {
      secret: current.secret,
      previous: rows
        .filter((row) => row.expires_at !== null)
        .map((row) => ({ secret: row.secret, expires: formatTimestamp(Number(row.expires_at)) })),
    };
  }

  async getCallbackSecret(accountId: number, id: number): Promise<CallbackSecret | null> {
    if (!(await this.#callbackRow(this.#db, accountId, id))) return null;
    return this.#secretOf(this.#db, id, this.#clock.now());
  }

  rotateCallbackSecret(accountId: number, id: number, secret: string, graceMs: number): Promise<CallbackSecret | null> {
    return this.#write(async (trx) => {
      if (!(await this.#callbackRow(trx, accountId, id))) return null;
      // two rotations at once on PostgreSQL would each see no other's new secret and both keep theirs
      if (this.dialect === 'postgres') await trx.selectFrom('callbacks').select('id').where('id', '=', id).forUpdate().execute();
      const now = this.#clock.now();
      // At most one rotated-out secret keeps signing: the one this rotation replaces. One left from an
      // earlier rotation ends now, or rotations without end would add a signature to every message
      // each (3,000 of them made a 144 KB header that receivers refuse).
      await trx.deleteFrom('callback_secrets').where('callback_id', '=', id).where('expires_at', 'is not', null).execute();
      await trx
        .updateTable('callback_secrets')
        .set({ expires_at: now + graceMs })
        .where('callback_id', '=', id)
        .where('expires_at', 'is', null)
        .execute();
      await trx.insertInto('callback_secrets').values({ callback_id: id, secret, expires_at: null }).execute();
      return this.#secretOf(trx, id, now);
    });
  }

  // deliveries

  async listDeliveries(
    accountId: number,
    callbackId: number,
    page: Page,
    status: DeliveryStatus | undefined,
  ): Promise<ListEnvelope<Delivery> | null> {
    if (!(await this.#callbackRow(this.#db, accountId, callbackId))) return null;
    let base = this.#db.selectFrom('deliveries').where('callback_id', '=', callbackId);
    if (status !== undefined) base = base.where('status', '=', status);
    return this.#list(
      page,
      async () => (await base.select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
      () => base.selectAll().orderBy('id', 'desc').limit(page.limit).offset(page.start).execute(),
      toDelivery,
    );
  }

  async getDelivery(accountId: number, id: number): Promise<DeliveryDetail | null> {
    const row = await this.#db
      .selectFrom('deliveries')
      .selectAll()
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (!row) return null;
    const attempts = await this.#db
      .selectFrom('delivery_attempts')
      .selectAll()
      .where('delivery_id', '=', id)
      .orderBy('id')
      .execute();
    return {
      ...toDelivery(row),
      attemptLog: attempts.map((attempt) => ({
        time: attempt.time,
        statusCode: attempt.status_code,
        durationMs: attempt.duration_ms,
        error: attempt.error,
        response: attempt.response,
      })),
    };
  }

  async retryDelivery(accountId: number, id: number): Promise<Delivery | null> {
    const { ms, stamp } = this.#now();
    const row = await this.#write(async (trx, queued) => {
      // on PostgreSQL the row stays locked until the write: an attempt's outcome cannot be recorded
      // between the look at the lease and the write that relies on it
      const read = trx.selectFrom('deliveries').select('lease_until').where('id', '=', id).where('account_id', '=', accountId);
      const current = await (this.dialect === 'postgres' ? read.forNoKeyUpdate() : read).executeTakeFirst();
      if (current === undefined) return undefined;
      const update = trx.updateTable('deliveries').where('id', '=', id);
      if (current.lease_until !== null && Number(current.lease_until) >= ms) {
        // being attempted right now: queued now, it would be sent twice. The attempt's outcome applies
        // the retry when it is recorded (#applyRetryRequest); the answer shows the delivery as it is
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
    return row ? toDelivery(row) : null;
  }

  async queueTestMessage(accountId: number, callbackId: number): Promise<Delivery | null> {
    const delivery = await this.#write(async (trx, queued) => {
      const callback = await this.#callbackRow(trx, accountId, callbackId);
      if (!callback) return null;
      queued.callbacks.add(callback.id);
      const { ms, stamp } = this.#now();
      const message = buildTestMessage({
        eventKey: newEventKey(),
        timestamp: stamp,
        epochMs: ms,
        database: callback.database_id,
        collection: callback.collection_id,
      });
      const event = await trx
        .insertInto('events')
        .values({ account_id: accountId, database_id: callback.database_id, payload: JSON.stringify(message), created_at: ms })
        .returning('id')
        .executeTakeFirstOrThrow();
      return trx
        .insertInto('deliveries')
        .values({
          account_id: accountId,
          callback_id: callbackId,
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
    });
    return delivery ? toDelivery(delivery) : null;
  }

  // the worker's side

  claimDueDeliveries(
    limit: number,
    leaseMs: number,
    maxPerCallback: number,
    busy: ReadonlyMap<number, number> = new Map(),
    notes: ClaimNotes = { leftBehind: false },
  ): Promise<DueDelivery[]> {
    if (this.#postgres) return claimOnPostgres(this.#postgres.run, this.#clock.now(), limit, leaseMs, maxPerCallback, busy, notes);
    // on the embedded store, in the transaction the writes of the moment share (see #writeTogether)
    return this.#write((trx) => this.#claimIn(trx, limit, leaseMs, maxPerCallback, busy, notes));
  }

  async #claimIn(
    trx: Transaction<Schema>,
    limit: number,
    leaseMs: number,
    maxPerCallback: number,
    busy: ReadonlyMap<number, number>,
    notes: ClaimNotes,
  ): Promise<DueDelivery[]> {
    const saturatedIds = [...busy].filter(([, count]) => count >= maxPerCallback).map(([id]) => id);
    const saturated = this.#idList(saturatedIds);
    notes.leftBehind = saturatedIds.length > 0;
    const now = this.#clock.now();
    // Two candidates per wanted row on PostgreSQL leave room for what other workers lock first.
    const wanted = this.dialect === 'postgres' ? limit * 2 : limit;
    // of each callback at most its free slots (the limit less what the worker sends it already),
    // so one busy callback cannot fill a batch
    const taken = new Map<number, number>();
    const candidates: number[] = [];
    // A run of rows all of callbacks whose slots this claim filled ends the scan: behind one busy
    // callback's backlog the rest is found by the next claim, which leaves that callback out in SQL.
    let passedOver = 0;
    const scanLimit = Math.max(limit * 4, 200);
    // SQLite reads the rows one at a time (the scan stops itself after scanLimit), under a LIMIT
    // written into the SQL: a bound LIMIT made this statement cost ≈ 45 µs instead of ≈ 5 µs
    let scanned = 0;
    const sqliteScan = this.dialect === 'sqlite';
    await this.#statements.scan(
      trx,
      'claimScan',
      () => this.#claimScan(trx, now, saturated, sqliteScan ? sql.lit(CLAIM_SCAN_MOST) : scanLimit),
      sqliteScan ? [now, now, saturated, ...OPEN_STATUSES] : [now, now, saturated, ...OPEN_STATUSES, scanLimit],
      (row) => {
        if (++scanned > scanLimit) return false;
        const used = (busy.get(row.callback_id) ?? 0) + (taken.get(row.callback_id) ?? 0);
        if (used >= maxPerCallback) {
          notes.leftBehind = true;
          return ++passedOver < CLAIM_PASS_OVER_LIMIT;
        }
        passedOver = 0;
        taken.set(row.callback_id, (taken.get(row.callback_id) ?? 0) + 1);
        candidates.push(row.id);
        return candidates.length < wanted;
      },
    );
    // rows beyond those read may be due too
    if (scanned >= scanLimit) notes.leftBehind = true;
    if (candidates.length === 0) return [];
    const ids = this.dialect === 'postgres' ? await this.#lockCandidates(trx, candidates, limit, now) : candidates;
    if (ids.length === 0) return [];
    const idList = this.#idList(ids);
    const leaseUntil = now + leaseMs;
    await this.#statements.rows(
      trx,
      'leaseClaimed',
      () => trx.updateTable('deliveries').set({ lease_until: leaseUntil }).where((eb) => this.#oneOf(eb.ref('id'), idList)),
      [leaseUntil, idList],
    );
    const rows = await this.#statements.rows(
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
            'callbacks.id as callback_id',
            'callbacks.url',
            'callbacks.method',
            'callbacks.expression',
            'callbacks.disabled',
          ])
          .where((eb) => this.#oneOf(eb.ref('deliveries.id'), idList))
          .orderBy('deliveries.id'),
      [idList],
    );
    const callbackIds = this.#idList([...new Set(rows.map((row) => row.callback_id))]);
    const secrets = await this.#statements.rows(
      trx,
      'claimedSecrets',
      () =>
        trx
          .selectFrom('callback_secrets')
          .select(['callback_id', 'secret'])
          .where((eb) => this.#oneOf(eb.ref('callback_id'), callbackIds))
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
          .orderBy('id', 'desc'),
      [callbackIds, now],
    );
    return rows.map((row) => ({
      id: row.id,
      webhookId: row.webhook_id,
      eventKey: row.event_key,
      attempts: row.attempts,
      retryBase: row.retry_base,
      payload: row.payload,
      ordered: row.ordering_key !== null,
      leaseUntil,
      callback: {
        id: row.callback_id,
        url: row.url,
        method: row.method as 'json' | 'xml',
        expression: row.expression,
        disabled: row.disabled === 1,
        secrets: secrets.filter((secret) => secret.callback_id === row.callback_id).map((secret) => secret.secret),
      },
    }));
  }

  /**
   * The deliveries a claim may take, earliest due first: due, not leased, not of a callback the
   * worker already keeps busy to its limit (a slow receiver cannot take every slot), and not waiting
   * behind an earlier open delivery of the same profile (ordering "profile"). The scan is bounded and
   * walks the due index in order, so a claim costs the same with a backlog of a million as with ten.
   */
  #claimScan(trx: Transaction<Schema>, now: number, saturated: string | number[], scanLimit: number | RawBuilder<number>) {
    return trx
      .selectFrom('deliveries as d')
      .select(['d.id', 'd.callback_id'])
      .where('d.next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<', now)]))
      .where((eb) => eb.not(this.#oneOf(eb.ref('d.callback_id'), saturated)))
      .where((eb) =>
        eb.or([
          eb('d.ordering_key', 'is', null),
          eb.not(
            eb.exists(
              eb
                .selectFrom('deliveries as earlier')
                .select('earlier.id')
                .whereRef('earlier.callback_id', '=', 'd.callback_id')
                .whereRef('earlier.ordering_key', '=', 'd.ordering_key')
                .whereRef('earlier.id', '<', 'd.id')
                .where('earlier.status', 'in', OPEN_STATUSES),
            ),
          ),
        ]),
      )
      .orderBy('d.next_attempt_at')
      .orderBy('d.id')
      .limit(scanLimit);
  }

  /**
   * PostgreSQL, where several workers claim at once: the candidates were chosen on a snapshot, so their
   * rows are locked with SKIP LOCKED (rows another worker is claiming this instant are passed over, not
   * waited for) and checked again once locked: a row another worker leased or finished meanwhile no
   * longer passes. The locks last until the caller's transaction commits the leases.
   */
  async #lockCandidates(trx: Transaction<Schema>, candidates: number[], limit: number, now: number): Promise<number[]> {
    const rows = await this.#statements.rows(
      trx,
      'lockCandidates',
      () =>
        trx
          .selectFrom('deliveries')
          .select('id')
          .where((eb) => this.#oneOf(eb.ref('id'), candidates))
          .where('status', 'in', OPEN_STATUSES)
          .where('next_attempt_at', '<=', now)
          .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
          .orderBy('next_attempt_at')
          .orderBy('id')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      [candidates, ...OPEN_STATUSES, now, now, limit],
    );
    return rows.map((row) => row.id);
  }

  /** A list of IDs as one parameter, so that statements over lists keep one shape: see #oneOf. */
  #idList(ids: readonly number[]): string | number[] {
    return this.dialect === 'postgres' ? [...ids] : JSON.stringify(ids);
  }

  #oneOf(column: Expression<number>, idList: string | number[]): RawBuilder<boolean> {
    return this.dialect === 'postgres'
      ? sql<boolean>`${column} = any(${idList})`
      : sql<boolean>`${column} in (select value from json_each(${idList}))`;
  }

  async nextDueTime(): Promise<number | null> {
    const row = await this.#db
      .selectFrom('deliveries')
      .select(({ fn }) => fn.min<number>('next_attempt_at').as('due'))
      .where('next_attempt_at', 'is not', null)
      .where('lease_until', 'is', null)
      .executeTakeFirst();
    const leased = await this.#db
      .selectFrom('deliveries')
      .select(({ fn }) => fn.min<number>('lease_until').as('due'))
      .where('lease_until', 'is not', null)
      .where('next_attempt_at', 'is not', null)
      .executeTakeFirst();
    const candidates = [row?.due, leased?.due].filter((due): due is number => due !== null && due !== undefined).map(Number);
    return candidates.length === 0 ? null : Math.min(...candidates);
  }

  async releaseAllLeases(): Promise<number> {
    const result = await this.#db.updateTable('deliveries').set({ lease_until: null }).where('lease_until', 'is not', null).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Every outcome in one transaction: the worker records what finished meanwhile together. */
  async recordAttempts(outcomes: readonly AttemptOutcome[]): Promise<void> {
    if (this.#postgres) {
      const requeued = await recordOnPostgres(this.#postgres.run, this.#postgres.signal, this.#now(), FAILING_DAYS_BEFORE_DISABLE, outcomes);
      if (requeued.length > 0) this.#announceQueued(new Set(requeued));
      return;
    }
    return this.#write(async (trx, queued) => {
      const now = this.#now();
      for (const outcome of outcomes) await this.#recordOne(trx, queued, outcome, now);
    });
  }

  async #recordOne(trx: Transaction<Schema>, queued: Queued, outcome: AttemptOutcome, now: { ms: number; stamp: string }): Promise<void> {
    const { attempt } = outcome;
    const { stamp } = now;
    const disabled = outcome.sent && (await this.#settleCallback(trx, outcome, now));
    // the attempt that disables its callback is its delivery's last
    const status = disabled && outcome.status === 'failed' ? 'exhausted' : outcome.status;
    const nextAttemptAt = disabled ? null : outcome.nextAttemptAt;
    // an attempt that was not sent (disabled callback, failed expression) does not count as one
    const [recorded] = await this.#statements.rows(
      trx,
      outcome.sent ? 'recordDelivery:sent' : 'recordDelivery:unsent',
      () =>
        trx
          .updateTable('deliveries')
          .set((eb) => ({
            status,
            attempts: outcome.sent ? eb('attempts', '+', 1) : eb.ref('attempts'),
            next_attempt_at: nextAttemptAt,
            lease_until: null,
            last_status_code: attempt.statusCode,
            modified: stamp,
          }))
          .where('id', '=', outcome.deliveryId)
          .returning('retry_requested'),
      outcome.sent
        ? [status, 1, nextAttemptAt, null, attempt.statusCode, stamp, outcome.deliveryId]
        : [status, nextAttemptAt, null, attempt.statusCode, stamp, outcome.deliveryId],
    );
    // The delivery went with its callback (or database, or collection) while it was attempted: there
    // is nothing left to record this on. Inserting its attempt would break the foreign key and undo
    // the whole transaction, the other outcomes with it, and those would be sent again.
    if (recorded === undefined) return;
    await this.#statements.rows(
      trx,
      'insertAttempt',
      () =>
        trx.insertInto('delivery_attempts').values({
          delivery_id: outcome.deliveryId,
          time: attempt.time,
          status_code: attempt.statusCode,
          duration_ms: attempt.durationMs,
          error: attempt.error,
          response: attempt.response,
        }),
      [outcome.deliveryId, attempt.time, attempt.statusCode, attempt.durationMs, attempt.error, attempt.response],
    );
    if (Number(recorded.retry_requested) !== 0) await this.#applyRetryRequest(trx, queued, outcome, status, now);
  }

  /**
   * What a sent attempt means for its callback, decided from the callback's row as it is now, not as
   * it was when the attempt was claimed (a success may have been recorded since): a success ends a
   * failing spell; a failure starts one, or disables the callback once the spell has lasted
   * FAILING_DAYS_BEFORE_DISABLE. Returns whether this attempt disabled the callback.
   */
  async #settleCallback(trx: Transaction<Schema>, outcome: AttemptOutcome, now: { ms: number; stamp: string }): Promise<boolean> {
    const { callbackId, disableCallback } = outcome;
    if (outcome.status === 'succeeded') {
      // most successes change nothing here (the callback was healthy already): then no row is written
      await this.#statements.rows(
        trx,
        'callbackHealthy',
        () => trx.updateTable('callbacks').set({ failing_since: null }).where('id', '=', callbackId).where('failing_since', 'is not', null),
        [null, callbackId],
      );
      return false;
    }
    if (disableCallback !== null) {
      await this.#statements.rows(
        trx,
        'disableCallback',
        () =>
          trx
            .updateTable('callbacks')
            .set((eb) => ({
              failing_since: eb.fn.coalesce('failing_since', eb.val(now.ms)),
              disabled: 1,
              disabled_reason: disableCallback,
              modified: now.stamp,
            }))
            .where('id', '=', callbackId),
        [now.ms, 1, disableCallback, now.stamp, callbackId],
      );
      return true;
    }
    const callback = await this.#statements.first(
      trx,
      'callbackFailingSince',
      () => trx.selectFrom('callbacks').select(['failing_since', 'disabled']).where('id', '=', callbackId),
      [callbackId],
    );
    // gone with its deliveries; disabled meanwhile by hand or by another attempt, with a reason of its own
    if (callback === undefined || callback.disabled === 1) return false;
    if (callback.failing_since === null) {
      await this.#statements.rows(
        trx,
        'callbackFailing',
        () => trx.updateTable('callbacks').set({ failing_since: now.ms }).where('id', '=', callbackId).where('failing_since', 'is', null),
        [now.ms, callbackId],
      );
      return false;
    }
    const since = Number(callback.failing_since);
    if (now.ms - since < FAILING_DAYS_BEFORE_DISABLE * 86400_000) return false;
    const reason = `disabled after every attempt failed for ${FAILING_DAYS_BEFORE_DISABLE} days (since ${formatTimestamp(since)})`;
    // only while the spell read above lasts: on PostgreSQL a success recorded by another worker since
    // then has ended it, and the condition is checked again on the row as that worker left it
    const disabled = await this.#statements.rows(
      trx,
      'disableFailingCallback',
      () =>
        trx
          .updateTable('callbacks')
          .set({ disabled: 1, disabled_reason: reason, modified: now.stamp })
          .where('id', '=', callbackId)
          .where('failing_since', '=', since)
          .where('disabled', '=', 0)
          .returning('id'),
      [1, reason, now.stamp, callbackId, since, 0],
    );
    return disabled.length > 0;
  }

  /**
   * A retry was asked for while this attempt was in flight (retryDelivery). A delivery that got
   * through needs nothing more; one that did not goes again at once, with a fresh round of retries,
   * as a retry of a finished delivery does.
   */
  async #applyRetryRequest(
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

  async discardDelivery(deliveryId: number): Promise<void> {
    await this.#db.deleteFrom('deliveries').where('id', '=', deliveryId).execute();
  }

  exportTables(write: (page: TableRows) => Promise<void>): Promise<Record<TableName, number>> {
    return exportTables(this.#db, this.dialect, write);
  }

  importTables(pages: AsyncIterable<TableRows>): Promise<Record<TableName, number>> {
    return importTables(this.#db, this.dialect, pages);
  }

  async pruneDeliveries(olderThanMs: number): Promise<number> {
    const result = await this.#db
      .deleteFrom('deliveries')
      .where('created_at', '<', olderThanMs)
      .where('status', 'not in', OPEN_STATUSES)
      .executeTakeFirst();
    await this.#db
      .deleteFrom('events')
      .where('created_at', '<', olderThanMs)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('deliveries').select('deliveries.id').whereRef('deliveries.event_id', '=', 'events.id'))))
      .execute();
    return Number(result.numDeletedRows);
  }
}

/** PostgreSQL's deadlock_detected and serialization_failure: the transaction was rolled back whole. */
function isTransientConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}
