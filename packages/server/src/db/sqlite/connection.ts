import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const STATEMENT_CACHE_SIZE = 500;

/** the embedded store's file inside the data directory */
export const SQLITE_FILE = 'tidings.sqlite';

/** Opens the embedded store file with the settings Tidings relies on. */
export function openSqlite(dataDir: string): DatabaseSync {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, SQLITE_FILE);
  // SQLite would open a file it cannot write and fail on the first write, or fail with "unable to
  // open database file": say which directory and why, before anything else
  for (const path of existsSync(file) ? [dataDir, file] : [dataDir]) {
    try {
      accessSync(path, constants.W_OK);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'EROFS' ? 'it is on a read-only file system' : (error as Error).message;
      throw new Error(`the embedded store cannot write to ${path} (TIDINGS_DATA_DIR): ${reason}`);
    }
  }
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA busy_timeout = 5000');
  // a 16 MB page cache keeps the hot pages in memory; no mmap: mapped pages of a file that grows with
  // every delivery showed up as RSS growing with it (bench memory case)
  db.exec('PRAGMA cache_size = -16384');
  db.exec('PRAGMA temp_store = MEMORY');
  return db;
}

/**
 * node:sqlite's DatabaseSync does not match Kysely's SqliteDatabase as is (inserts throw and
 * selects silently return []), so this adapter supplies `reader` and spreads the parameter array.
 * Prepared statements are cached: preparing costs more than running a point query.
 */
export function kyselySqliteAdapter(db: DatabaseSync): SqliteDatabase & { statement(sql: string): StatementSync } {
  const cache = new Map<string, SqliteStatement & { prepared: StatementSync }>();
  const adapted = (sql: string) => {
    let entry = cache.get(sql);
    if (entry === undefined) {
      const prepared = db.prepare(sql);
      const rollback = /^rollback$/i.test(sql.trim());
      entry = {
        prepared,
        // columns() allocates a descriptor per column: ask once per statement, not per run
        reader: prepared.columns().length > 0,
        all: (parameters) => prepared.all(...(parameters as never[])),
        // SQLite rolls a transaction back by itself when a write fails for want of disk space (or
        // memory, or on an I/O error): Kysely's ROLLBACK then finds none and its error ("no
        // transaction is active") would take the place of the one that says what happened
        run: rollback && !db.isTransaction ? () => ({ changes: 0, lastInsertRowid: 0 }) : (parameters) => prepared.run(...(parameters as never[])),
        iterate: (parameters) => prepared.iterate(...(parameters as never[])),
      };
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(sql, entry);
    }
    return entry;
  };
  return {
    statement: (sql) => adapted(sql).prepared,
    close: () => db.close(),
    prepare: adapted,
  };
}
