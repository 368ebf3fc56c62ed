// Several workers on one PostgreSQL store, each with a pool of its own as separate processes have:
// claims never overlap, a dead worker's claims come back when its lease runs out, per-profile order
// holds across workers, NOTIFY wakes workers of other processes, and migrations run once.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../clock.ts';
import { createSender, type Sender } from '../../receiver/sender.ts';
import { DeliveryWorker } from '../../worker/worker.ts';
import { createExpressionSandbox } from '../../expression/index.ts';
import { parseAllowedNetworks } from '../../net/networks.ts';
import { ManualClock } from '../../../test/support/harness.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.ts';
import { eventually, startReceiver } from '../../../test/support/receiver.ts';
import type { KyselyStore } from '../../records/kysely-store.ts';
import { openPostgresStore } from './index.ts';
import { postgresMigrations } from './migrations.ts';

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function database(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const created = await createTestDatabase(options);
  cleanups.push(() => created.drop());
  return created;
}

/** A store as one process would open it: a pool of its own. */
async function open(url: string, clock: Clock, errors: string[] = []): Promise<KyselyStore> {
  const store = await openPostgresStore(url, clock, { poolSize: 4, onError: (message) => errors.push(message) });
  cleanups.push(() => store.close());
  return store;
}

/** An account, a database, one callback; returns what the writes need. */
async function seed(store: KyselyStore, callback: { url: string; ordering?: 'none' | 'profile' }) {
  const account = await store.createAccount('acme');
  const database = await store.createDatabase(account!.id, { name: 'customers' });
  await store.createDatabaseCallback(
    account!.id,
    Number(database.ID),
    { expression: '', action: 'all', method: 'json', disabled: false, ordering: 'none', ...callback, secret: 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=' },
    100,
  );
  return { accountId: account!.id, databaseId: Number(database.ID) };
}

async function listening(url: string, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await eventually(async () => {
      const { rows } = await admin.query("SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN %'", [database]);
      return rows.length > 0;
    });
  } finally {
    await admin.end();
  }
}

describe('claims by several workers', () => {
  it('hands each due delivery to exactly one of four workers claiming at once', async () => {
    const db = await database();
    const clock = new ManualClock();
    const writer = await open(db.url, clock);
    const { accountId, databaseId } = await seed(writer, { url: 'https://hooks.example.org/t' });
    for (let i = 0; i < 400; i++) await writer.createProfile(accountId, databaseId, { fields: { i: String(i) } });

    const workers = await Promise.all(Array.from({ length: 4 }, () => open(db.url, clock)));
    const claimedBy = await Promise.all(
      workers.map(async (worker) => {
        const ids: number[] = [];
        for (let empty = 0; empty < 3; ) {
          const batch = await worker.claimDueDeliveries(25, 60_000, 1000);
          if (batch.length === 0) empty++;
          ids.push(...batch.map((delivery) => delivery.id));
        }
        return ids;
      }),
    );
    const all = claimedBy.flat();
    expect(all).toHaveLength(400);
    expect(new Set(all).size).toBe(400);
    expect(claimedBy.filter((ids) => ids.length > 0).length).toBeGreaterThan(1);
  });

  it('says when rows it chose were locked by another claim, so that the worker claims again once that one is over', async () => {
    const db = await database();
    const clock = new ManualClock();
    const writer = await open(db.url, clock);
    const { accountId, databaseId } = await seed(writer, { url: 'https://hooks.example.org/t' });
    for (let i = 0; i < 30; i++) await writer.createProfile(accountId, databaseId, { fields: { i: String(i) } });
    const worker = await open(db.url, clock);
    // another worker's claim under way: the ten earliest due deliveries locked, not leased yet
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    cleanups.push(() => other.end());
    await other.query('BEGIN');
    await other.query('SELECT id FROM deliveries ORDER BY next_attempt_at, id LIMIT 10 FOR UPDATE');
    // a claim of five chooses those ten (two candidates a wanted delivery) and leases none of them
    const notes = { leftBehind: false, contended: false };
    expect(await worker.claimDueDeliveries(5, 60_000, 100, new Map(), notes)).toEqual([]);
    expect(notes).toEqual({ leftBehind: false, contended: true });
    await other.query('ROLLBACK');
    const again = { leftBehind: false, contended: false };
    expect(await worker.claimDueDeliveries(5, 60_000, 100, new Map(), again)).toHaveLength(5);
    expect(again).toEqual({ leftBehind: false, contended: false });
    // rows locked with none due beyond them: the other claim takes them all, and this one need not look again
    await other.query('BEGIN');
    await other.query('SELECT id FROM deliveries WHERE lease_until IS NULL ORDER BY next_attempt_at, id LIMIT 25 FOR UPDATE');
    const last = { leftBehind: false, contended: false };
    expect(await worker.claimDueDeliveries(20, 60_000, 100, new Map(), last)).toEqual([]);
    expect(last).toEqual({ leftBehind: false, contended: false });
    await other.query('ROLLBACK');
  });

  it('gives a dead worker’s claims to another worker once the lease runs out, not before', async () => {
    const db = await database();
    const clock = new ManualClock();
    const writer = await open(db.url, clock);
    const { accountId, databaseId } = await seed(writer, { url: 'https://hooks.example.org/t' });
    for (let i = 0; i < 5; i++) await writer.createProfile(accountId, databaseId, { fields: { i: String(i) } });
    const [dead, alive] = [await open(db.url, clock), await open(db.url, clock)];

    const lost = await dead.claimDueDeliveries(10, 32_000, 100);
    expect(lost).toHaveLength(5);
    expect(await alive.claimDueDeliveries(10, 32_000, 100)).toEqual([]);
    expect(await alive.nextDueTime()).toBe(clock.now() + 32_000);
    clock.advance(31_999);
    expect(await alive.claimDueDeliveries(10, 32_000, 100)).toEqual([]);
    clock.advance(2);
    const recovered = await alive.claimDueDeliveries(10, 32_000, 100);
    expect(recovered.map((delivery) => delivery.webhookId).sort()).toEqual(lost.map((delivery) => delivery.webhookId).sort());
  });

  it('keeps per-profile order across two workers, through failures and retries', async () => {
    const db = await database();
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const attemptsSeen = new Map<string, number>();
    const statuses: number[] = [];
    receiver.respond(async (request, index, response) => {
      const id = String(request.headers['webhook-id']);
      const seen = (attemptsSeen.get(id) ?? 0) + 1;
      attemptsSeen.set(id, seen);
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 8)));
      // every third change fails its first attempt: the next change of its profile has to wait for the retry
      const { fields } = JSON.parse(request.body) as { fields: { seq: string } };
      statuses[index] = seen === 1 && Number(fields.seq) % 3 === 1 ? 500 : 200;
      response.writeHead(statuses[index]);
      response.end();
    });
    const writer = await open(db.url, systemClock);
    const { accountId, databaseId } = await seed(writer, { url: `${receiver.url}/hook`, ordering: 'profile' });

    const sandbox = createExpressionSandbox();
    cleanups.push(() => sandbox.close());
    const sent = [0, 0];
    for (const index of [0, 1]) {
      const store = await open(db.url, systemClock);
      const sender = createSender({ allowed: parseAllowedNetworks('127.0.0.0/8'), timeoutMs: 5000 });
      const counting: Sender = { send: (message) => (sent[index]!++, sender.send(message)), close: () => sender.close() };
      const worker = new DeliveryWorker({
        store,
        sender: counting,
        sandbox,
        clock: systemClock,
        random: () => 0.5,
        retryScheduleSeconds: [0, 0, 0, 0, 0],
        deliveryTimeoutMs: 5000,
        concurrency: 16,
        userAgent: 'Tidings/0.0.0-test',
        pollIntervalMs: 100,
        onError: (error) => {
          throw error;
        },
      });
      worker.start();
      cleanups.push(async () => {
        await worker.stop();
        await sender.close();
      });
    }

    const profiles = 12;
    const changes = 10;
    await Promise.all(
      Array.from({ length: profiles }, async (_unused, p) => {
        const profile = await writer.createProfile(accountId, databaseId, { fields: { seq: '0', p: String(p) } });
        for (let seq = 1; seq < changes; seq++) await writer.updateProfile(accountId, Number(profile!.ID), { fields: { seq: String(seq) } });
      }),
    );
    const failures = profiles * Array.from({ length: changes }, (_unused, seq) => seq).filter((seq) => seq % 3 === 1).length;
    await eventually(() => statuses.filter((status) => status === 200).length === profiles * changes, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.requests).toHaveLength(profiles * changes + failures);

    // per profile, in arrival order: every request is for the first change not yet delivered (the
    // change itself or its retry), never a later one
    const next = new Map<string, number>();
    receiver.requests.forEach((request, index) => {
      const message = JSON.parse(request.body) as { profile: string; fields: { seq: string } };
      const expected = next.get(message.profile) ?? 0;
      expect(Number(message.fields.seq), `profile ${message.profile}, request ${index}`).toBe(expected);
      if (statuses[index] === 200) next.set(message.profile, expected + 1);
    });
    expect([...next.values()]).toEqual(Array(profiles).fill(changes));
    expect(sent[0]! > 0 && sent[1]! > 0, `attempts per worker: ${sent.join(', ')}`).toBe(true);
  }, 90_000);
});

describe('signals between processes', () => {
  it('wakes a worker of another process through NOTIFY when a change commits', async () => {
    const db = await database();
    const api = await open(db.url, systemClock);
    const { accountId, databaseId } = await seed(api, { url: 'https://hooks.example.org/t' });
    const worker = await open(db.url, systemClock);
    const signals: number[] = [];
    worker.onDeliveriesQueued(() => signals.push(Date.now()));
    await listening(db.url, db.name);

    const committed = Date.now();
    await api.createProfile(accountId, databaseId, { fields: { a: '1' } });
    await eventually(() => signals.length >= 1, 5000);
    console.log(`NOTIFY reached the other process ${signals[0]! - committed} ms after the write began`);
    expect(signals[0]! - committed).toBeLessThan(1000);

    // a write that queues nothing (no callback listens to subprofiles here) sends no signal
    const collection = await api.createCollection(accountId, databaseId, { name: 'orders' });
    await api.createSubprofile(accountId, 1, Number(collection!.ID), { fields: {} });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(signals).toHaveLength(1);
  });

  it('listens again after the LISTEN connection is cut, and says so', async () => {
    const db = await database();
    const api = await open(db.url, systemClock);
    const { accountId, databaseId } = await seed(api, { url: 'https://hooks.example.org/t' });
    const errors: string[] = [];
    const worker = await open(db.url, systemClock, errors);
    let signals = 0;
    worker.onDeliveriesQueued(() => signals++);
    await listening(db.url, db.name);

    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN %'", [db.name]);
    await admin.end();
    // reconnected, it signals once on its own: whatever was queued meanwhile was not heard
    await eventually(() => signals >= 1, 5000);
    expect(errors.join('\n')).toMatch(/lost the LISTEN connection .*reconnecting in 100 ms/);
    await listening(db.url, db.name);
    const before = signals;
    await api.createProfile(accountId, databaseId, { fields: { a: '1' } });
    await eventually(() => signals > before, 5000);
  });
});

describe('migrations', () => {
  it('run once when several processes start on an empty database at the same moment', async () => {
    const db = await database({ migrated: false });
    const stores = await Promise.all(Array.from({ length: 6 }, () => open(db.url, systemClock)));
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const { rows } = await admin.query<{ version: number }>('SELECT version FROM schema_migrations');
    await admin.end();
    expect(rows.map((row) => row.version)).toEqual(postgresMigrations.map((migration) => migration.version));
    expect(await stores[0]!.migrate()).toEqual([]);
  });
});
