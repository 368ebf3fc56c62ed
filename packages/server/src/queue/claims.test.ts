// Claims on both dialects: each callback gets at most its free slots, and the deliveries of other
// callbacks behind a callback whose slots a claim filled are still found.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/support/harness.ts';
import { formatTimestamp } from '../clock.ts';
import type { AttemptOutcome, ClaimNotes, DueDelivery } from './types.ts';

let h: Harness;

beforeEach(async () => {
  h = await createHarness();
});

afterEach(async () => {
  await h.close();
});

/** the database of each callback callbackWithDue made */
const databaseOf = new Map<number, string>();

/** A database with one callback and `profiles` new profiles: that many deliveries due, in order. */
async function callbackWithDue(profiles: number): Promise<number> {
  const database = await h.request('POST', '/v1/databases', { body: { name: 'customers' } });
  expect(database.status, database.text).toBe(201);
  const databaseId = (database.body as { ID: string }).ID;
  const callback = await h.request('POST', `/v1/database/${databaseId}/callbacks`, { body: { url: 'https://hooks.example.org/t' } });
  expect(callback.status, callback.text).toBe(201);
  await moreDue(databaseId, profiles);
  databaseOf.set(Number((callback.body as { ID: string }).ID), databaseId);
  return Number((callback.body as { ID: string }).ID);
}

/** `profiles` more new profiles in the database of the callback: that many more of its deliveries due. */
async function moreDue(databaseId: string, profiles: number): Promise<void> {
  for (let i = 0; i < profiles; i++) {
    expect((await h.request('POST', `/v1/database/${databaseId}/profiles`, { body: {} })).status).toBe(201);
  }
}

/** Records each claimed delivery as failed, to be retried in `retryInMs`. */
async function failed(claimed: readonly DueDelivery[], retryInMs: number): Promise<void> {
  const outcomes: AttemptOutcome[] = claimed.map((delivery) => ({
    deliveryId: delivery.id,
    leaseUntil: delivery.leaseUntil,
    callbackId: delivery.callback.id,
    sent: true,
    attempt: { time: formatTimestamp(h.clock.now()), statusCode: 500, durationMs: 3, error: null, response: null },
    status: 'failed',
    nextAttemptAt: h.clock.now() + retryInMs,
    disableCallback: null,
    throttle: null,
  }));
  await h.store.recordAttempts(outcomes);
}

function perCallback(claimed: readonly DueDelivery[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const delivery of claimed) counts.set(delivery.callback.id, (counts.get(delivery.callback.id) ?? 0) + 1);
  return counts;
}

describe('a claim', () => {
  it('takes what is due behind a callback whose free slots it filled, and says it left some behind', async () => {
    // the busy callback's backlog is due first, longer than the 32 rows a claim used to pass over;
    // the other two callbacks' deliveries come after it
    const busy = await callbackWithDue(40);
    const second = await callbackWithDue(3);
    const third = await callbackWithDue(2);

    const notes: ClaimNotes = { leftBehind: false };
    const claimed = await h.store.claimDueDeliveries(100, 60_000, 3, new Map([[busy, 2]]), notes);
    expect(perCallback(claimed)).toEqual(
      new Map([
        [busy, 1],
        [second, 3],
        [third, 2],
      ]),
    );
    expect(notes.leftBehind).toBe(true);
    // earliest due first: the busy callback's first delivery, then the others in the order queued
    expect(claimed.map((delivery) => delivery.callback.id)).toEqual([busy, second, second, second, third, third]);

    // nothing of the others is left; the busy callback's other 39 are, for claims with room for them
    const rest: ClaimNotes = { leftBehind: true };
    const next = await h.store.claimDueDeliveries(100, 60_000, 100, new Map(), rest);
    expect(perCallback(next)).toEqual(new Map([[busy, 39]]));
    expect(rest.leftBehind).toBe(false);
  });

  it('leaves no callback out for good when it fills the slots of more callbacks than one claim goes past', async () => {
    // twenty callbacks, two deliveries due each, one slot each: a claim fills every callback it meets
    const callbacks: number[] = [];
    for (let i = 0; i < 20; i++) callbacks.push(await callbackWithDue(2));

    const first: ClaimNotes = { leftBehind: false };
    const claimed = await h.store.claimDueDeliveries(100, 60_000, 1, new Map(), first);
    expect([...perCallback(claimed).values()].every((count) => count === 1)).toBe(true);
    expect(first.leftBehind).toBe(true);
    // the next claim, with the first one's sends under way, takes one of each callback not yet served
    const busy = new Map(claimed.map((delivery) => [delivery.callback.id, 1]));
    const second = await h.store.claimDueDeliveries(100, 60_000, 1, busy, { leftBehind: false });
    expect(new Set([...claimed, ...second].map((delivery) => delivery.callback.id))).toEqual(new Set(callbacks));
    expect(second.every((delivery) => !busy.has(delivery.callback.id))).toBe(true);
  });

  it('finds what is due behind a backlog longer than it reads, of a callback the worker keeps busy, and says nothing of that one', async () => {
    // 210 deliveries of a callback with all its slots taken (a slow receiver, or one its rate limit
    // holds), due before those of the other two
    const held = await callbackWithDue(210);
    const second = await callbackWithDue(2);
    const third = await callbackWithDue(1);

    const notes: ClaimNotes = { leftBehind: true };
    const claimed = await h.store.claimDueDeliveries(5, 60_000, 3, new Map([[held, 3]]), notes);
    expect(perCallback(claimed)).toEqual(
      new Map([
        [second, 2],
        [third, 1],
      ]),
    );
    // the held callback's backlog is the worker's to know of: nothing else was left behind
    expect(notes.leftBehind).toBe(false);
  });

  it('goes on, claim after claim, through more callbacks behind such a backlog than one claim visits', async () => {
    const held = await callbackWithDue(210);
    const others: number[] = [];
    for (let i = 0; i < 70; i++) others.push(await callbackWithDue(1));
    const busy = new Map([[held, 3]]);

    // room for all of them; where one claim stops short of that, it says so (unfinished)
    const first: ClaimNotes = { leftBehind: false };
    const claimed = await h.store.claimDueDeliveries(100, 60_000, 3, busy, first);
    expect(claimed.length === 70 || first.unfinished === true).toBe(true);
    const rest = await h.store.claimDueDeliveries(100, 60_000, 3, busy, { leftBehind: false });
    const ids = [...claimed, ...rest].map((delivery) => delivery.callback.id);
    expect(ids.sort((a, b) => a - b)).toEqual(others);
  });

  it('looks past callbacks with nothing due yet, however many, to one with a delivery due', async () => {
    const held = await callbackWithDue(210);
    const busy = new Map([[held, 3]]);
    // a hundred callbacks whose deliveries failed and are retried in an hour
    for (let i = 0; i < 100; i++) await callbackWithDue(1);
    const firstTries: DueDelivery[] = [];
    for (let claim = 0; claim < 5 && firstTries.length < 100; claim++) firstTries.push(...(await h.store.claimDueDeliveries(100, 60_000, 3, busy)));
    expect(firstTries).toHaveLength(100);
    await failed(firstTries, 3600_000);
    const due = await callbackWithDue(1);

    const claimed = await h.store.claimDueDeliveries(100, 60_000, 3, busy, { leftBehind: false });
    expect(claimed.map((delivery) => delivery.callback.id)).toEqual([due]);
  });

  it('says it left behind the due deliveries of a callback whose slots it filled, met again behind a backlog', async () => {
    // three of a callback's deliveries, then a held callback's backlog, then two more of the first
    const filled = await callbackWithDue(3);
    const held = await callbackWithDue(210);
    await moreDue(databaseOf.get(filled) as string, 2);

    const notes: ClaimNotes = { leftBehind: false };
    const claimed = await h.store.claimDueDeliveries(100, 60_000, 3, new Map([[held, 3]]), notes);
    expect(perCallback(claimed)).toEqual(new Map([[filled, 3]]));
    expect(notes.leftBehind).toBe(true);
  });

  it('behind such a backlog, does not chain claims over callbacks with nothing due, and finds a new one in the next', async () => {
    const held = await callbackWithDue(210);
    const busy = new Map([[held, 3]]);
    // more callbacks with retries an hour out than one claim looks up
    for (let i = 0; i < 520; i++) await callbackWithDue(1);
    const firstTries: DueDelivery[] = [];
    for (let claim = 0; claim < 20 && firstTries.length < 520; claim++) firstTries.push(...(await h.store.claimDueDeliveries(100, 60_000, 3, busy)));
    expect(firstTries).toHaveLength(520);
    await failed(firstTries, 3600_000);

    // nothing due but the held callback's: nothing taken, nothing said to be left or unfinished
    for (let claim = 0; claim < 2; claim++) {
      const notes: ClaimNotes = { leftBehind: true };
      expect(await h.store.claimDueDeliveries(100, 60_000, 3, busy, notes)).toEqual([]);
      expect(notes).toMatchObject({ leftBehind: false });
      expect(notes.unfinished ?? false).toBe(false);
    }
    // a change to a new callback's database: found by the claim it wakes or the next
    const due = await callbackWithDue(1);
    const taken: DueDelivery[] = [];
    for (let claim = 0; claim < 2 && taken.length === 0; claim++) taken.push(...(await h.store.claimDueDeliveries(100, 60_000, 3, busy)));
    expect(taken.map((delivery) => delivery.callback.id)).toEqual([due]);
  }, 60_000);
});
