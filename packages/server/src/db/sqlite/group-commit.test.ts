// The embedded store commits the writes that arrive together in one transaction, each in a savepoint:
// one that fails must be undone alone, and none may be answered before its commit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../clock.ts';
import type { KyselyStore } from '../../records/kysely-store.ts';
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
  it('claims what its writes queued in their own transaction, before it announces them', async () => {
    const events: string[] = [];
    const claimed: number[][] = [];
    store.onDeliveriesQueued(() => events.push('announced'));
    store.joinClaims(() => ({
      limit: 10,
      leaseMs: 60_000,
      maxPerCallback: 10,
      busy: new Map(),
      done: (deliveries) => {
        events.push('claimed');
        claimed.push(deliveries.map((delivery) => delivery.id));
        // leased by the very commit that wrote them: visible to another connection already
        const leased = other.prepare('SELECT count(*) AS n FROM deliveries WHERE lease_until IS NOT NULL').get() as { n: number };
        events.push(`leased ${leased.n}`);
      },
    }));
    await Promise.all(['a', 'b', 'c'].map((value) => store.createProfile(accountId, databaseId, { fields: { value } })));
    expect(events).toEqual(['claimed', 'leased 3', 'announced']);
    expect(claimed).toEqual([[1, 2, 3]]);
    // nothing left for a claim of its own
    expect(await store.claimDueDeliveries(10, 60_000, 10)).toEqual([]);
  });

  it('keeps the writes and hands the worker nothing when the claim in their transaction fails', async () => {
    const done: number[] = [];
    store.joinClaims(() => ({
      limit: 10,
      leaseMs: 60_000,
      maxPerCallback: 10,
      busy: new Map(),
      done: (deliveries) => done.push(deliveries.length),
    }));
    // the claim itself fails inside the transaction: the writes stay, the deliveries are not leased
    other.exec(`CREATE TRIGGER refuse_lease BEFORE UPDATE OF lease_until ON deliveries
      BEGIN SELECT RAISE(ABORT, 'no lease today'); END`);
    await store.createProfile(accountId, databaseId, { fields: { value: 'a' } });
    expect(done).toEqual([0]);
    expect(count('profiles')).toBe(1);
    expect((other.prepare('SELECT count(*) AS n FROM deliveries WHERE lease_until IS NULL').get() as { n: number }).n).toBe(1);
  });
});
