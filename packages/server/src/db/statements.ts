// The hot queries (reads by ID, the outbox, claims, attempt records): Kysely builds and compiles each
// one once, then every call runs the cached SQL with its own parameters. Building and compiling cost
// more than running a point query on SQLite (the benchmarks' profiles showed Kysely at 23% of a
// delivery's CPU), and on SQLite a statement inside a transaction skips Kysely's driver altogether:
// node:sqlite is synchronous, and the transaction already holds the store's only connection. Outside
// any transaction a statement runs there directly too when no transaction is open on the connection
// (another request's, between two of its awaits): it reads what is committed, as it would through Kysely.
import { CompiledQuery, type Compilable, type Kysely, type Transaction } from 'kysely';
import type { StatementSync } from 'node:sqlite';
import type { Schema } from './schema.ts';
import { withoutNul } from './text.ts';

type Db = Kysely<Schema> | Transaction<Schema>;

export interface SqliteConnection {
  /** a prepared statement, cached */
  statement(sql: string): StatementSync;
  /** whether a transaction is open on the connection */
  inTransaction(): boolean;
  /** runs SQL without parameters or results (savepoints) */
  exec(sql: string): void;
}

export class Statements {
  readonly #sql = new Map<string, string>();
  readonly #sqlite: SqliteConnection | undefined;
  readonly #onCompiled: ((sql: string) => void) | undefined;

  /**
   * `sqlite` is the embedded store's connection; absent for PostgreSQL, which is told each hot
   * query's SQL instead (`onCompiled`), to run it as a prepared statement.
   */
  constructor(sqlite?: SqliteConnection, onCompiled?: (sql: string) => void) {
    this.#sqlite = sqlite;
    this.#onCompiled = onCompiled;
  }

  #direct(db: Db): SqliteConnection | undefined {
    const sqlite = this.#sqlite;
    return sqlite !== undefined && (db.isTransaction || !sqlite.inTransaction()) ? sqlite : undefined;
  }

  /**
   * Runs the query `key` names with `parameters`, given in the order the built query takes them.
   * `build` runs on the first call only, with that call's values: the parameters it compiles to must be
   * exactly `parameters`, which catches a wrong order (or a forgotten parameter) the first time the
   * query runs. A query whose shape varies (an `in` list) needs a key per shape.
   */
  async rows<Row>(db: Db, key: string, build: () => Compilable<Row>, parameters: readonly unknown[]): Promise<Row[]> {
    const values = parameters.map(withoutNul);
    let sql = this.#sql.get(key);
    if (sql === undefined) {
      const compiled = build().compile();
      const mismatch =
        compiled.parameters.length !== values.length || compiled.parameters.some((value, index) => value !== values[index]);
      if (mismatch) {
        throw new Error(`statement ${key}: built with [${compiled.parameters.join(', ')}], called with [${values.join(', ')}]`);
      }
      sql = compiled.sql;
      this.#sql.set(key, sql);
      this.#onCompiled?.(sql);
    }
    const direct = this.#direct(db);
    if (direct !== undefined) return direct.statement(sql).all(...(values as never[])) as Row[];
    return (await db.executeQuery<Row>(CompiledQuery.raw(sql, values))).rows;
  }

  /**
   * Reads rows until `take` returns false. On SQLite the rows come one at a time, so a scan that
   * stops early does not pay for turning the rest into objects (≈ 2 µs a row).
   */
  async scan<Row>(
    db: Db,
    key: string,
    build: () => Compilable<Row>,
    parameters: readonly unknown[],
    take: (row: Row) => boolean,
  ): Promise<void> {
    const direct = this.#direct(db);
    if (direct !== undefined && this.#sql.has(key)) {
      const sql = this.#sql.get(key) as string;
      for (const row of direct.statement(sql).iterate(...(parameters.map(withoutNul) as never[]))) {
        if (!take(row as Row)) return;
      }
      return;
    }
    for (const row of await this.rows(db, key, build, parameters)) if (!take(row)) return;
  }

  /** The SQL of every hot query compiled so far, by key: what queries.test.ts writes to src/db/queries/. */
  compiled(): ReadonlyMap<string, string> {
    return this.#sql;
  }

  async first<Row>(db: Db, key: string, build: () => Compilable<Row>, parameters: readonly unknown[]): Promise<Row | undefined> {
    const sql = this.#sql.get(key);
    const direct = sql === undefined ? undefined : this.#direct(db);
    // one row: node:sqlite's get() builds no array around it
    if (direct !== undefined) return direct.statement(sql as string).get(...(parameters.map(withoutNul) as never[])) as Row | undefined;
    return (await this.rows(db, key, build, parameters))[0];
  }
}

