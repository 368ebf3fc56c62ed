import { DatabaseSync } from 'node:sqlite';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Schema } from './schema.ts';
import { kyselySqliteAdapter } from './sqlite/connection.ts';
import { Statements } from './statements.ts';

let raw: DatabaseSync;
let db: Kysely<Schema>;
let statements: Statements;
const prepared: string[] = [];

beforeEach(() => {
  raw = new DatabaseSync(':memory:');
  raw.exec('CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, created TEXT NOT NULL)');
  for (const name of ['ada', 'bob', 'cy', 'dee']) raw.prepare('INSERT INTO accounts (name, created) VALUES (?, ?)').run(name, 'then');
  const adapter = kyselySqliteAdapter(raw);
  db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: adapter }) });
  prepared.length = 0;
  statements = new Statements({
    statement: (sql) => {
      prepared.push(sql);
      return adapter.statement(sql);
    },
    inTransaction: () => raw.isTransaction,
    exec: (sql) => raw.exec(sql),
  });
});

afterEach(async () => {
  await db.destroy();
});

const byName = (name: string) => () => db.selectFrom('accounts').select('id').where('name', '=', name);

describe('statements compiled once', () => {
  it('run the SQL of the first call with the parameters of each call, in and out of transactions', async () => {
    expect(await statements.first(db, 'account', byName('bob'), ['bob'])).toEqual({ id: 2 });
    // the builder is not asked again: its value here would find ada
    expect(await statements.first(db, 'account', byName('ada'), ['cy'])).toEqual({ id: 3 });
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('accounts').values({ name: 'eve', created: 'now' }).execute();
      // inside the transaction, on the same connection: its own uncommitted row is there
      expect(await statements.first(trx, 'account', byName('ada'), ['eve'])).toEqual({ id: 5 });
    });
    expect(prepared.every((sql) => sql === prepared[0])).toBe(true);
  });

  it('refuse a call whose parameters are not the ones the query was built with', async () => {
    const build = () => db.selectFrom('accounts').select('id').where('name', '=', 'ada').where('created', '=', 'then');
    await expect(statements.first(db, 'swapped', build, ['then', 'ada'])).rejects.toThrow(/statement swapped: built with \[ada, then\]/);
    await expect(statements.first(db, 'short', build, ['ada'])).rejects.toThrow(/statement short/);
  });

  it('stop a scan where the caller stops taking rows', async () => {
    const all = () => db.selectFrom('accounts').select('name').where('id', '>', 0).orderBy('id');
    const seen: string[] = [];
    await statements.scan(db, 'names', all, [0], () => true);
    await db.transaction().execute(async (trx) => {
      await statements.scan(trx, 'names', all, [0], (row) => {
        seen.push(row.name);
        return seen.length < 2;
      });
      // the statement was reset when the scan stopped: the table can change under the same connection
      await trx.deleteFrom('accounts').where('name', '=', 'dee').execute();
    });
    expect(seen).toEqual(['ada', 'bob']);
  });
});
