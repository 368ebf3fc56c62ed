// Pruning finished deliveries past the retention time, and replaying a window, on both dialects: a
// time's rows are found as an ID range of the primary key (no index on created_at), and a row whose
// ID is out of creation order (another host's clock, a step of the clock) is never pruned young.
import { DatabaseSync } from 'node:sqlite';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatTimestamp } from '../clock.ts';
import { kyselySqliteAdapter } from '../db/sqlite/connection.ts';
import type { Schema } from '../db/schema.ts';
import { createHarness, type Harness } from '../../test/support/harness.ts';
import { lowerIdBound, upperIdBound } from './prune.ts';
import type { AttemptOutcome, DueDelivery } from './types.ts';

const DAY = 86400_000;
const T0 = Date.parse('2026-03-02T08:00:00Z');

let h: Harness;

beforeEach(async () => {
  h = await createHarness({}, { clockStart: T0 });
  await h.request('POST', '/v1/databases', { body: { name: 'customers' } });
  expect((await h.request('POST', '/v1/database/1/callbacks', { body: { url: 'https://hooks.example.org/t' } })).status).toBe(201);
});

afterEach(async () => {
  await h.close();
});

function at(ms: number): void {
  h.clock.advance(ms - h.clock.now());
}

/** a change at the clock's time, its delivery claimed and recorded as `status` (failed: retried in 15 days) */
async function deliveryAt(ms: number, status: AttemptOutcome['status']): Promise<number> {
  at(ms);
  expect((await h.request('POST', '/v1/database/1/profiles', { body: {} })).status).toBe(201);
  const [due] = await h.store.claimDueDeliveries(100, 60_000, 100);
  await h.store.recordAttempts([outcome(due!, status)]);
  return due!.id;
}

function outcome(due: DueDelivery, status: AttemptOutcome['status']): AttemptOutcome {
  return {
    deliveryId: due.id,
    leaseUntil: due.leaseUntil,
    callbackId: due.callback.id,
    sent: true,
    attempt: { time: formatTimestamp(h.clock.now()), statusCode: status === 'succeeded' ? 200 : 500, durationMs: 3, error: null, response: null },
    status,
    nextAttemptAt: status === 'failed' ? h.clock.now() + 15 * DAY : null,
    disableCallback: null,
    throttle: null,
  };
}

async function deliveryIds(): Promise<number[]> {
  const list = (await h.request('GET', '/v1/callback/1/deliveries?limit=100')).body as { data: Array<{ ID: string }> };
  return list.data.map((delivery) => Number(delivery.ID)).sort((a, b) => a - b);
}

async function rows(): Promise<{ events: number; deliveries: number }> {
  const counts = await h.store.exportTables(async () => undefined);
  return { events: counts.events, deliveries: counts.deliveries };
}

describe('pruning', () => {
  it('deletes the finished deliveries created before the cutoff and their events, never an open or a young one, whatever its ID', async () => {
    // written first, but ten days on: the lowest ID is the youngest row (a clock that stepped back)
    const youngFirst = await deliveryAt(T0 + 10 * DAY, 'succeeded');
    const succeeded = await deliveryAt(T0, 'succeeded');
    const exhausted = await deliveryAt(T0 + 1_000, 'exhausted');
    const open = await deliveryAt(T0 + 2_000, 'failed');
    const young = await deliveryAt(T0 + 10 * DAY, 'succeeded');
    expect(await rows()).toEqual({ events: 5, deliveries: 5 });

    expect(await h.store.pruneDeliveries(T0 + 5 * DAY)).toBe(2);

    expect(await deliveryIds()).toEqual([youngFirst, open, young]);
    expect((await h.request('GET', `/v1/delivery/${succeeded}`)).status).toBe(404);
    expect((await h.request('GET', `/v1/delivery/${exhausted}`)).status).toBe(404);
    // the events of what is left stay, with their payloads
    expect(await rows()).toEqual({ events: 3, deliveries: 3 });
    expect((await h.request('GET', `/v1/delivery/${open}`)).status).toBe(200);

    // once the open one is finished and old enough, it goes too; an empty prune deletes nothing
    at(T0 + 15 * DAY + 2_000);
    const [due] = await h.store.claimDueDeliveries(100, 60_000, 100);
    expect(due?.id).toBe(open);
    await h.store.recordAttempts([outcome(due!, 'succeeded')]);
    expect(await h.store.pruneDeliveries(T0 + 5 * DAY)).toBe(1);
    expect(await h.store.pruneDeliveries(T0 + 5 * DAY)).toBe(0);
    expect(await rows()).toEqual({ events: 2, deliveries: 2 });
    expect(await h.store.pruneDeliveries(T0 + 20 * DAY)).toBe(2);
    expect(await rows()).toEqual({ events: 0, deliveries: 0 });
    expect(await h.store.pruneDeliveries(T0 + 20 * DAY)).toBe(0);
  });

  it('is not held up by one row dated days ahead among the old ones', async () => {
    await deliveryAt(T0, 'failed');
    for (let i = 1; i <= 4; i++) await deliveryAt(T0 + i * 1000, 'succeeded');
    // a host whose clock was 10 days ahead, once; once its neighbours are pruned it stands alone
    const misdated = await deliveryAt(T0 + 10 * DAY, 'exhausted');
    for (let i = 0; i < 3; i++) await deliveryAt(T0 + 3600_000 + i * 1000, 'succeeded');
    at(T0 + 2 * DAY);
    expect(await h.store.pruneDeliveries(T0 + 1800_000)).toBe(4);
    expect(await h.store.pruneDeliveries(T0 + DAY)).toBe(3);
    expect((await h.request('GET', `/v1/delivery/${misdated}`)).status).toBe(200);
  });
});

describe('replaying a window', () => {
  it('finds a delivery of the window written after younger ones, within a minute of their times', async () => {
    const inside = await deliveryAt(T0, 'exhausted');
    const after = await deliveryAt(T0 + 50_000, 'exhausted');
    // another host's clock, 45 s behind: written last, created inside the window
    const late = await deliveryAt(T0 + 5_000, 'exhausted');
    at(T0 + 3600_000);

    const replayed = await h.store.replayDeliveries(1, 1, { since: T0 - 1_000, until: T0 + 10_000, statuses: ['exhausted'], most: 100 });

    expect(replayed).toEqual({ queued: 2, more: false });
    const claimed = await h.store.claimDueDeliveries(100, 60_000, 100);
    expect(claimed.map((due) => due.id).sort((a, b) => a - b)).toEqual([inside, late]);
    expect(claimed.map((due) => due.id)).not.toContain(after);
  });

  it.each([false, true])('finds the window whatever one row dated days ahead elsewhere (its neighbours pruned: %s)', async (pruned) => {
    await deliveryAt(T0, 'failed');
    for (let i = 1; i <= 4; i++) await deliveryAt(T0 + i * 1000, 'succeeded');
    await deliveryAt(T0 + 10 * DAY, 'exhausted');
    const window = [await deliveryAt(T0 + 3600_000, 'exhausted'), await deliveryAt(T0 + 3601_000, 'exhausted'), await deliveryAt(T0 + 3602_000, 'exhausted')];
    at(T0 + 2 * DAY);
    if (pruned) expect(await h.store.pruneDeliveries(T0 + 1800_000)).toBe(4);

    const replayed = await h.store.replayDeliveries(1, 1, { since: T0 + 3599_000, until: T0 + 3610_000, statuses: ['exhausted'], most: 100 });

    expect(replayed).toEqual({ queued: window.length, more: false });
  });

  it('finds every delivery of a window whose deliveries are hours apart', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push(await deliveryAt(T0 + i * 3600_000, 'exhausted'));
    at(T0 + 2 * DAY);
    const replayed = await h.store.replayDeliveries(1, 1, { since: T0 + 3 * 3600_000, until: T0 + 7 * 3600_000, statuses: ['exhausted'], most: 100 });
    expect(replayed).toEqual({ queued: 5, more: false });
    const claimed = await h.store.claimDueDeliveries(100, 60_000, 100);
    expect(claimed.map((due) => due.id).sort((a, b) => a - b)).toEqual(ids.slice(3, 8));
  });
});

describe('bounding a time by IDs', () => {
  /** a table of IDs and creation times, as deliveries have, in memory */
  function table(): { db: Kysely<Schema>; insert(id: number, createdAt: number): void; clear(): void } {
    const raw = new DatabaseSync(':memory:');
    raw.exec('CREATE TABLE deliveries (id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL)');
    const insert = raw.prepare('INSERT INTO deliveries VALUES (?, ?)');
    return {
      db: new Kysely<Schema>({ dialect: new SqliteDialect({ database: kyselySqliteAdapter(raw) }) }),
      insert: (id, createdAt) => insert.run(id, createdAt),
      clear: () => raw.exec('DELETE FROM deliveries'),
    };
  }

  it('bounds exactly when IDs follow creation, and within the skew when they do not, in 1,000 random tables', async () => {
    const { db, insert, clear } = table();
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const SKEW = 60_000;
    for (let trial = 0; trial < 1000; trial++) {
      clear();
      const skew = trial % 2 === 0 ? 0 : SKEW;
      const rows: Array<[number, number]> = [];
      let id = 1 + Math.floor(random() * 5);
      const count = Math.floor(random() * 80);
      for (let i = 0; i < count; i++) {
        // ten seconds a row, out of order by up to the skew either way; now and then a gap of IDs (pruned rows)
        const createdAt = id * 10_000 + (skew === 0 ? 0 : Math.floor((random() - 0.5) * skew));
        rows.push([id, createdAt]);
        insert(id, createdAt);
        id += 1 + (random() < 0.2 ? Math.floor(random() * 1000) : 0);
      }
      const at = Math.floor(random() * (id + 2) * 10_000);
      const upper = await upperIdBound(db, 'deliveries', at);
      const lower = await lowerIdBound(db, 'deliveries', at);
      const context = { trial, at, upper, lower, rows };
      // every row created before `at` is below the upper bound; every row from `at` on is at or above the lower
      for (const [rowId, createdAt] of rows) {
        if (createdAt < at) expect(rowId < upper, JSON.stringify(context)).toBe(true);
        if (createdAt >= at) expect(rowId >= lower, JSON.stringify(context)).toBe(true);
        // and, in order, nothing more: a range that is not the whole table
        if (skew === 0 && createdAt >= at) expect(rowId >= upper, JSON.stringify(context)).toBe(true);
        if (skew === 0 && createdAt < at) expect(rowId < lower, JSON.stringify(context)).toBe(true);
      }
      if (count === 0) expect([upper, lower]).toEqual([0, 0]);
    }
  });

  it('is not sent astray by rows dated days off among honest ones, either way', async () => {
    const { db, insert } = table();
    // rows 1–40 created before the time, 41–80 after it; one in eight dated ten days off (ahead among
    // the first, back among the others), so that every step of the search reads one
    const dated = (id: number) => (id % 8 === 4 ? (id <= 40 ? 10 * DAY : -10 * DAY) : id <= 40 ? id : DAY / 10 + id);
    for (let id = 1; id <= 80; id++) insert(id, dated(id));
    const upper = await upperIdBound(db, 'deliveries', DAY / 20);
    const lower = await lowerIdBound(db, 'deliveries', DAY / 20);
    // each bound within a step of its vote of 41, on the side its use needs
    expect(upper).toBeGreaterThanOrEqual(41);
    expect(upper).toBeLessThanOrEqual(41 + 8);
    expect(lower).toBeLessThanOrEqual(41);
    expect(lower).toBeGreaterThanOrEqual(41 - 8);
  });
});
