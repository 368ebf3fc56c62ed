// The Store: everything routes and the delivery worker need from persistence. One implementation
// (KyselyStore, composed of the repositories beside it and of queue/) serves both dialects; what
// differs (connection, migrations) lives in db/sqlite/ and db/postgres/.
import type { QueueDepth } from '../queue/depth.ts';
import type { Signing } from '../secrets.ts';
import type { ReplayWindow } from '../queue/retries.ts';
import type { IdempotencyKeys } from './idempotency.ts';
import type { Throttles } from '../queue/throttle.ts';
import type { ListenerQueue } from '../queue/listeners.ts';
import type {
  Callback,
  CallbackCreate,
  CallbackSecret,
  CallbackUpdate,
  Collection,
  CollectionCreate,
  CollectionUpdate,
  Database,
  DatabaseCreate,
  DatabaseUpdate,
  Delivery,
  DeliveryDetail,
  DeliveryStatus,
  ListEnvelope,
  Profile,
  ProfileCreate,
  ProfileUpdate,
  Subprofile,
  SubprofileCreate,
  SubprofileUpdate,
} from '@tidings/spec';
import type { TableName, TableRows } from '../db/transfer.ts';
import type { AttemptOutcome, ClaimNotes, DueDelivery, JoinedClaim } from '../queue/types.ts';

/**
 * A delivery as the store holds it: its message as the JSON it was stored as, and the callback's
 * `method`, from which the route renders the body the receiver gets (receiver/render.ts).
 */
export type StoredDeliveryDetail = Omit<DeliveryDetail, 'body'> & { payload: string; method: 'json' | 'xml' };

export interface Page {
  start: number;
  limit: number;
}

export interface Principal {
  accountId: number;
  readOnly: boolean;
}

export interface AccountSummary {
  id: number;
  name: string;
  created: string;
  tokens: number;
}

export interface NewCallback extends CallbackCreate {
  secret: string;
}

export type CreateCallbackResult = { callback: Callback } | { limitReached: true };

/**
 * A value already serialised as JSON, as the database wrote it: a page of 100 callbacks costs half as
 * much when SQLite or PostgreSQL writes each row's JSON than as objects built in JavaScript and
 * stringified again (api-list benchmark).
 */
export type JsonText<T> = string & { readonly jsonOf?: T };

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Resolves when migrations are applied. */
  migrate(): Promise<number[]>;
  close(): Promise<void>;
  /** Called after a commit queued new deliveries, so a worker in this process can start at once. */
  onDeliveriesQueued(listener: (callbackIds: ReadonlySet<number> | null) => void): void;
  /**
   * The embedded store calls `request` before it commits writes that queued deliveries, and makes the
   * claim it answers in that same transaction (the worker answers null unless it is idle): a message
   * that arrives alone then costs one transaction fewer. One requester per store (the last one given); PostgreSQL, where several processes claim,
   * never calls it.
   */
  joinClaims(request: () => JoinedClaim | null): void;

  // accounts and tokens
  createAccount(name: string): Promise<{ id: number; name: string } | null>;
  listAccounts(): Promise<AccountSummary[]>;
  findAccount(nameOrId: string): Promise<{ id: number; name: string } | null>;
  addToken(accountId: number, token: string, readOnly: boolean): Promise<void>;
  revokeToken(token: string): Promise<boolean>;
  authenticate(token: string): Promise<Principal | null>;
  hasAccounts(): Promise<boolean>;

  // databases
  listDatabases(accountId: number, page: Page): Promise<ListEnvelope<Database>>;
  createDatabase(accountId: number, input: DatabaseCreate): Promise<Database>;
  getDatabase(accountId: number, id: number): Promise<Database | null>;
  updateDatabase(accountId: number, id: number, input: DatabaseUpdate): Promise<Database | null>;
  deleteDatabase(accountId: number, id: number): Promise<boolean>;

  // collections
  listCollections(accountId: number, databaseId: number, page: Page): Promise<ListEnvelope<Collection> | null>;
  createCollection(accountId: number, databaseId: number, input: CollectionCreate): Promise<Collection | null>;
  getCollection(accountId: number, id: number): Promise<Collection | null>;
  updateCollection(accountId: number, id: number, input: CollectionUpdate): Promise<Collection | null>;
  deleteCollection(accountId: number, id: number): Promise<boolean>;

  // profiles — every write also queues its messages in the same transaction
  listProfiles(accountId: number, databaseId: number, page: Page): Promise<ListEnvelope<Profile> | null>;
  createProfile(accountId: number, databaseId: number, input: ProfileCreate): Promise<Profile | null>;
  getProfile(accountId: number, id: number): Promise<Profile | null>;
  /** Fields merge into the profile's; past `limits` nothing is written and FieldsLimitReached is thrown. */
  updateProfile(accountId: number, id: number, input: ProfileUpdate, limits?: FieldLimits): Promise<Profile | null>;
  deleteProfile(accountId: number, id: number): Promise<boolean>;

  // subprofiles
  listProfileSubprofiles(
    accountId: number,
    profileId: number,
    collectionId: number,
    page: Page,
  ): Promise<ListEnvelope<Subprofile> | 'profile_not_found' | 'collection_not_found'>;
  listCollectionSubprofiles(accountId: number, collectionId: number, page: Page): Promise<ListEnvelope<Subprofile> | null>;
  createSubprofile(
    accountId: number,
    profileId: number,
    collectionId: number,
    input: SubprofileCreate,
  ): Promise<Subprofile | 'profile_not_found' | 'collection_not_found'>;
  getSubprofile(accountId: number, id: number): Promise<Subprofile | null>;
  updateSubprofile(accountId: number, id: number, input: SubprofileUpdate, limits?: FieldLimits): Promise<Subprofile | null>;
  deleteSubprofile(accountId: number, id: number): Promise<boolean>;

  // callbacks
  /** callback lists come as JSON text per callback, written by the database (see JsonText) */
  listDatabaseCallbacks(accountId: number, databaseId: number, page: Page): Promise<ListEnvelope<JsonText<Callback>> | null>;
  listCollectionCallbacks(accountId: number, collectionId: number, page: Page): Promise<ListEnvelope<JsonText<Callback>> | null>;
  createDatabaseCallback(
    accountId: number,
    databaseId: number,
    input: NewCallback,
    maxPerDatabase: number,
  ): Promise<CreateCallbackResult | null>;
  createCollectionCallback(
    accountId: number,
    collectionId: number,
    input: NewCallback,
    maxPerDatabase: number,
  ): Promise<CreateCallbackResult | null>;
  /** with its throttle, which lists leave out */
  /** as JSON text the database writes, with the callback's throttle */
  getCallback(accountId: number, id: number): Promise<JsonText<Callback> | null>;
  updateCallback(accountId: number, id: number, input: CallbackUpdate): Promise<Callback | null>;
  deleteCallback(accountId: number, id: number): Promise<boolean>;
  getCallbackSecret(accountId: number, id: number): Promise<CallbackSecret | null>;
  rotateCallbackSecret(accountId: number, id: number, newSecret: (signing: Signing) => string, graceMs: number): Promise<CallbackSecret | null>;

  // deliveries
  listDeliveries(
    accountId: number,
    callbackId: number,
    page: Page,
    status: DeliveryStatus | undefined,
  ): Promise<ListEnvelope<Delivery> | null>;
  getDelivery(accountId: number, id: number): Promise<StoredDeliveryDetail | null>;
  /**
   * Queues the delivery for an attempt now, with a fresh round of retries. One being attempted right
   * now is not sent twice: the retry is noted, and applied when that attempt's outcome is recorded
   * (sent again at once if it failed).
   */
  retryDelivery(accountId: number, id: number): Promise<Delivery | null>;
  queueTestMessage(accountId: number, callbackId: number): Promise<Delivery | null>;
  /** Sends a window of a callback's finished deliveries again (queue/retries.ts); null for another account's callback. */
  replayDeliveries(accountId: number, callbackId: number, window: ReplayWindow): Promise<{ queued: number; more: boolean } | null>;

  // the worker's side
  /**
   * Leases up to `limit` due deliveries; a callback gets at most maxPerCallback less what `busy`
   * (callback ID → attempts the caller has in flight) says it already has.
   */
  claimDueDeliveries(
    limit: number,
    leaseMs: number,
    maxPerCallback: number,
    busy?: ReadonlyMap<number, number>,
    notes?: ClaimNotes,
  ): Promise<DueDelivery[]>;
  nextDueTime(): Promise<number | null>;
  /** Voids every lease: only for a store that one worker process owns (the embedded one), at start. */
  releaseAllLeases(): Promise<number>;
  /**
   * Records finished attempts, several in one transaction. The outcome of a delivery that is gone
   * (deleted with its callback while it was attempted) is dropped: there is nothing to record it on;
   * so is one whose lease is gone (another claim's attempt is the one to record). Resolves to the
   * outcomes recorded.
   */
  recordAttempts(outcomes: readonly AttemptOutcome[]): Promise<ReadonlySet<AttemptOutcome>>;
  discardDelivery(deliveryId: number): Promise<void>;
  /** The queue's depth now, for metrics (queue/depth.ts). */
  queueDepth(): Promise<QueueDepth>;
  /** Drops finished deliveries older than `olderThanMs`, and idempotency keys past their 24 hours. */
  pruneDeliveries(olderThanMs: number): Promise<number>;

  /** the deliveries of callbacks held by `tidings listen` streams (queue/listeners.ts) */
  readonly listeners: ListenerQueue;

  /** the answers kept for Idempotency-Key (idempotency.ts) */
  readonly idempotency: Pick<IdempotencyKeys, 'claim' | 'finish'>;
  /** callbacks' send slots and pauses, as the worker takes them (queue/throttle.ts) */
  readonly throttles: Pick<Throttles, 'reserveSlot' | 'deferDelivery' | 'extendLease' | 'probeUnsent' | 'reviveParkedBacklogs'>;

  // moving a whole store between dialects (pnpm tidings export / import)
  /** the latest migration this store has: an export imports only into a store of the same version */
  readonly schemaVersion: number;
  /** every row of every table, parents first, read in one consistent snapshot */
  exportTables(write: (page: TableRows) => Promise<void>): Promise<Record<TableName, number>>;
  /** fills an empty store with exported rows, IDs kept, all or nothing */
  importTables(pages: AsyncIterable<TableRows>): Promise<Record<TableName, number>>;
}

/**
 * What a profile or subprofile may hold once an update has merged its fields into the stored ones: no
 * more than a single request may send (the contract's 1,000 fields; the body limit's bytes, as the
 * fields' JSON in UTF-8). Without it, updates that each fit would add up without end, and every change
 * would parse, store and send the whole record again.
 */
export interface FieldLimits {
  maxFields: number;
  maxBytes: number;
}

export const defaultFieldLimits: FieldLimits = { maxFields: 1000, maxBytes: 1024 * 1024 };

export class FieldsLimitReached extends Error {
  constructor(kind: 'profile' | 'subprofile', id: number, fields: number, bytes: number, limits: FieldLimits) {
    super(
      fields > limits.maxFields
        ? `After this update ${kind} ${id} would hold ${fields} fields; a ${kind} holds at most ${limits.maxFields}`
        : `After this update the fields of ${kind} ${id} would take ${bytes} bytes; a ${kind} holds at most ${limits.maxBytes}`,
    );
  }
}

/** Throws FieldsLimitReached when merged `fields` (and their JSON) pass `limits`. */
export function checkFieldLimits(kind: 'profile' | 'subprofile', id: number, fields: object, json: string, limits: FieldLimits): void {
  // a UTF-16 unit takes at most 3 bytes in UTF-8: most records are far below both limits
  const bytes = json.length * 3 <= limits.maxBytes ? json.length : Buffer.byteLength(json);
  const count = Object.keys(fields).length;
  if (count > limits.maxFields || bytes > limits.maxBytes) throw new FieldsLimitReached(kind, id, count, bytes, limits);
}
