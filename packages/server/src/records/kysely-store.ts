// The Store on Kysely, for the embedded SQLite store and for PostgreSQL alike: the repositories of
// records/ (one per aggregate) and the delivery queue (queue/), over one connection (db/connection.ts),
// composed into the one interface routes, worker and CLI use.
import type {
  CallbackUpdate,
  CollectionCreate,
  CollectionUpdate,
  DatabaseCreate,
  DatabaseUpdate,
  DeliveryStatus,
  ProfileCreate,
  ProfileUpdate,
  SubprofileCreate,
  SubprofileUpdate,
} from '@tidings/spec';
import { Connection, type ConnectionOptions } from '../db/connection.ts';
import { exportTables, importTables, type TableName, type TableRows } from '../db/transfer.ts';
import { Claims } from '../queue/claims.ts';
import { queueDepth } from '../queue/depth.ts';
import { Enqueue } from '../queue/enqueue.ts';
import { ListenerQueue } from '../queue/listeners.ts';
import { Outcomes } from '../queue/outcomes.ts';
import { Pruning } from '../queue/prune.ts';
import { Replays, RetryRequests, type ReplayWindow } from '../queue/retries.ts';
import type { AttemptOutcome, ClaimNotes, JoinedClaim } from '../queue/types.ts';
import { Accounts } from './accounts.ts';
import { CallbackLists } from './callback-lists.ts';
import { Callbacks } from './callbacks.ts';
import { Collections } from './collections.ts';
import { Databases } from './databases.ts';
import { Deliveries } from './deliveries.ts';
import { IdempotencyKeys } from './idempotency.ts';
import { Throttles } from '../queue/throttle.ts';
import { Profiles } from './profiles.ts';
import { Secrets } from './secrets.ts';
import { Subprofiles } from './subprofiles.ts';
import type { Signing } from '../secrets.ts';
import type { FieldLimits, NewCallback, Page, Store } from './store.ts';

export interface KyselyStoreOptions extends ConnectionOptions {
  /** the version of the dialect's latest migration */
  schemaVersion: number;
  migrate: () => Promise<number[]>;
  close: () => Promise<void>;
  /** the retry schedule's first entry: how long after a change its first attempt is due */
  firstAttemptDelayMs?: number;
}

export class KyselyStore implements Store {
  readonly dialect: Store['dialect'];
  readonly schemaVersion: number;
  readonly #connection: Connection;
  readonly #migrate: () => Promise<number[]>;
  readonly #close: () => Promise<void>;
  readonly #accounts: Accounts;
  readonly #databases: Databases;
  readonly #collections: Collections;
  readonly #profiles: Profiles;
  readonly #subprofiles: Subprofiles;
  readonly #callbacks: Callbacks;
  readonly #callbackLists: CallbackLists;
  readonly #secrets: Secrets;
  readonly #deliveries: Deliveries;
  readonly #claims: Claims;
  readonly #outcomes: Outcomes;
  readonly #pruning: Pruning;
  readonly idempotency: IdempotencyKeys;
  readonly throttles: Throttles;
  readonly listeners: ListenerQueue;
  readonly #replays: Replays;

  constructor(options: KyselyStoreOptions) {
    const connection = new Connection(options);
    this.dialect = options.dialect;
    this.schemaVersion = options.schemaVersion;
    this.#connection = connection;
    this.#migrate = options.migrate;
    this.#close = options.close;
    const enqueue = new Enqueue(connection, options.firstAttemptDelayMs ?? 0);
    this.#accounts = new Accounts(connection);
    this.#databases = new Databases(connection);
    this.#collections = new Collections(connection, this.#databases);
    this.#profiles = new Profiles(connection, this.#databases, enqueue);
    this.#subprofiles = new Subprofiles(connection, this.#profiles, this.#collections, enqueue);
    this.#callbacks = new Callbacks(connection, this.#databases, this.#collections);
    this.#callbackLists = new CallbackLists(connection);
    this.#secrets = new Secrets(connection, this.#callbacks);
    this.#deliveries = new Deliveries(connection, this.#callbacks, enqueue, new RetryRequests(connection));
    this.#claims = new Claims(connection);
    this.#outcomes = new Outcomes(connection);
    this.#pruning = new Pruning(connection);
    this.idempotency = new IdempotencyKeys(connection);
    this.throttles = new Throttles(connection);
    this.listeners = new ListenerQueue(connection);
    this.#replays = new Replays(connection);
  }

  migrate(): Promise<number[]> {
    return this.#migrate();
  }

  /** The SQL of the hot queries this store has run, by key (src/db/queries/ is made from it). */
  compiledQueries(): ReadonlyMap<string, string> {
    return this.#connection.statements.compiled();
  }

  close(): Promise<void> {
    return this.#close();
  }

  onDeliveriesQueued(listener: (callbackIds: ReadonlySet<number> | null) => void): void {
    this.#connection.onDeliveriesQueued(listener);
  }

  joinClaims(request: () => JoinedClaim | null): void {
    this.#claims.joinClaims(request);
  }

  // accounts and tokens
  createAccount(name: string) {
    return this.#accounts.createAccount(name);
  }
  listAccounts() {
    return this.#accounts.listAccounts();
  }
  findAccount(nameOrId: string) {
    return this.#accounts.findAccount(nameOrId);
  }
  addToken(accountId: number, token: string, readOnly: boolean) {
    return this.#accounts.addToken(accountId, token, readOnly);
  }
  revokeToken(token: string) {
    return this.#accounts.revokeToken(token);
  }
  authenticate(token: string) {
    return this.#accounts.authenticate(token);
  }
  hasAccounts() {
    return this.#accounts.hasAccounts();
  }

  // databases
  listDatabases(accountId: number, page: Page) {
    return this.#databases.listDatabases(accountId, page);
  }
  createDatabase(accountId: number, input: DatabaseCreate) {
    return this.#databases.createDatabase(accountId, input);
  }
  getDatabase(accountId: number, id: number) {
    return this.#databases.getDatabase(accountId, id);
  }
  updateDatabase(accountId: number, id: number, input: DatabaseUpdate) {
    return this.#databases.updateDatabase(accountId, id, input);
  }
  deleteDatabase(accountId: number, id: number) {
    return this.#databases.deleteDatabase(accountId, id);
  }

  // collections
  listCollections(accountId: number, databaseId: number, page: Page) {
    return this.#collections.listCollections(accountId, databaseId, page);
  }
  createCollection(accountId: number, databaseId: number, input: CollectionCreate) {
    return this.#collections.createCollection(accountId, databaseId, input);
  }
  getCollection(accountId: number, id: number) {
    return this.#collections.getCollection(accountId, id);
  }
  updateCollection(accountId: number, id: number, input: CollectionUpdate) {
    return this.#collections.updateCollection(accountId, id, input);
  }
  deleteCollection(accountId: number, id: number) {
    return this.#collections.deleteCollection(accountId, id);
  }

  // profiles
  listProfiles(accountId: number, databaseId: number, page: Page) {
    return this.#profiles.listProfiles(accountId, databaseId, page);
  }
  createProfile(accountId: number, databaseId: number, input: ProfileCreate) {
    return this.#profiles.createProfile(accountId, databaseId, input);
  }
  getProfile(accountId: number, id: number) {
    return this.#profiles.getProfile(accountId, id);
  }
  updateProfile(accountId: number, id: number, input: ProfileUpdate, limits?: FieldLimits) {
    return this.#profiles.updateProfile(accountId, id, input, limits);
  }
  deleteProfile(accountId: number, id: number) {
    return this.#profiles.deleteProfile(accountId, id);
  }

  // subprofiles
  listProfileSubprofiles(accountId: number, profileId: number, collectionId: number, page: Page) {
    return this.#subprofiles.listProfileSubprofiles(accountId, profileId, collectionId, page);
  }
  listCollectionSubprofiles(accountId: number, collectionId: number, page: Page) {
    return this.#subprofiles.listCollectionSubprofiles(accountId, collectionId, page);
  }
  createSubprofile(accountId: number, profileId: number, collectionId: number, input: SubprofileCreate) {
    return this.#subprofiles.createSubprofile(accountId, profileId, collectionId, input);
  }
  getSubprofile(accountId: number, id: number) {
    return this.#subprofiles.getSubprofile(accountId, id);
  }
  updateSubprofile(accountId: number, id: number, input: SubprofileUpdate, limits?: FieldLimits) {
    return this.#subprofiles.updateSubprofile(accountId, id, input, limits);
  }
  deleteSubprofile(accountId: number, id: number) {
    return this.#subprofiles.deleteSubprofile(accountId, id);
  }

  // callbacks and their secrets
  listDatabaseCallbacks(accountId: number, databaseId: number, page: Page) {
    return this.#callbackLists.listDatabaseCallbacks(accountId, databaseId, page);
  }
  listCollectionCallbacks(accountId: number, collectionId: number, page: Page) {
    return this.#callbackLists.listCollectionCallbacks(accountId, collectionId, page);
  }
  createDatabaseCallback(accountId: number, databaseId: number, input: NewCallback, maxPerDatabase: number) {
    return this.#callbacks.createDatabaseCallback(accountId, databaseId, input, maxPerDatabase);
  }
  createCollectionCallback(accountId: number, collectionId: number, input: NewCallback, maxPerDatabase: number) {
    return this.#callbacks.createCollectionCallback(accountId, collectionId, input, maxPerDatabase);
  }
  getCallback(accountId: number, id: number) {
    return this.#callbacks.getCallback(accountId, id);
  }
  updateCallback(accountId: number, id: number, input: CallbackUpdate) {
    return this.#callbacks.updateCallback(accountId, id, input);
  }
  deleteCallback(accountId: number, id: number) {
    return this.#callbacks.deleteCallback(accountId, id);
  }
  getCallbackSecret(accountId: number, id: number) {
    return this.#secrets.getCallbackSecret(accountId, id);
  }
  rotateCallbackSecret(accountId: number, id: number, newSecret: (signing: Signing) => string, graceMs: number) {
    return this.#secrets.rotateCallbackSecret(accountId, id, newSecret, graceMs);
  }

  // deliveries
  listDeliveries(accountId: number, callbackId: number, page: Page, status: DeliveryStatus | undefined) {
    return this.#deliveries.listDeliveries(accountId, callbackId, page, status);
  }
  getDelivery(accountId: number, id: number) {
    return this.#deliveries.getDelivery(accountId, id);
  }
  retryDelivery(accountId: number, id: number) {
    return this.#deliveries.retryDelivery(accountId, id);
  }
  queueTestMessage(accountId: number, callbackId: number) {
    return this.#deliveries.queueTestMessage(accountId, callbackId);
  }

  async replayDeliveries(accountId: number, callbackId: number, window: ReplayWindow) {
    if (!(await this.#callbacks.row(this.#connection.db, accountId, callbackId))) return null;
    return this.#replays.replay(callbackId, window);
  }

  // the worker's side
  claimDueDeliveries(limit: number, leaseMs: number, maxPerCallback: number, busy?: ReadonlyMap<number, number>, notes?: ClaimNotes) {
    return this.#claims.claimDueDeliveries(limit, leaseMs, maxPerCallback, busy, notes);
  }
  nextDueTime() {
    return this.#claims.nextDueTime();
  }
  releaseAllLeases() {
    return this.#claims.releaseAllLeases();
  }
  recordAttempts(outcomes: readonly AttemptOutcome[]) {
    return this.#outcomes.recordAttempts(outcomes);
  }
  discardDelivery(deliveryId: number) {
    return this.#pruning.discardDelivery(deliveryId);
  }
  queueDepth() {
    return queueDepth(this.#connection);
  }

  async pruneDeliveries(olderThanMs: number) {
    await this.idempotency.prune();
    return this.#pruning.pruneDeliveries(olderThanMs);
  }

  // moving a whole store between dialects
  exportTables(write: (page: TableRows) => Promise<void>): Promise<Record<TableName, number>> {
    return exportTables(this.#connection.db, this.dialect, write);
  }
  importTables(pages: AsyncIterable<TableRows>): Promise<Record<TableName, number>> {
    return importTables(this.#connection.db, this.dialect, pages);
  }
}
