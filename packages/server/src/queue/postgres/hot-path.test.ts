// The PostgreSQL hot path (write-change.ts, claim.ts, record.ts) under the races it was built for:
// each step is one statement with no transaction around it, so what other processes do between two
// steps, or while a statement waits for a row, must not break ordering, leases or a callback's state.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { formatTimestamp } from '../../clock.ts';
import { ManualClock } from '../../../test/support/harness.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.ts';
import type { KyselyStore } from '../../records/kysely-store.ts';
import type { AttemptOutcome, ClaimNotes, DueDelivery } from '../types.ts';
import { openPostgresStore } from '../../db/postgres/index.ts';

const DAY = 86400_000;
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function database(): Promise<TestDatabase> {
  const created = await createTestDatabase();
  cleanups.push(() => created.drop());
  return created;
}

/** A store as one process would open it: a pool of its own. */
async function open(url: string, clock: ManualClock): Promise<KyselyStore> {
  const store = await openPostgresStore(url, clock, { poolSize: 4, onError: () => undefined });
  cleanups.push(() => store.close());
  return store;
}

async function admin(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  cleanups.push(() => client.end());
  return client;
}

/** An account, a database and `callbacks` callbacks. */
async function seed(store: KyselyStore, callbacks = 1, ordering: 'none' | 'profile' = 'none') {
  const account = await store.createAccount('acme');
  const database = await store.createDatabase(account!.id, { name: 'customers' });
  const callbackIds: number[] = [];
  for (let i = 0; i < callbacks; i++) {
    const created = await store.createDatabaseCallback(
      account!.id,
      Number(database.ID),
      { url: `https://hooks.example.org/${i}`, expression: '', action: 'all', method: 'json', disabled: false, ordering, secret: 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=' },
      100,
    );
    callbackIds.push(Number((created as { callback: { ID: string } }).callback.ID));
  }
  return { accountId: account!.id, databaseId: Number(database.ID), callbackIds };
}

function failed(delivery: DueDelivery, clock: ManualClock, retryAt: number | null): AttemptOutcome {
  return {
    deliveryId: delivery.id,
    leaseUntil: delivery.leaseUntil,
    callbackId: delivery.callback.id,
    sent: true,
    attempt: { time: formatTimestamp(clock.now()), statusCode: 500, durationMs: 3, error: null, response: 'no\u0000pe' },
    status: retryAt === null ? 'exhausted' : 'failed',
    nextAttemptAt: retryAt,
    disableCallback: null,

    throttle: null,
  };
}

/** Resolves once a statement of another connection waits for a lock in `database`. */
async function waitingForLock(client: pg.Client, database: string): Promise<void> {
  for (;;) {
    const { rows } = await client.query("SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", [database]);
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('profile writes in two statements', () => {
  it('number the deliveries of one profile in commit order when two processes update it at once', async () => {
    const db = await database();
    const clock = new ManualClock();
    const [first, second] = [await open(db.url, clock), await open(db.url, clock)];
    const { accountId, databaseId } = await seed(first, 1, 'profile');
    const profile = await first.createProfile(accountId, databaseId, { fields: { seq: 'start' } });
    const id = Number(profile!.ID);

    await Promise.all(
      [first, second].map(async (store, writer) => {
        for (let n = 0; n < 40; n++) await store.updateProfile(accountId, id, { fields: { seq: `${writer}-${n}` } });
      }),
    );

    const client = await admin(db.url);
    const { rows } = await client.query<{ payload: string }>(
      'SELECT e.payload FROM deliveries d JOIN events e ON e.id = d.event_id ORDER BY d.id',
    );
    const messages = rows.map((row) => JSON.parse(row.payload) as { action: string; fields: { seq: string }; previous: { seq?: string } | null });
    expect(messages).toHaveLength(81);
    // each update's previous value is the value the delivery before it wrote: no update was merged
    // into a stale copy, and none is numbered ahead of one that committed before it
    for (let n = 1; n < messages.length; n++) {
      expect(messages[n]!.previous?.seq, `delivery ${n}`).toBe(messages[n - 1]!.fields.seq);
    }
    expect((await first.getProfile(accountId, id))!.fields.seq).toBe(messages.at(-1)!.fields.seq);
  });

  it('writes nothing for an update that changes nothing, and nothing for a profile of another account', async () => {
    const db = await database();
    const clock = new ManualClock();
    const store = await open(db.url, clock);
    const { accountId, databaseId } = await seed(store);
    const profile = await store.createProfile(accountId, databaseId, { fields: { a: '1' } });
    const same = await store.updateProfile(accountId, Number(profile!.ID), { fields: { a: '1' } });
    expect(same).toEqual(profile);
    expect(await store.updateProfile(accountId + 1, Number(profile!.ID), { fields: { a: '2' } })).toBeNull();
    expect(await store.createProfile(accountId + 1, databaseId, { fields: {} })).toBeNull();
    const client = await admin(db.url);
    expect((await client.query('SELECT id FROM deliveries')).rows).toHaveLength(1);
  });

  it('queues no delivery for a callback deleted between the read and the write of an update', async () => {
    const db = await database();
    const clock = new ManualClock();
    const store = await open(db.url, clock);
    const { accountId, databaseId, callbackIds } = await seed(store, 2);
    const profile = await store.createProfile(accountId, databaseId, { fields: { a: '1' } });
    const client = await admin(db.url);
    // the delete holds its locks while the update reads both callbacks and waits to insert
    await client.query('BEGIN');
    await client.query('DELETE FROM callbacks WHERE id = $1', [callbackIds[0]]);
    const updating = store.updateProfile(accountId, Number(profile!.ID), { fields: { a: '2' } });
    await waitingForLock(client, db.name);
    await client.query('COMMIT');
    expect((await updating)!.fields).toEqual({ a: '2' });
    const { rows } = await client.query<{ callback_id: number }>("SELECT callback_id FROM deliveries WHERE event_key IN (SELECT payload::json->>'id' FROM events WHERE payload::json->>'action' = 'update')");
    expect(rows.map((row) => Number(row.callback_id))).toEqual([callbackIds[1]]);
  });
});

describe('claims in one statement', () => {
  it('keep to the free slots of each callback and say when deliveries were left behind', async () => {
    const db = await database();
    const clock = new ManualClock();
    const store = await open(db.url, clock);
    const { accountId, databaseId, callbackIds } = await seed(store, 2);
    for (let i = 0; i < 5; i++) await store.createProfile(accountId, databaseId, { fields: {} });

    const notes: ClaimNotes = { leftBehind: false };
    const claimed = await store.claimDueDeliveries(100, 60_000, 3, new Map([[callbackIds[0]!, 1]]), notes);
    const per = (callbackId: number) => claimed.filter((delivery) => delivery.callback.id === callbackId).length;
    expect([per(callbackIds[0]!), per(callbackIds[1]!)]).toEqual([2, 3]);
    expect(notes.leftBehind).toBe(true);
    expect(claimed[0]!.callback.secrets).toEqual(['whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=']);
    expect(JSON.parse(claimed[0]!.payload)).toMatchObject({ action: 'create', type: 'profile' });

    const rest: ClaimNotes = { leftBehind: true };
    expect(await store.claimDueDeliveries(100, 60_000, 100, new Map(), rest)).toHaveLength(5);
    expect(rest.leftBehind).toBe(false);
  });

  it('hand each delivery to one of two workers claiming at once, many times over', async () => {
    const db = await database();
    const clock = new ManualClock();
    const writer = await open(db.url, clock);
    const { accountId, databaseId } = await seed(writer, 3);
    for (let i = 0; i < 60; i++) await writer.createProfile(accountId, databaseId, { fields: {} });
    const workers = [await open(db.url, clock), await open(db.url, clock)];
    const taken: number[] = [];
    for (let round = 0; round < 40; round++) {
      const batches = await Promise.all(workers.map((worker) => worker.claimDueDeliveries(3, 60_000, 100)));
      taken.push(...batches.flat().map((delivery) => delivery.id));
    }
    expect(taken).toHaveLength(180);
    expect(new Set(taken).size).toBe(180);
  });
});

describe('records in one statement', () => {
  it('do not disable a callback whose failing spell a concurrent success ended while the record waited', async () => {
    const db = await database();
    const clock = new ManualClock();
    const store = await open(db.url, clock);
    const { accountId, databaseId, callbackIds } = await seed(store);
    const client = await admin(db.url);
    await client.query('UPDATE callbacks SET failing_since = $1', [clock.now() - 6 * DAY]);
    await store.createProfile(accountId, databaseId, { fields: {} });
    const [delivery] = await store.claimDueDeliveries(10, 60_000, 10);

    // another worker's success, not yet committed, has ended the spell
    await client.query('BEGIN');
    await client.query('UPDATE callbacks SET failing_since = NULL WHERE id = $1', [callbackIds[0]]);
    const recording = store.recordAttempts([failed(delivery!, clock, clock.now() + 5000)]);
    await waitingForLock(client, db.name);
    await client.query('COMMIT');
    await recording;

    const { rows } = await client.query('SELECT disabled, failing_since FROM callbacks');
    expect(rows).toEqual([{ disabled: 0, failing_since: String(clock.now()) }]);
    const [recorded] = (await client.query('SELECT status, next_attempt_at FROM deliveries')).rows;
    expect(recorded).toEqual({ status: 'failed', next_attempt_at: String(clock.now() + 5000) });
  });

  it('disable a callback failing for 5 days once, exhausting the first failure of the batch only', async () => {
    const db = await database();
    const clock = new ManualClock();
    const store = await open(db.url, clock);
    const { accountId, databaseId } = await seed(store);
    const client = await admin(db.url);
    const since = clock.now() - 5 * DAY;
    await client.query('UPDATE callbacks SET failing_since = $1', [since]);
    for (let i = 0; i < 2; i++) await store.createProfile(accountId, databaseId, { fields: {} });
    const claimed = await store.claimDueDeliveries(10, 60_000, 10);
    await store.recordAttempts(claimed.map((delivery) => failed(delivery, clock, clock.now() + 5000)));

    const [callback] = (await client.query('SELECT disabled, disabled_reason, failing_since FROM callbacks')).rows;
    expect(callback).toEqual({
      disabled: 1,
      disabled_reason: `disabled after every attempt failed for 5 days (since ${formatTimestamp(since)})`,
      failing_since: String(since),
    });
    const statuses = (await client.query('SELECT status FROM deliveries ORDER BY id')).rows.map((row) => row.status);
    expect(statuses).toEqual(['exhausted', 'failed']);
  });

  it('write nothing to the callback for a success of a healthy one, and keep the reply without U+0000', async () => {
    const db = await database();
    const clock = new ManualClock();
    const store = await open(db.url, clock);
    const { accountId, databaseId } = await seed(store);
    await store.createProfile(accountId, databaseId, { fields: {} });
    const [delivery] = await store.claimDueDeliveries(10, 60_000, 10);
    const client = await admin(db.url);
    const before = (await client.query('SELECT xmin::text AS version FROM callbacks')).rows[0];
    await store.recordAttempts([{ ...failed(delivery!, clock, null), status: 'succeeded', attempt: { ...failed(delivery!, clock, null).attempt, statusCode: 200 } }]);
    expect((await client.query('SELECT xmin::text AS version FROM callbacks')).rows[0]).toEqual(before);
    expect((await client.query('SELECT response FROM delivery_attempts')).rows).toEqual([{ response: 'no\uFFFDpe' }]);
  });

  it('send a delivery again when a retry asked for during its attempt lands while the record waits', async () => {
    const db = await database();
    const clock = new ManualClock();
    const store = await open(db.url, clock);
    const { accountId, databaseId } = await seed(store);
    await store.createProfile(accountId, databaseId, { fields: {} });
    const [delivery] = await store.claimDueDeliveries(10, 60_000, 10);
    const client = await admin(db.url);

    // a retry by hand, not yet committed, saw the lease and asked for the retry
    await client.query('BEGIN');
    await client.query('UPDATE deliveries SET retry_requested = 1 WHERE id = $1', [delivery!.id]);
    const requeued: Array<ReadonlySet<number> | null> = [];
    store.onDeliveriesQueued((callbacks) => requeued.push(callbacks));
    const recording = store.recordAttempts([failed(delivery!, clock, null)]);
    await waitingForLock(client, db.name);
    await client.query('COMMIT');
    await recording;

    const [row] = (await client.query('SELECT status, attempts, retry_base, retry_requested, next_attempt_at, lease_until FROM deliveries')).rows;
    expect(row).toEqual({ status: 'pending', attempts: 1, retry_base: 1, retry_requested: 0, next_attempt_at: String(clock.now()), lease_until: null });
    expect(requeued).toEqual([new Set([delivery!.callback.id])]);
    expect(await store.claimDueDeliveries(10, 60_000, 10)).toHaveLength(1);
  });

  it('drop the outcome of a delivery deleted while its record waited, and record the others', async () => {
    const db = await database();
    const clock = new ManualClock();
    const store = await open(db.url, clock);
    const { accountId, databaseId } = await seed(store, 2);
    await store.createProfile(accountId, databaseId, { fields: {} });
    const claimed = await store.claimDueDeliveries(10, 60_000, 10);
    const client = await admin(db.url);

    await client.query('BEGIN');
    await client.query('DELETE FROM deliveries WHERE id = $1', [claimed[0]!.id]);
    const recording = store.recordAttempts(claimed.map((delivery) => failed(delivery, clock, clock.now() + 5000)));
    await waitingForLock(client, db.name);
    await client.query('COMMIT');
    await recording;

    const { rows } = await client.query('SELECT d.id, d.attempts, count(a.id)::int AS logged FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id GROUP BY d.id');
    expect(rows).toEqual([{ id: String(claimed[1]!.id), attempts: 1, logged: 1 }]);
  });
});
