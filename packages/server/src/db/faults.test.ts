import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { storeFault } from './faults.ts';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('storeFault', () => {
  it('takes a refused or reset connection to PostgreSQL for the store being away', async () => {
    // a port nothing listens on: the error pg really throws
    const client = new pg.Client({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 2000 });
    const refused = await client.connect().then(
      () => null,
      (error: unknown) => error,
    );
    expect(storeFault(refused)).toEqual({ kind: 'unavailable', reason: 'PostgreSQL cannot be reached (ECONNREFUSED)' });
    expect(storeFault(new Error('Connection terminated unexpectedly'))?.kind).toBe('unavailable');
    expect(storeFault(new Error('timeout exceeded when trying to connect'))?.kind).toBe('unavailable');
    expect(storeFault(withCode('read ECONNRESET', 'ECONNRESET'))?.kind).toBe('unavailable');
  });

  it('tells PostgreSQL shutting down, starting, a statement time-out and a full disk apart from bugs', () => {
    expect(storeFault(withCode('terminating connection due to administrator command', '57P01'))?.reason).toBe('PostgreSQL is shutting down');
    expect(storeFault(withCode('the database system is starting up', '57P03'))?.kind).toBe('unavailable');
    expect(storeFault(withCode('canceling statement due to statement timeout', '57014'))?.reason).toBe('a statement ran past its time limit');
    expect(storeFault(withCode('connection failure', '08006'))?.kind).toBe('unavailable');
    expect(storeFault(withCode('could not extend file', '53100'))?.kind).toBe('full');
    // a bug or bad SQL is not a fault of the infrastructure: it stays a 500 and a stack trace
    expect(storeFault(withCode('syntax error at or near "x"', '42601'))).toBeNull();
    expect(storeFault(withCode('duplicate key value violates unique constraint', '23505'))).toBeNull();
    expect(storeFault(new TypeError('x is undefined'))).toBeNull();
    expect(storeFault('a string')).toBeNull();
  });

  it("reads SQLite's result codes: a full disk, a locked or read-only file; not a constraint", () => {
    const db = new DatabaseSync(':memory:');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    db.exec('INSERT INTO t VALUES (1)');
    let constraint: unknown;
    try {
      db.exec('INSERT INTO t VALUES (1)');
    } catch (error) {
      constraint = error;
    }
    expect(storeFault(constraint)).toBeNull();
    const sqliteError = (errcode: number, message: string) => Object.assign(new Error(message), { code: 'ERR_SQLITE_ERROR', errcode });
    expect(storeFault(sqliteError(13, 'database or disk is full'))).toEqual({ kind: 'full', reason: 'the disk of the embedded store is full' });
    // extended codes keep the primary code in their low byte: SQLITE_IOERR_WRITE is 778
    expect(storeFault(sqliteError(778, 'disk I/O error'))?.kind).toBe('unavailable');
    expect(storeFault(sqliteError(5, 'database is locked'))?.kind).toBe('unavailable');
    expect(storeFault(withCode('ENOSPC: no space left on device', 'ENOSPC'))?.kind).toBe('full');
  });

  it('finds the fault in the cause of a wrapping error', () => {
    const wrapped = new Error('the transaction failed', { cause: withCode('terminating connection', '57P01') });
    expect(storeFault(wrapped)?.kind).toBe('unavailable');
  });
});
