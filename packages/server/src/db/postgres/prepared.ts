// The PostgreSQL hot path (records/postgres/write-change.ts, queue/postgres/claim.ts and record.ts): each operation is one statement in
// a .sql file beside its module, read once at start and run as a named prepared statement, so every
// connection of the pool parses and plans it once. Each runs on its own (autocommit): no BEGIN and
// no COMMIT, one round trip.
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { withoutNul } from '../text.ts';

export interface SqlStatement {
  name: string;
  text: string;
}

/** The statement in the .sql file `file` (beside the module that runs it); its name is the file's, prefixed. */
export function sqlStatement(file: URL): SqlStatement {
  const base = file.pathname.slice(file.pathname.lastIndexOf('/') + 1);
  return { name: `tidings_${base.replace(/\.sql$/, '').replaceAll('-', '_')}`, text: readFileSync(file, 'utf8') };
}

/** What runs a statement: the store's pool (each call may get another connection). */
export type Runner = <Row>(statement: SqlStatement, values: readonly unknown[]) => Promise<Row[]>;

/**
 * Strings lose U+0000 (PostgreSQL's text cannot hold it: text.ts), in arrays too: the receiver's
 * reply to an attempt is untrusted and may contain one.
 */
function bindable(value: unknown): unknown {
  return Array.isArray(value) ? value.map(withoutNul) : withoutNul(value);
}

export function poolRunner(pool: pg.Pool): Runner {
  return async <Row>(statement: SqlStatement, values: readonly unknown[]) =>
    (await pool.query({ name: statement.name, text: statement.text, values: values.map(bindable) })).rows as Row[];
}

/** PostgreSQL's deadlock_detected and serialization_failure: the statement was rolled back whole. */
export function isTransientConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}

/** foreign_key_violation: a row the statement refers to (a database, a callback) went meanwhile */
export function isGoneReference(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23503';
}

/** What a change or a record queued, for the caller to tell its own process. */
export interface Queued {
  callbacks: number[];
}

/** The NOTIFY channel and the payload naming this store (notifications.ts). */
export interface Signal {
  channel: string;
  origin: string;
}
