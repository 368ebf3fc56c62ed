// The connection as the repositories (records/, queue/) use it, for both dialects: Kysely, the hot
// statements (statements.ts), the clock, and the transactions of writes. A write may queue deliveries:
// other processes hear of them on commit, this one right after.
import type { Kysely, Transaction } from 'kysely';
import { formatTimestamp, type Clock } from '../clock.ts';
import type { Schema } from './schema.ts';
import { Statements, type SqliteConnection } from './statements.ts';
import type { Runner, Signal } from './postgres/prepared.ts';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Schema> | Transaction<Schema>;
/** what a write queued: the callbacks it queued deliveries for */
export type Queued = { callbacks: Set<number> };
type WriteWork<T> = (trx: Transaction<Schema>, queued: Queued) => Promise<T>;

/**
 * What the embedded store's group commit adds at the end of a shared transaction that queued
 * deliveries (the worker's joined claim, queue/claims.ts): `run` inside the transaction, in a savepoint
 * of its own; `failed` when it threw (its writes are undone); `done` once the transaction is over,
 * before the commit is announced, with whether it committed.
 */
export interface TransactionTail {
  run(trx: Transaction<Schema>): Promise<void>;
  failed(): void;
  done(committed: boolean): void;
}

/** A store transaction's span (tracing.ts): its work runs inside it, so what it queues carries its trace context. */
export interface TransactionSpan {
  bind<F extends (...args: never[]) => unknown>(work: F): F;
  end(error?: unknown): void;
}

/** What the store asks of tracing (tracing.ts), when it is on. */
export interface TransactionTracing {
  /** null outside a traced request */
  transaction(dialect: Dialect): TransactionSpan | null;
  /** the W3C traceparent of the span the caller runs in */
  traceparent(): string | null;
  /** runs `work` outside any trace */
  detached(work: () => void): void;
}

export interface ConnectionOptions {
  db: Kysely<Schema>;
  dialect: Dialect;
  clock: Clock;
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
  /**
   * PostgreSQL's hot path (queue/postgres/: write-change, claim, record): one statement a step; and
   * `vacuum`, which starts a VACUUM (ANALYZE) of a table in the background (queue/parking.ts)
   */
  postgres?: { run: Runner; signal: Signal; vacuum(table: 'deliveries'): void };
  /** set when tracing is on: spans of the transactions made for a request, and their trace context */
  tracing?: TransactionTracing;
}

interface PendingWrite {
  work: WriteWork<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** writes sharing one transaction of the embedded store at most */
const WRITE_BATCH = 64;

export class Connection {
  readonly db: Kysely<Schema>;
  readonly dialect: Dialect;
  readonly clock: Clock;
  readonly statements: Statements;
  /** set on PostgreSQL: the hot path's statements run through it (queue/postgres/) */
  readonly postgres: ConnectionOptions['postgres'];
  readonly #crossProcess: ConnectionOptions['crossProcess'];
  readonly #sqlite: SqliteConnection | undefined;
  readonly #tracing: TransactionTracing | undefined;
  readonly #queuedListeners: Array<(callbackIds: ReadonlySet<number> | null) => void> = [];
  #tail: (() => TransactionTail | null) | null = null;
  /** the embedded store's writes waiting for the next shared transaction (see #writeTogether) */
  readonly #pendingWrites: PendingWrite[] = [];
  #writing = false;

  constructor(options: ConnectionOptions) {
    this.db = options.db;
    this.dialect = options.dialect;
    this.clock = options.clock;
    this.#crossProcess = options.crossProcess;
    this.postgres = options.postgres;
    this.statements = new Statements(options.sqlite, options.onHotQuery);
    this.#sqlite = options.sqlite;
    this.#tracing = options.tracing;
  }

  /** The trace context a change stores with its event: null when tracing is off or no request is traced. */
  traceparent(): string | null {
    return this.#tracing?.traceparent() ?? null;
  }

  /** Runs a write of PostgreSQL's hot path (no transaction of write()'s) under a store span when traced. */
  traced<T>(work: () => Promise<T>): Promise<T> {
    const span = this.#tracing?.transaction(this.dialect) ?? null;
    return span === null ? work() : ended(span, span.bind(work)());
  }

  now(): { ms: number; stamp: string } {
    const ms = this.clock.now();
    return { ms, stamp: formatTimestamp(ms) };
  }

  /** Called after a commit queued new deliveries; null when another process queued them. */
  onDeliveriesQueued(listener: (callbackIds: ReadonlySet<number> | null) => void): void {
    this.#queuedListeners.push(listener);
    // another process's signal does not say for which callbacks
    if (this.#queuedListeners.length === 1) this.#crossProcess?.listen(() => this.#announceQueued(null));
  }

  /** What the embedded store's shared transactions that queued deliveries end with (the last one given). */
  endWritesWith(tail: () => TransactionTail | null): void {
    this.#tail = tail;
  }

  /** What a statement of PostgreSQL's hot path queued (it notified other processes itself): this one hears of it too. */
  told(callbackIds: readonly number[]): void {
    if (callbackIds.length > 0) this.#announceQueued(new Set(callbackIds));
  }

  #announceQueued(callbackIds: ReadonlySet<number> | null): void {
    // the claims a commit wakes belong to no request's trace
    if (this.#tracing !== undefined) this.#tracing.detached(() => this.#tellQueued(callbackIds));
    else this.#tellQueued(callbackIds);
  }

  #tellQueued(callbackIds: ReadonlySet<number> | null): void {
    for (const listener of this.#queuedListeners) listener(callbackIds);
  }

  /**
   * A write (that may queue deliveries: other processes hear of them on commit, this one right after).
   * The worker's claims and records are writes too.
   */
  write<T>(work: WriteWork<T>): Promise<T> {
    const span = this.#tracing?.transaction(this.dialect) ?? null;
    // the embedded store's group commit runs the work later, in another write's turn: bound to its own span
    return span === null ? this.#write(work) : ended(span, this.#write(span.bind(work)));
  }

  #write<T>(work: WriteWork<T>): Promise<T> {
    const sqlite = this.#sqlite;
    if (sqlite === undefined) return this.#writeAlone(work);
    return new Promise<T>((resolve, reject) => {
      this.#pendingWrites.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.#writing) return;
      this.#writing = true;
      // the shared transaction, and the worker's claim and attempts that follow it, are no one request's
      if (this.#tracing !== undefined) this.#tracing.detached(() => setImmediate(() => void this.#writeTogether(sqlite)));
      else setImmediate(() => void this.#writeTogether(sqlite));
    });
  }

  async #writeAlone<T>(work: WriteWork<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const queued: Queued = { callbacks: new Set() };
      try {
        const result = await this.db.transaction().execute(async (trx) => {
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
        // the worker's claim of what these writes queued, in their transaction (see endWritesWith)
        const join: { tail: TransactionTail | null } = { tail: null };
        try {
          await this.db.transaction().execute(async (trx) => {
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
            const tail = queued.callbacks.size > 0 ? (this.#tail?.() ?? null) : null;
            join.tail = tail;
            if (tail !== null) {
              sqlite.exec('SAVEPOINT tidings_write');
              try {
                await tail.run(trx);
                sqlite.exec('RELEASE tidings_write');
              } catch (error) {
                if (!sqlite.inTransaction()) throw error;
                // the deliveries stay unleased, for the claim the announcement wakes
                sqlite.exec('ROLLBACK TO tidings_write');
                sqlite.exec('RELEASE tidings_write');
                tail.failed();
              }
            }
          });
        } catch (error) {
          // the commit itself failed: nothing of the batch was written
          join.tail?.done(false);
          for (const pending of batch) pending.reject(error);
          continue;
        }
        try {
          join.tail?.done(true);
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
}

function ended<T>(span: TransactionSpan, written: Promise<T>): Promise<T> {
  return written.then(
    (value) => {
      span.end();
      return value;
    },
    (error: unknown) => {
      span.end(error);
      throw error;
    },
  );
}

/** PostgreSQL's deadlock_detected and serialization_failure: the transaction was rolled back whole. */
function isTransientConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}
