import { Kysely, SqliteDialect } from 'kysely';
import type { Clock } from '../../clock.ts';
import { KyselyStore } from '../../records/kysely-store.ts';
import type { Schema } from '../schema.ts';
import type { TransactionTracing } from '../connection.ts';
import { replaceNulInText } from '../text.ts';
import { join } from 'node:path';
import { BACKSTOP_CHECKPOINT_PAGES, startCheckpointer, WAL_SIZE_LIMIT_BYTES, type Checkpointer } from './checkpointer.ts';
import { kyselySqliteAdapter, openSqlite, SQLITE_FILE } from './connection.ts';
import { sqliteMigrations } from './migrations.ts';

/** The embedded store: one SQLite file in dataDir, migrated on open unless `migrate` is false. */
export async function openSqliteStore(
  dataDir: string,
  clock: Clock,
  options: {
    firstAttemptDelayMs?: number;
    migrate?: boolean;
    /** WAL checkpoints in a thread of their own (checkpointer.ts): what the server process does */
    backgroundCheckpoints?: boolean;
    onError?: (message: string) => void;
    /** told the SQL of each hot query (statements.ts) when it is first compiled: what tests inspect */
    onHotQuery?: (sql: string) => void;
    tracing?: TransactionTracing;
  } = {},
): Promise<KyselyStore> {
  const raw = openSqlite(dataDir);
  let checkpointer: Checkpointer | undefined;
  if (options.backgroundCheckpoints === true) {
    raw.exec(`PRAGMA wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
    // once checkpointed in full, the WAL starts over from its beginning; beyond this it is cut back then
    raw.exec(`PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    checkpointer = startCheckpointer(join(dataDir, SQLITE_FILE), options.onError ?? ((message) => console.error(`tidings sqlite: ${message}`)));
  }
  const adapter = kyselySqliteAdapter(raw);
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: adapter }), plugins: [replaceNulInText] });

  const migrate = async (): Promise<number[]> => {
    raw.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL)');
    const applied = new Set(
      (raw.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((row) => row.version),
    );
    const ran: number[] = [];
    for (const migration of sqliteMigrations) {
      if (applied.has(migration.version)) continue;
      // BEGIN IMMEDIATE takes the write lock first, so two processes starting at once cannot both apply it
      raw.exec('BEGIN IMMEDIATE');
      try {
        const again = raw.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version);
        if (!again) {
          raw.exec(migration.sql);
          raw
            .prepare('INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)')
            .run(migration.version, migration.name, new Date(clock.now()).toISOString());
          ran.push(migration.version);
        }
        raw.exec('COMMIT');
      } catch (error) {
        raw.exec('ROLLBACK');
        throw error;
      }
    }
    return ran;
  };

  const store = new KyselyStore({
    db,
    dialect: 'sqlite',
    schemaVersion: Math.max(...sqliteMigrations.map((migration) => migration.version)),
    clock,
    ...(options.firstAttemptDelayMs !== undefined && { firstAttemptDelayMs: options.firstAttemptDelayMs }),
    ...(options.onHotQuery && { onHotQuery: options.onHotQuery }),
    ...(options.tracing && { tracing: options.tracing }),
    migrate,
    sqlite: { statement: adapter.statement, inTransaction: () => raw.isTransaction, exec: (sql) => raw.exec(sql) },
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  });
  if (options.migrate ?? true) await store.migrate();
  return store;
}
