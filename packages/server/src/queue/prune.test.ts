// Pruning finished deliveries past the retention time, and replaying a window, on both dialects: a
// time's rows are found as an ID range of the primary key (no index on created_at), and a row whose
// ID is out of creation order (another host's clock, a step of the clock) is never pruned young.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatTimestamp } from '../clock.ts';
import { createHarness, type Harness } from '../../test/support/harness.ts';
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
});
