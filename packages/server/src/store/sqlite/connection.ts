import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const STATEMENT_CACHE_SIZE = 500;

/** Opens the embedded store file with the settings Tidings relies on. */
export function openSqlite(dataDir: string): DatabaseSync {
  mkdirSync(dataDir, { recursive: true });
  const db = new DatabaseSync(join(dataDir, 'tidings.sqlite'));
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA busy_timeout = 5000');
  return db;
}

/**
 * node:sqlite's DatabaseSync does not match Kysely's SqliteDatabase as is (inserts throw and
 * selects silently return []), so this adapter supplies `reader` and spreads the parameter array.
 * Prepared statements are cached: preparing costs more than running a point query.
 */
export function kyselySqliteAdapter(db: DatabaseSync): SqliteDatabase & { statement(sql: string): StatementSync } {
  const cache = new Map<string, StatementSync>();
  const statement = (sql: string): StatementSync => {
    let prepared = cache.get(sql);
    if (prepared === undefined) {
      prepared = db.prepare(sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(sql, prepared);
    }
    return prepared;
  };
  return {
    statement,
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      const prepared = statement(sql);
      const args = (parameters: ReadonlyArray<unknown>) => parameters as never[];
      return {
        reader: prepared.columns().length > 0,
        all: (parameters) => prepared.all(...args(parameters)),
        run: (parameters) => prepared.run(...args(parameters)),
        iterate: (parameters) => prepared.iterate(...args(parameters)),
      };
    },
  };
}
