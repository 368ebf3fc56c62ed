// The embedded store commits the writes that arrive together in one transaction, each in a savepoint:
// one that fails must be undone alone, and none may be answered before its commit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../clock.ts';
import type { KyselyStore } from '../kysely-store.ts';
import { openSqliteStore } from './index.ts';

let dataDir: string;
let store: KyselyStore;
let other: DatabaseSync;
let accountId: number;
let databaseId: number;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tidings-group-commit-'));
  store = await openSqliteStore(dataDir, systemClock);
  // a second connection to the same file, as another reader would open it
  other = new DatabaseSync(join(dataDir, 'tidings.sqlite'));
  accountId = (await store.createAccount('acme'))!.id;
  databaseId = Number((await store.createDatabase(accountId, { name: 'customers' })).ID);
  const callback = await store.createDatabaseCallback(accountId, databaseId, { url: 'https://hooks.example.org/t', secret: 's'.repeat(32) }, 100);
  expect(callback).toMatchObject({ callback: { ID: '1' } });
  // a failure only one write of a batch meets: the database refuses a profile whose fields say "boom"
  other.exec(`CREATE TRIGGER refuse_boom BEFORE INSERT ON profiles WHEN NEW.fields LIKE '%boom%'
    BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END`);
});

afterEach(async () => {
  other.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const count = (table: string) => (other.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('group commit of the embedded store', () => {
  it('undoes only the write that failed, with its outbox rows, and keeps the others of its batch', async () => {
    const results = await Promise.allSettled(
      ['a', 'boom', 'c', 'd'].map((value) => store.createProfile(accountId, databaseId, { fields: { value } })),
    );
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ message: expect.stringMatching(/refused by the test trigger/) });
    const stored = other.prepare('SELECT fields FROM profiles ORDER BY id').all() as Array<{ fields: string }>;
    expect(stored.map((row) => JSON.parse(row.fields) as unknown)).toEqual([{ value: 'a' }, { value: 'c' }, { value: 'd' }]);
    // one event and one delivery for each write that stayed, none for the one undone
    expect([count('events'), count('deliveries')]).toEqual([3, 3]);
  });

  it('answers a write only once it is committed, visible to another connection', async () => {
    const created = await Promise.all([1, 2, 3].map((n) => store.createProfile(accountId, databaseId, { fields: { n: String(n) } })));
    for (const profile of created) {
      expect(other.prepare('SELECT id FROM profiles WHERE id = ?').get(Number(profile!.ID))).toBeDefined();
    }
  });
});
