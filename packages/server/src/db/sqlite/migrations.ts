// Versioned migrations of the embedded store. Append only: a released migration is never edited.
export const sqliteMigrations: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE accounts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL
      );
      CREATE TABLE tokens (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        read_only INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL
      );
      CREATE TABLE databases (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL
      );
      CREATE INDEX databases_account ON databases(account_id, id);
      CREATE TABLE collections (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        database_id INTEGER NOT NULL REFERENCES databases(id) ON DELETE CASCADE,
        name TEXT NOT NULL
      );
      CREATE INDEX collections_database ON collections(database_id, id);
      CREATE TABLE profiles (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        database_id INTEGER NOT NULL REFERENCES databases(id) ON DELETE CASCADE,
        fields TEXT NOT NULL,
        interests TEXT NOT NULL,
        created TEXT NOT NULL,
        modified TEXT NOT NULL
      );
      CREATE INDEX profiles_database ON profiles(database_id, id);
      CREATE TABLE subprofiles (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        fields TEXT NOT NULL,
        created TEXT NOT NULL,
        modified TEXT NOT NULL
      );
      CREATE INDEX subprofiles_profile ON subprofiles(profile_id, collection_id, id);
      CREATE INDEX subprofiles_collection ON subprofiles(collection_id, id);
      CREATE TABLE callbacks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        database_id INTEGER NOT NULL REFERENCES databases(id) ON DELETE CASCADE,
        collection_id INTEGER REFERENCES collections(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        expression TEXT NOT NULL,
        action TEXT NOT NULL,
        method TEXT NOT NULL,
        ordering TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        disabled_reason TEXT,
        version INTEGER NOT NULL DEFAULT 1,
        failing_since INTEGER,
        created TEXT NOT NULL,
        modified TEXT NOT NULL
      );
      CREATE INDEX callbacks_database ON callbacks(database_id, collection_id, id);
      CREATE INDEX callbacks_collection ON callbacks(collection_id, id);
      CREATE TABLE callback_secrets (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        callback_id INTEGER NOT NULL REFERENCES callbacks(id) ON DELETE CASCADE,
        secret TEXT NOT NULL,
        expires_at INTEGER
      );
      CREATE INDEX callback_secrets_callback ON callback_secrets(callback_id, id);
      CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        database_id INTEGER NOT NULL REFERENCES databases(id) ON DELETE CASCADE,
        payload TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        callback_id INTEGER NOT NULL REFERENCES callbacks(id) ON DELETE CASCADE,
        event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        event_key TEXT NOT NULL,
        webhook_id TEXT NOT NULL,
        ordering_key INTEGER,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        retry_base INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        lease_until INTEGER,
        last_status_code INTEGER,
        created TEXT NOT NULL,
        modified TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX deliveries_callback ON deliveries(callback_id, id);
      CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE next_attempt_at IS NOT NULL;
      CREATE INDEX deliveries_ordering ON deliveries(callback_id, ordering_key, id) WHERE ordering_key IS NOT NULL;
      CREATE INDEX deliveries_event ON deliveries(event_id);
      CREATE INDEX deliveries_created ON deliveries(created_at);
      CREATE TABLE delivery_attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        delivery_id INTEGER NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
        time TEXT NOT NULL,
        status_code INTEGER,
        duration_ms INTEGER NOT NULL,
        error TEXT,
        response TEXT
      );
      CREATE INDEX delivery_attempts_delivery ON delivery_attempts(delivery_id, id);
    `,
  },
  {
    version: 2,
    name: 'databases keep their number of callbacks',
    // the limit on callbacks per database was checked by counting them: a scan of the index that grew
    // with every callback (creating the 50,000th read 50,000 entries)
    sql: `
      ALTER TABLE databases ADD COLUMN callback_count INTEGER NOT NULL DEFAULT 0;
      UPDATE databases SET callback_count = (SELECT count(*) FROM callbacks WHERE callbacks.database_id = databases.id);
    `,
  },
  {
    version: 3,
    name: 'databases carry a tag of their callbacks',
    // a new random value on every change to one of the database's callbacks, by any writer in any
    // process (the triggers see them all): a cached callback list is answered while its tag is the
    // database's tag (records/callback-lists.ts, list-cache.ts). Random, not a counter: a store restored from an
    // export cannot bring back a value a running process has cached. Within ±2^53: node:sqlite reads
    // larger integers only as BigInt.
    sql: `
      ALTER TABLE databases ADD COLUMN callbacks_tag INTEGER NOT NULL DEFAULT 0;
      UPDATE databases SET callbacks_tag = random() % 9007199254740991;
      CREATE TRIGGER callbacks_tag_insert AFTER INSERT ON callbacks
        BEGIN UPDATE databases SET callbacks_tag = random() % 9007199254740991 WHERE id = NEW.database_id; END;
      CREATE TRIGGER callbacks_tag_update AFTER UPDATE ON callbacks
        BEGIN UPDATE databases SET callbacks_tag = random() % 9007199254740991 WHERE id = NEW.database_id OR id = OLD.database_id; END;
      CREATE TRIGGER callbacks_tag_delete AFTER DELETE ON callbacks
        BEGIN UPDATE databases SET callbacks_tag = random() % 9007199254740991 WHERE id = OLD.database_id; END;
    `,
  },
  {
    version: 4,
    name: 'the callbacks a change goes to, found by index',
    // every change reads the enabled callbacks of its scope that listen to its action: with the
    // database's index alone that read went through all of the scope's callbacks, 4 ms for a change in a
    // database of 20,000 callbacks of which two listened (6 µs with this index)
    sql: `
      CREATE INDEX callbacks_listening ON callbacks(database_id, collection_id, action, id) WHERE disabled = 0;
    `,
  },
  {
    version: 5,
    name: 'a retry asked for during an attempt is kept for its outcome',
    // a retry asked for while an attempt is in flight cannot queue the delivery then (it would be sent
    // twice); it is noted here and applied when that attempt's outcome is recorded
    sql: `
      ALTER TABLE deliveries ADD COLUMN retry_requested INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 6,
    name: 'idempotency keys',
    // the answer to a POST or PUT sent with an Idempotency-Key, kept for 24 hours so that the same
    // request sent again (a client retrying after a lost answer) gets it again instead of acting twice;
    // status is null while the first request is still being carried out
    sql: `
      CREATE TABLE idempotency_keys (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        status INTEGER,
        headers TEXT,
        body TEXT,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, key)
      );
      CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
    `,
  },
  {
    version: 7,
    name: 'a callback signs with HMAC or Ed25519',
    // "hmac" (v1, whsec_ secrets) or "ed25519" (v1a, whsk_ secrets, whpk_ public keys): chosen when
    // the callback is made; its secrets are of that kind
    sql: `
      ALTER TABLE callbacks ADD COLUMN signing TEXT NOT NULL DEFAULT 'hmac';
    `,
  },
  {
    version: 8,
    name: 'changes while a callback is disabled are kept',
    // a change finds the disabled callbacks of its scope that listen to its action through this index
    // of those alone (few, usually none), and keeps a `missed` delivery for each, which a replay sends
    sql: `
      CREATE INDEX callbacks_disabled ON callbacks(database_id, collection_id, action, id) WHERE disabled = 1;
    `,
  },
  {
    version: 9,
    name: 'a callback may have a rate limit, which adapts to its receiver',
    // rate_limit: messages a second at most (null: none); throttle_rate: the rate now, lowered by
    // answers that ask to slow down (null: at the limit); throttle_cut_at: the last time it was
    // lowered (once a second at most); throttle_next_at: when the next message may go (epoch ms,
    // fractional: slots are 1000 / rate ms apart, taken by every worker from this one row);
    // paused_until: a Retry-After holds every message of the callback until then, and so does a
    // receiver that gave no answer at all unreachable_streak times in a row (the circuit breaker,
    // which has tripped breaker_trips times since the last answer)
    sql: `
      ALTER TABLE callbacks ADD COLUMN rate_limit INTEGER;
      ALTER TABLE callbacks ADD COLUMN throttle_rate REAL;
      ALTER TABLE callbacks ADD COLUMN throttle_cut_at INTEGER;
      ALTER TABLE callbacks ADD COLUMN throttle_next_at REAL;
      ALTER TABLE callbacks ADD COLUMN unreachable_streak INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE callbacks ADD COLUMN breaker_trips INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE callbacks ADD COLUMN paused_until INTEGER;
    `,
  },
  {
    version: 10,
    name: 'an event keeps the trace context of the change',
    // the W3C traceparent of the request that made the change, when tracing is on (tracing.ts): its
    // delivery attempts are spans of that trace, and receivers get their traceparent; null otherwise
    sql: `
      ALTER TABLE events ADD COLUMN traceparent TEXT;
    `,
  },
  {
    version: 11,
    name: 'a callback may be listened to by `tidings listen`',
    // listened_until: epoch ms until which a listener holds the callback (the worker leaves its
    // deliveries to the listener's stream meanwhile); via: 'listener' on an attempt a listener made
    sql: `
      ALTER TABLE callbacks ADD COLUMN listened_until INTEGER;
      ALTER TABLE delivery_attempts ADD COLUMN via TEXT;
    `,
  },
  {
    version: 12,
    name: 'deliveries wait parked while their callback\'s breaker is open',
    // deliveries parked while their callback's circuit breaker is open (queue/parking.ts): open, with
    // no due time. An index of those alone: empty while no breaker is open, so it costs the hot path
    // nothing, and finds a parked backlog's probe and releases it without reading finished rows
    sql: `
      CREATE INDEX deliveries_parked ON deliveries(callback_id, id) WHERE next_attempt_at IS NULL AND status IN ('pending', 'failed');
    `,
  },
  {
    version: 13,
    name: 'a claim leases its deliveries without touching their indexes',
    // PostgreSQL drops deliveries_leased here (postgres/migrations.ts), so that a claim's lease is a
    // heap-only update. The embedded store never had an index of leases, and SQLite rewrites only the
    // indexes of the columns an update changes. The same version on both stores keeps an export of
    // either importable into the other.
    sql: `
      -- nothing to change on the embedded store
    `,
  },
  {
    version: 14,
    name: 'no index of events and deliveries by account',
    // PostgreSQL drops two indexes here (postgres/migrations.ts) that the embedded store never had
    sql: `
      -- nothing to change on the embedded store
    `,
  },
  {
    version: 15,
    name: 'no index of deliveries by creation time',
    // Pruning and replay find a time's rows as an ID range of the primary key now (queue/prune.ts,
    // upperIdBound, lowerIdBound): IDs grow with time. The index cost every delivery an entry when it
    // was queued.
    sql: `
      DROP INDEX deliveries_created;
    `,
  },
  {
    version: 16,
    name: 'a claim finds due deliveries callback by callback',
    // A claim that meets a backlog it cannot take from (a callback whose slots are full: a slow
    // receiver, or one held by its rate limit) looks callback by callback instead of reading on
    // through the backlog (queue/sqlite/choose.ts): the next callback with a due time is one seek here,
    // and so are its earliest due deliveries. Only deliveries with a due time have an entry.
    sql: `
      CREATE INDEX deliveries_callback_due ON deliveries(callback_id, next_attempt_at) WHERE next_attempt_at IS NOT NULL;
    `,
  },
];
