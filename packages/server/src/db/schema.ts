// Table types shared by both stores (embedded SQLite and PostgreSQL). Booleans are 0/1 integers
// and times are either API timestamps (text) or epoch milliseconds (numbers) in both dialects.
import type { Generated } from 'kysely';

export interface AccountsTable {
  id: Generated<number>;
  name: string;
  created: string;
}

export interface TokensTable {
  id: Generated<number>;
  account_id: number;
  token_hash: string;
  read_only: number;
  created: string;
}

export interface DatabasesTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  description: string;
  created: string;
  /** how many callbacks the database and its collections have, kept by the store */
  callback_count: Generated<number>;
  /** a new random value whenever one of the database's callbacks changes, set by triggers */
  callbacks_tag: Generated<number | string>;
}

export interface CollectionsTable {
  id: Generated<number>;
  account_id: number;
  database_id: number;
  name: string;
}

export interface ProfilesTable {
  id: Generated<number>;
  account_id: number;
  database_id: number;
  fields: string;
  interests: string;
  created: string;
  modified: string;
}

export interface SubprofilesTable {
  id: Generated<number>;
  account_id: number;
  profile_id: number;
  collection_id: number;
  fields: string;
  created: string;
  modified: string;
}

export interface CallbacksTable {
  id: Generated<number>;
  account_id: number;
  database_id: number;
  collection_id: number | null;
  url: string;
  expression: string;
  action: string;
  method: string;
  ordering: string;
  /** 'hmac' or 'ed25519' (secrets.ts) */
  signing: Generated<string>;
  disabled: number;
  disabled_reason: string | null;
  version: number;
  failing_since: number | null;
  /** messages a second at most, null for no limit (queue/throttle.ts has the rest) */
  rate_limit: number | null;
  throttle_rate: Generated<number | null>;
  throttle_cut_at: Generated<number | null>;
  throttle_next_at: Generated<number | null>;
  paused_until: Generated<number | null>;
  /** attempts in a row that got no answer at all (refused, reset, timed out): see queue/throttle.ts */
  unreachable_streak: Generated<number>;
  breaker_trips: Generated<number>;
  /** epoch ms until which a `tidings listen` stream holds the callback (listen/), else null */
  listened_until: Generated<number | null>;
  created: string;
  modified: string;
}

export interface CallbackSecretsTable {
  id: Generated<number>;
  callback_id: number;
  secret: string;
  /** null for the current secret; epoch ms after which a rotated-out secret stops signing */
  expires_at: number | null;
}

export interface EventsTable {
  id: Generated<number>;
  account_id: number;
  database_id: number;
  /** the JSON message, exactly as sent with method json */
  payload: string;
  created_at: number;
  /** the W3C traceparent of the request that made the change; null when tracing was off */
  traceparent: string | null;
}

export interface DeliveriesTable {
  id: Generated<number>;
  account_id: number;
  callback_id: number;
  event_id: number;
  event_key: string;
  webhook_id: string;
  /** the profile ID for callbacks with ordering "profile", else null */
  ordering_key: number | null;
  status: string;
  attempts: number;
  /** attempts made before the last manual retry; the retry schedule restarts from there */
  retry_base: number;
  next_attempt_at: number | null;
  lease_until: number | null;
  /** 1 when a retry was asked for while an attempt was in flight: applied when its outcome is recorded */
  retry_requested: Generated<number>;
  last_status_code: number | null;
  created: string;
  modified: string;
  created_at: number;
}

export interface DeliveryAttemptsTable {
  id: Generated<number>;
  delivery_id: number;
  time: string;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  response: string | null;
  /** 'listener' for an attempt a `tidings listen` made; null for one sent to the callback's URL */
  via: Generated<string | null>;
}

export interface IdempotencyKeysTable {
  account_id: number;
  key: string;
  /** SHA-256 of the method, path and body of the first request that used the key */
  fingerprint: string;
  /** null while the first request is being carried out */
  status: number | null;
  /** the answer's headers as a JSON object */
  headers: string | null;
  body: string | null;
  created_at: number;
}

export interface Schema {
  accounts: AccountsTable;
  tokens: TokensTable;
  databases: DatabasesTable;
  collections: CollectionsTable;
  profiles: ProfilesTable;
  subprofiles: SubprofilesTable;
  callbacks: CallbacksTable;
  callback_secrets: CallbackSecretsTable;
  events: EventsTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  idempotency_keys: IdempotencyKeysTable;
}
