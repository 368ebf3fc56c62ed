import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { randomText } from '../../random.ts';
import type { Clock } from '../../clock.ts';
import { KyselyStore } from '../../records/kysely-store.ts';
import type { Schema } from '../schema.ts';
import type { TransactionTracing } from '../connection.ts';
import { replaceNulInText } from '../text.ts';
import { postgresMigrations } from './migrations.ts';
import { DELIVERIES_CHANNEL, DeliveriesListener, notifyDeliveriesQueued } from './notifications.ts';
import { poolRunner } from './prepared.ts';

/** Any fixed number: every Tidings process takes this advisory lock to migrate, so one migrates at a time. */
const MIGRATION_LOCK = 7_348_112_906;

/** how long the client waits for a migration (or for another process's) before it gives up */
const MIGRATION_TIMEOUT_MS = 3600_000;

/** pg reads query_timeout from a query's config as well as from the client's; its types omit it */
function migrationQuery(text: string, values: unknown[] = []): pg.QueryConfig {
  return { text, values, query_timeout: MIGRATION_TIMEOUT_MS } as pg.QueryConfig;
}

const INT8_OID = 20;

/**
 * int8 (BIGINT ids, epoch-ms times, count(*)) as a JS number instead of pg's default string. Scoped to
 * the clients Tidings creates, not set globally. Every value Tidings stores is below 2^53.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PostgresStoreOptions {
  /** connections in the pool of this process (the LISTEN connection of a worker comes on top) */
  poolSize?: number;
  /**
   * The longest a statement may run (PostgreSQL's statement_timeout; default 5 s): a lock held for
   * long or a stalled server makes requests answer 503 store_unavailable instead of waiting. The
   * client gives up on its own 5 s later, for a server that does not answer at all.
   */
  statementTimeoutMs?: number;
  firstAttemptDelayMs?: number;
  /** apply pending migrations on open (default true); `pnpm tidings migrate` opens without */
  migrate?: boolean;
  /** what goes wrong in the background: idle connections lost, the LISTEN connection dropped */
  onError?: (message: string) => void;
  /** spans of the store transactions made for traced requests (tracing.ts) */
  tracing?: TransactionTracing;
}

/**
 * The pool as Kysely sees it, with the hot queries (statements.ts) run as prepared statements: each
 * connection parses and plans one once, instead of on every call (the claim's plan alone cost more
 * than running it). `hotQueries` maps their SQL to a statement name. A connection whose query the
 * client gave up on (no answer within query_timeout) is closed when released rather than reused: its
 * next query would queue behind the one still running.
 */
function preparing(pool: pg.Pool, hotQueries: ReadonlyMap<string, string>): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    options: pool.options,
    end: () => pool.end(),
    connect: async () => {
      const client = await pool.connect();
      let wrapped = clients.get(client);
      if (wrapped === undefined) {
        let stuck = false;
        const noteStuck = (error: unknown) => {
          if ((error as Error).message === 'Query read timeout') stuck = true;
          throw error;
        };
        wrapped = {
          processID: (client as pg.PoolClient & { processID?: number }).processID,
          release: (destroy?: boolean) => client.release(destroy || stuck),
          query: ((query: unknown, values?: unknown[]) => {
            const name = typeof query === 'string' ? hotQueries.get(query) : undefined;
            const running = name === undefined ? client.query(query as never, values as never) : client.query({ name, text: query as string, values: values ?? [] });
            return (running as Promise<unknown>).catch(noteStuck);
          }) as unknown as PostgresPoolClient['query'],
        };
        clients.set(client, wrapped);
      }
      return wrapped;
    },
  };
}

/**
 * What every new connection of the pool gets before its first query (pg queues queries per client).
 * No JIT compilation: Tidings' statements are short, and PostgreSQL compiles one whose estimated
 * cost passes jit_above_cost on every run. A claim planned while the statistics still counted a
 * large backlog as due (estimated cost ≈ 630,000) spent 545 ms compiling and 1 ms running, on every
 * claim (auto_explain in the backlog benchmark).
 */
export function configureConnection(client: pg.ClientBase, onError: (message: string) => void): void {
  client.on('error', (error) => onError(`connection lost: ${error.message}`));
  client.query('SET jit = off').catch((error: Error) => onError(`cannot turn JIT off: ${error.message}`));
}

/** The PostgreSQL store: a pool over DATABASE_URL, migrated on open under an advisory lock. */
export async function openPostgresStore(url: string, clock: Clock, options: PostgresStoreOptions = {}): Promise<KyselyStore> {
  const onError = options.onError ?? ((message: string) => console.error(`tidings postgres: ${message}`));
  const statementTimeoutMs = options.statementTimeoutMs ?? 5000;
  const clientConfig: pg.ClientConfig = {
    connectionString: url,
    types,
    application_name: 'tidings',
    // also the longest a request waits for a free connection of the pool
    connectionTimeoutMillis: 5_000,
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + 5_000,
  };
  const pool = new pg.Pool({ ...clientConfig, max: options.poolSize ?? 10 });
  // An idle connection that the server closes (restart, failover) is dropped from the pool: the pool
  // listens for that. A connection checked out (mid-transaction, or between two queries of one) has
  // no listener of the pool's, and an 'error' event nobody listens to ends the process: this one is
  // every connection's for its whole life. The query under way fails on its own and reaches its caller.
  pool.on('error', (error) => onError(`idle connection lost: ${error.message}`));
  pool.on('connect', (client) => configureConnection(client, onError));
  const hotQueries = new Map<string, string>();
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: preparing(pool, hotQueries) }), plugins: [replaceNulInText] });
  const listeners: DeliveriesListener[] = [];

  const migrate = async (): Promise<number[]> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // a migration (an index over a large table) may take longer than a request's statement may
      await client.query('SET LOCAL statement_timeout = 0');
      // one process at a time; the others wait here and then find everything applied
      await client.query(migrationQuery('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]));
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)',
      );
      const applied = new Set(
        (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version),
      );
      const ran: number[] = [];
      for (const migration of postgresMigrations) {
        if (applied.has(migration.version)) continue;
        await client.query(migrationQuery(migration.sql));
        await client.query('INSERT INTO schema_migrations (version, name, applied) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          new Date(clock.now()).toISOString(),
        ]);
        ran.push(migration.version);
      }
      await client.query('COMMIT');
      return ran;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  // A VACUUM (ANALYZE) after a large backlog was parked (queue/parking.ts): in the background, one at a
  // time per process (a request while one runs is served by it), on a connection of its own, so that
  // it takes no slot of the pool and neither the statement time limit nor the client's applies. What
  // PostgreSQL says of it (a role that does not own the table gets a warning and no vacuum) is logged.
  let vacuuming: pg.Client | null = null;
  let closing = false;
  const vacuum = (table: 'deliveries'): void => {
    if (vacuuming !== null || closing) return;
    const client = new pg.Client({ ...clientConfig, application_name: 'tidings vacuum', statement_timeout: undefined, query_timeout: undefined });
    vacuuming = client;
    client.on('error', () => undefined);
    client.on('notice', (notice) => onError(`vacuum of ${table}: ${notice.message}`));
    void (async () => {
      try {
        await client.connect();
        await client.query('SET statement_timeout = 0');
        await client.query(`VACUUM (ANALYZE) ${table}`);
      } catch (error) {
        if (!closing) onError(`vacuum of ${table} failed: ${(error as Error).message}`);
      } finally {
        vacuuming = null;
        await client.end().catch(() => undefined);
      }
    })();
  };

  // names this store's own signals (notifications.ts)
  const origin = randomText(12, 'base64url');
  const store = new KyselyStore({
    db,
    dialect: 'postgres',
    schemaVersion: Math.max(...postgresMigrations.map((migration) => migration.version)),
    clock,
    ...(options.firstAttemptDelayMs !== undefined && { firstAttemptDelayMs: options.firstAttemptDelayMs }),
    ...(options.tracing && { tracing: options.tracing }),
    migrate,
    onHotQuery: (sql) => hotQueries.set(sql, `tidings_${hotQueries.size + 1}`),
    postgres: { run: poolRunner(pool), signal: { channel: DELIVERIES_CHANNEL, origin }, vacuum },
    crossProcess: {
      announce: (trx) => notifyDeliveriesQueued(trx, origin),
      listen: (signal) => {
        const listener = new DeliveriesListener(clientConfig, signal, onError, origin);
        listeners.push(listener);
        listener.start();
      },
    },
    close: async () => {
      // a vacuum under way is cut off (PostgreSQL rolls nothing back: it is simply not finished)
      closing = true;
      await vacuuming?.end().catch(() => undefined);
      await Promise.all(listeners.map((listener) => listener.close()));
      await db.destroy();
      // Kysely ends the pool only if it ever used it; migrations alone go around it
      if (!pool.ending) await pool.end();
    },
  });
  try {
    if (options.migrate ?? true) await store.migrate();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
