// A callback's rate limit on both dialects: send slots taken from the callback's row (so every
// worker shares them), the rate halved by answers that ask to slow down and raised by successes,
// Retry-After pauses, and the throttle as GET /callback/{id} shows it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatTimestamp } from '../clock.ts';
import { createHarness, type Harness } from '../../test/support/harness.ts';
import type { AttemptOutcome, DueDelivery, ThrottleSignal } from './types.ts';

let h: Harness;

beforeEach(async () => {
  h = await createHarness();
  await h.request('POST', '/v1/databases', { body: { name: 'customers' } });
});

afterEach(async () => {
  await h.close();
});

async function createCallback(rateLimit: number | null): Promise<number> {
  const response = await h.request('POST', '/v1/database/1/callbacks', { body: { url: 'https://hooks.example.org/t', rateLimit } });
  expect(response.status, response.text).toBe(201);
  return Number((response.body as { ID: string }).ID);
}

/** The callback's next send slot, taken however far off it is (as every worker takes them); null without a rate limit. */
async function slot(store: Pick<Harness['store'], 'throttles'>, callbackId: number, nowMs: number): Promise<number | null> {
  return (await store.throttles.reserveSlot(callbackId, nowMs, Infinity))?.at ?? null;
}

async function throttleOf(callbackId: number): Promise<{ rate: number | null; pausedUntil: string | null } | null> {
  const response = await h.request('GET', `/v1/callback/${callbackId}`);
  expect(response.status).toBe(200);
  return (response.body as { throttle: { rate: number | null; pausedUntil: string | null } | null }).throttle;
}

/**
 * An answer's signal recorded on a delivery of the callback, as the worker records it: a new change,
 * then a claim of whatever is due, each recorded with `signal`, `times` times over.
 */
async function answered(callbackId: number, signal: ThrottleSignal, times = 1): Promise<void> {
  for (let time = 0; time < times; time++) {
    expect((await h.request('POST', '/v1/database/1/profiles', { body: {} })).status).toBe(201);
    const claimed = await h.store.claimDueDeliveries(100, 60_000, 100);
    await record(claimed, signal, signal.succeeded ? 'succeeded' : 'failed', callbackId);
  }
}

/**
 * Records an attempt at each claimed delivery, retried in `retryInMs` when it failed; the signal goes
 * with those of `callbackId` (all by default).
 */
async function record(
  claimed: DueDelivery[],
  signal: ThrottleSignal | null,
  status: AttemptOutcome['status'],
  callbackId?: number,
  retryInMs = 60_000,
): Promise<void> {
  const outcomes: AttemptOutcome[] = claimed.map((delivery) => ({
    deliveryId: delivery.id,
    leaseUntil: delivery.leaseUntil,
    callbackId: delivery.callback.id,
    sent: true,
    attempt: { time: formatTimestamp(h.clock.now()), statusCode: signal?.succeeded ? 200 : 429, durationMs: 3, error: null, response: null },
    status,
    nextAttemptAt: status === 'failed' ? h.clock.now() + retryInMs : null,
    disableCallback: null,
    throttle: callbackId === undefined || delivery.callback.id === callbackId ? signal : null,
  }));
  await h.store.recordAttempts(outcomes);
}

/**
 * A backlog of `count` deliveries, retried in a second, then five unanswered attempts at the callback
 * (each at a new change): the breaker trips. Returns when its pause ends.
 */
async function tripWithBacklog(callbackId: number, count: number): Promise<number> {
  for (let i = 0; i < count; i++) expect((await h.request('POST', '/v1/database/1/profiles', { body: {} })).status).toBe(201);
  await record(await h.store.claimDueDeliveries(100, 60_000, 100), null, 'failed', undefined, 1000);
  await answered(callbackId, UNANSWERED, 5);
  return h.clock.now() + 5_000;
}

/** The open deliveries of a callback, earliest first, as the API shows their next attempt. */
async function nextAttempts(callbackId: number): Promise<Array<string | null>> {
  const response = await h.request('GET', `/v1/callback/${callbackId}/deliveries?limit=100`);
  expect(response.status).toBe(200);
  const deliveries = (response.body as { data: Array<{ ID: string; status: string; nextAttempt: string | null }> }).data;
  return deliveries
    .filter((delivery) => delivery.status === 'pending' || delivery.status === 'failed')
    .sort((a, b) => Number(a.ID) - Number(b.ID))
    .map((delivery) => delivery.nextAttempt);
}

function signal(parts: Partial<ThrottleSignal>): ThrottleSignal {
  return { slowDown: false, succeeded: false, pauseUntil: null, unanswered: false, answeredAgain: false, ...parts };
}

const SLOW_DOWN = signal({ slowDown: true });
const SUCCESS = signal({ succeeded: true });
const UNANSWERED = signal({ unanswered: true });

describe('callback rate limits', () => {
  it('hands out send slots 1000 / rate ms apart, shared by every worker, from now on after a quiet spell', async () => {
    const id = await createCallback(4);
    const now = h.clock.now();
    const other = await h.openAnotherStore();
    const slots = [
      await slot(h.store, id, now),
      await slot(other, id, now),
      await slot(h.store, id, now),
    ];
    expect(slots).toEqual([now, now + 250, now + 500]);
    // after a quiet spell the next slot is now, not a burst to make up for the time unused
    h.clock.advance(10_000);
    expect(await slot(h.store, id, h.clock.now())).toBe(h.clock.now());
  });

  it('has no slots for a callback without a rate limit, or whose limit was removed', async () => {
    const id = await createCallback(null);
    expect(await slot(h.store, id, h.clock.now())).toBeNull();
    expect(await throttleOf(id)).toBeNull();
    const limited = await createCallback(10);
    expect((await h.request('PUT', `/v1/callback/${limited}`, { body: { rateLimit: null } })).status).toBe(200);
    expect(await slot(h.store, limited, h.clock.now())).toBeNull();
  });

  it('halves the rate on an answer that asks to slow down, once a second at most, never below one message in 10 s', async () => {
    const id = await createCallback(8);
    expect(await throttleOf(id)).toEqual({ rate: 8, pausedUntil: null });
    await answered(id, SLOW_DOWN);
    expect(await throttleOf(id)).toEqual({ rate: 4, pausedUntil: null });
    // more answers of the same overload within the second count once
    await answered(id, SLOW_DOWN);
    expect(await throttleOf(id)).toEqual({ rate: 4, pausedUntil: null });
    for (let i = 0; i < 10; i++) {
      h.clock.advance(1000);
      await answered(id, SLOW_DOWN);
    }
    expect(await throttleOf(id)).toEqual({ rate: 0.1, pausedUntil: null });
    // slots follow the rate: 10 s apart now
    const now = h.clock.now() + 60_000;
    const first = await slot(h.store, id, now);
    expect((await slot(h.store, id, now))! - first!).toBeCloseTo(10_000, 6);
  });

  it('takes a slot only within the time asked, and tells when a further one begins, for whoever comes back then to take', async () => {
    const id = await createCallback(1);
    for (let i = 0; i < 4; i++) {
      h.clock.advance(1000);
      await answered(id, SLOW_DOWN);
    }
    expect(await throttleOf(id)).toEqual({ rate: 0.1, pausedUntil: null });
    const now = h.clock.now();
    const within = async (at: number) => h.store.throttles.reserveSlot(id, at, 5_000);
    expect(await within(now)).toEqual({ at: now, taken: true });
    // 10 s off: told, not taken, however often asked
    expect(await within(now)).toEqual({ at: now + 10_000, taken: false });
    expect(await within(now + 1_000)).toEqual({ at: now + 10_000, taken: false });
    // within reach: taken, and the next one is 10 s after it
    expect(await within(now + 6_000)).toEqual({ at: now + 10_000, taken: true });
    expect(await within(now + 10_000)).toEqual({ at: now + 20_000, taken: false });
    expect(await slot(h.store, id, now + 15_000)).toBeCloseTo(now + 20_000, 6);
    expect(await slot(h.store, id, now + 15_000)).toBeCloseTo(now + 30_000, 6);
    // a next slot pushed hours off (by a version that took every slot it told) comes back within reach
    await slot(h.store, id, now + 3600_000);
    expect(await within(now + 20_000)).toEqual({ at: now + 35_000, taken: false });
    // and taken by whoever comes back for it then
    expect(await within(now + 35_000)).toEqual({ at: now + 35_000, taken: true });
    // one a little further off than it can be (another host's clock ahead) is left as it is
    await slot(h.store, id, now + 90_000);
    expect(await within(now + 40_000)).toEqual({ at: now + 100_000, taken: false });
  });

  it('raises a lowered rate with each success back to its limit, and then writes nothing more', async () => {
    const id = await createCallback(40);
    await answered(id, SLOW_DOWN);
    expect((await throttleOf(id))?.rate).toBe(20);
    // a step of 2 (a twentieth of the limit) a second: 20 → 20.1 after one success at 20/s
    await answered(id, SUCCESS);
    expect((await throttleOf(id))?.rate).toBe(20.1);
    for (let i = 0; i < 400; i++) await answered(id, SUCCESS);
    expect(await throttleOf(id)).toEqual({ rate: 40, pausedUntil: null });
  });

  it('pauses the whole callback on a Retry-After, with or without a rate limit, and slots wait for the pause', async () => {
    const unlimited = await createCallback(null);
    const limited = await createCallback(2);
    const until = h.clock.now() + 30_000;
    await answered(unlimited, signal({ pauseUntil: until }));
    await answered(limited, signal({ slowDown: true, pauseUntil: until }));
    expect(await throttleOf(unlimited)).toEqual({ rate: null, pausedUntil: formatTimestamp(until) });
    expect(await throttleOf(limited)).toEqual({ rate: 1, pausedUntil: formatTimestamp(until) });
    expect(await slot(h.store, limited, h.clock.now())).toBe(until);
    // a claim tells the worker of the pause
    expect((await h.request('POST', '/v1/database/1/profiles', { body: {} })).status).toBe(201);
    const claimed = await h.store.claimDueDeliveries(100, 60_000, 100);
    expect(claimed.map((delivery) => delivery.callback.pausedUntil)).toEqual([until, until]);
    // over once its time has passed
    h.clock.advance(30_001);
    expect(await throttleOf(unlimited)).toBeNull();
  });

  it('trips the breaker after 5 unanswered attempts in a row: the callback pauses and its due deliveries wait out the pause, unattempted', async () => {
    const id = await createCallback(null);
    const other = await createCallback(null);
    // a backlog of both callbacks, retried in a second
    for (let i = 0; i < 3; i++) expect((await h.request('POST', '/v1/database/1/profiles', { body: {} })).status).toBe(201);
    const backlog = await h.store.claimDueDeliveries(100, 60_000, 100);
    await h.store.recordAttempts(
      backlog.map((delivery) => ({
        deliveryId: delivery.id,
        leaseUntil: delivery.leaseUntil,
        callbackId: delivery.callback.id,
        sent: true,
        attempt: { time: formatTimestamp(h.clock.now()), statusCode: 500, durationMs: 3, error: null, response: null },
        status: 'failed',
        nextAttemptAt: h.clock.now() + 1000,
        disableCallback: null,
        throttle: null,
      })),
    );
    for (let i = 0; i < 4; i++) await answered(id, UNANSWERED);
    expect(await throttleOf(id)).toBeNull();
    await answered(id, UNANSWERED);
    const until = h.clock.now() + 5_000;
    expect(await throttleOf(id)).toEqual({ rate: null, pausedUntil: formatTimestamp(until) });
    // when the backlog is due, a claim finds the other callback's only: the paused one's wait for the pause's end
    h.clock.advance(1000);
    const claimed = await h.store.claimDueDeliveries(100, 60_000, 100);
    expect(claimed.map((delivery) => delivery.callback.id)).toEqual([other, other, other]);
    // the backlog is parked: shown pending with no next attempt, but the probe, due at the pause's end
    expect((await nextAttempts(id)).slice(0, 3)).toEqual([formatTimestamp(until), null, null]);
    h.clock.advance(4000);
    const probes = await h.store.claimDueDeliveries(100, 60_000, 100);
    expect(probes.map((delivery) => [delivery.callback.id, delivery.attempts, delivery.callback.unreachable])).toEqual([[id, 1, true]]);
  });

  it('parks the backlog once: an unanswered probe trips the breaker again at once, and makes only the next probe due', async () => {
    const id = await createCallback(null);
    const until = await tripWithBacklog(id, 3);
    expect((await nextAttempts(id)).slice(0, 3)).toEqual([formatTimestamp(until), null, null]);
    expect((await h.store.queueDepth()).parked).toBe(2);
    h.clock.advance(5_000);
    const probes = await h.store.claimDueDeliveries(100, 60_000, 100);
    expect(probes.map((delivery) => delivery.callback.id)).toEqual([id]);
    await record(probes, UNANSWERED, 'failed');
    // half-open: one unanswered probe trips it again, for twice as long; one parked delivery is the next probe
    expect((await throttleOf(id))?.pausedUntil).toBe(formatTimestamp(h.clock.now() + 10_000));
    expect((await nextAttempts(id)).slice(0, 3)).toEqual([formatTimestamp(h.clock.now() + 60_000), formatTimestamp(h.clock.now() + 10_000), null]);
    expect(await h.store.claimDueDeliveries(100, 60_000, 100)).toEqual([]);
    h.clock.advance(10_000);
    const next = await h.store.claimDueDeliveries(100, 60_000, 100);
    expect(next.map((delivery) => [delivery.callback.id, delivery.attempts])).toEqual([[id, 1]]);
  });

  it('releases a parked backlog at the first answer, due at once and in order', async () => {
    const id = await createCallback(null);
    await tripWithBacklog(id, 3);
    h.clock.advance(5_000);
    const probes = await h.store.claimDueDeliveries(100, 60_000, 100);
    expect(probes).toHaveLength(1);
    await record(probes, signal({ answeredAgain: true }), 'failed');
    expect(await throttleOf(id)).toBeNull();
    expect(await nextAttempts(id)).not.toContain(null);
    const released = await h.store.claimDueDeliveries(100, 60_000, 100);
    expect(released.map((delivery) => delivery.callback.id)).toEqual([id, id]);
    expect(released.map((delivery) => delivery.id)).toEqual(released.map((delivery) => delivery.id).sort((a, b) => a - b));
  });

  it('makes another parked delivery due at once when the probe’s last attempt goes unanswered', async () => {
    const id = await createCallback(null);
    await tripWithBacklog(id, 3);
    h.clock.advance(5_000);
    const [probe] = await h.store.claimDueDeliveries(100, 60_000, 100);
    // its retries used up, the probe ends exhausted: the breaker trips again (its next probe due at
    // the pause's end), and one more parked delivery is due now, so the backlog never waits on nothing
    await record([probe as DueDelivery], UNANSWERED, 'exhausted');
    const now = await h.store.claimDueDeliveries(100, 60_000, 100);
    expect(now.map((delivery) => delivery.callback.id)).toEqual([id]);
    expect(now[0]?.id).not.toBe(probe?.id);
    h.clock.advance(10_000);
    expect((await h.store.claimDueDeliveries(100, 60_000, 100)).map((delivery) => delivery.callback.id)).toEqual([id]);
    expect(await nextAttempts(id)).not.toContain(null);
  });

  it('gives a parked backlog left without a probe one back, once its pause is long over (a crash after the probe’s last outcome)', async () => {
    const id = await createCallback(null);
    await tripWithBacklog(id, 3);
    h.clock.advance(5_000);
    const [probe] = await h.store.claimDueDeliveries(100, 60_000, 100);
    // the probe's last outcome committed, and the process died before what follows it (afterProbe)
    await record([probe as DueDelivery], null, 'exhausted');
    expect((await h.store.queueDepth()).parked).toBe(2);
    expect(await nextAttempts(id)).not.toContain(formatTimestamp(h.clock.now()));
    // not before a probe would have been sent and its outcome recorded (the grace, 1 s here)
    expect(await h.store.throttles.reviveParkedBacklogs(1_000)).toBe(0);
    h.clock.advance(2_000);
    expect(await h.store.throttles.reviveParkedBacklogs(1_000)).toBe(1);
    expect((await h.store.queueDepth()).parked).toBe(1);
    expect(await nextAttempts(id)).toContain(formatTimestamp(h.clock.now()));
    await h.store.claimDueDeliveries(100, 60_000, 100);
    // the new probe is on its way (leased): nothing more to see to
    expect(await h.store.throttles.reviveParkedBacklogs(0)).toBe(0);
    expect((await h.store.queueDepth()).parked).toBe(1);
  });

  it('leaves a parked backlog alone while a delivery of its callback is due (a probe waiting for its turn)', async () => {
    const id = await createCallback(null);
    await tripWithBacklog(id, 3);
    // the pause ended long ago, and the probe has not been claimed yet: the queue lags
    h.clock.advance(5_000 + 120_000);
    expect(await h.store.throttles.reviveParkedBacklogs(60_000)).toBe(0);
    expect((await h.store.queueDepth()).parked).toBe(2);
  });

  it('makes another parked delivery due at once when a probe ends without being sent', async () => {
    const id = await createCallback(null);
    await tripWithBacklog(id, 3);
    h.clock.advance(5_000);
    const [probe] = await h.store.claimDueDeliveries(100, 60_000, 100);
    expect(probe?.callback.unreachable).toBe(true);
    // its condition did not match (the worker discards it) or failed: what the worker then tells the store
    await h.store.throttles.probeUnsent(id);
    const next = await h.store.claimDueDeliveries(100, 60_000, 100);
    expect(next.map((delivery) => delivery.callback.id)).toEqual([id]);
    expect(next[0]?.id).not.toBe(probe?.id);
  });

  it('releases the parked backlog of a callback that its probe’s unanswered attempt disabled (failing for 5 days)', async () => {
    const id = await createCallback(null);
    await tripWithBacklog(id, 3);
    h.clock.advance(5 * 86_400_000);
    const probes = await h.store.claimDueDeliveries(100, 60_000, 100);
    await record(probes.filter((delivery) => delivery.callback.id === id).slice(0, 1), UNANSWERED, 'failed');
    const callback = await h.request('GET', `/v1/callback/${id}`);
    expect(callback.body).toMatchObject({ disabled: true });
    // released, to be settled as a disabled callback's queued messages are: exhausted
    expect(await nextAttempts(id)).not.toContain(null);
  });

  it('keeps the breaker and the parked backlog when a PUT sends the URL the callback has', async () => {
    const id = await createCallback(null);
    const until = await tripWithBacklog(id, 2);
    const same = await h.request('PUT', `/v1/callback/${id}`, { body: { url: 'https://hooks.example.org/t', disabled: false } });
    expect(same.status, same.text).toBe(200);
    expect((await throttleOf(id))?.pausedUntil).toBe(formatTimestamp(until));
    expect(await nextAttempts(id)).toContain(null);
  });

  it('closes the breaker and releases the parked backlog when the callback’s URL changes, and when a listener takes it', async () => {
    const id = await createCallback(null);
    await tripWithBacklog(id, 2);
    expect((await nextAttempts(id)).filter((next) => next === null)).toHaveLength(1);
    const moved = await h.request('PUT', `/v1/callback/${id}`, { body: { url: 'https://hooks.example.org/new' } });
    expect(moved.status, moved.text).toBe(200);
    expect(await throttleOf(id)).toBeNull();
    expect(await nextAttempts(id)).not.toContain(null);
    expect((await h.store.claimDueDeliveries(100, 60_000, 100)).map((delivery) => delivery.callback.id)).toEqual([id]);

    const other = await createCallback(null);
    await tripWithBacklog(other, 2);
    expect(await nextAttempts(other)).toContain(null);
    const account = (await h.store.authenticate(h.token))?.accountId as number;
    expect(await h.store.listeners.hold(account, other, h.clock.now() + 60_000)).toBe(true);
    expect(await nextAttempts(other)).not.toContain(null);
  });

  it('makes a change queued while its callback is paused due when the pause ends, not before', async () => {
    const id = await createCallback(null);
    for (let i = 0; i < 5; i++) await answered(id, UNANSWERED);
    const until = h.clock.now() + 5_000;
    expect((await throttleOf(id))?.pausedUntil).toBe(formatTimestamp(until));
    expect((await h.request('POST', '/v1/database/1/profiles', { body: {} })).status).toBe(201);
    expect(await h.store.nextDueTime()).toBe(until);
  });

  it('doubles the breaker’s pause each time it trips again, and ends the streak at the first answer', async () => {
    const id = await createCallback(null);
    for (let i = 0; i < 5; i++) await answered(id, UNANSWERED);
    h.clock.advance(5_000);
    for (let i = 0; i < 5; i++) await answered(id, UNANSWERED);
    expect((await throttleOf(id))?.pausedUntil).toBe(formatTimestamp(h.clock.now() + 10_000));
    h.clock.advance(10_000);
    await answered(id, signal({ answeredAgain: true }));
    // a new streak starts from nothing: four more unanswered attempts trip nothing
    for (let i = 0; i < 4; i++) await answered(id, UNANSWERED);
    expect(await throttleOf(id)).toBeNull();
  });

  it('trips once for a burst of unanswered attempts, and counts none that end while the callback is paused', async () => {
    const id = await createCallback(null);
    for (let i = 0; i < 15; i++) expect((await h.request('POST', '/v1/database/1/profiles', { body: {} })).status).toBe(201);
    // sixteen refused at once, recorded together: one trip, the first pause (5 s)
    await answered(id, UNANSWERED);
    expect((await throttleOf(id))?.pausedUntil).toBe(formatTimestamp(h.clock.now() + 5_000));
    // stragglers sent before the pause was known change nothing
    for (let i = 0; i < 10; i++) await answered(id, UNANSWERED);
    expect((await throttleOf(id))?.pausedUntil).toBe(formatTimestamp(h.clock.now() + 5_000));
  });

  it('starts a changed limit at its full rate', async () => {
    const id = await createCallback(10);
    await answered(id, SLOW_DOWN);
    expect((await throttleOf(id))?.rate).toBe(5);
    const updated = await h.request('PUT', `/v1/callback/${id}`, { body: { rateLimit: 30 } });
    expect(updated.body).toMatchObject({ rateLimit: 30, throttle: { rate: 30, pausedUntil: null } });
  });

  it('refuses a rate limit out of bounds with a 400 naming the field', async () => {
    for (const rateLimit of [0, 10_001, 2.5, '10']) {
      const response = await h.request('POST', '/v1/database/1/callbacks', { body: { url: 'https://hooks.example.org/t', rateLimit } });
      expect(response.status).toBe(400);
      expect(response.text).toContain('rateLimit');
    }
  });

  it('defers a claimed delivery only under the lease the claim took', async () => {
    const id = await createCallback(1);
    expect((await h.request('POST', '/v1/database/1/profiles', { body: {} })).status).toBe(201);
    const [delivery] = await h.store.claimDueDeliveries(100, 60_000, 100);
    expect(delivery?.callback).toMatchObject({ id, rateLimit: 1, rate: 1, pausedUntil: null });
    expect(await h.store.throttles.extendLease(delivery!.id, delivery!.leaseUntil + 1, delivery!.leaseUntil + 5000)).toBe(false);
    expect(await h.store.throttles.extendLease(delivery!.id, delivery!.leaseUntil, delivery!.leaseUntil + 5000)).toBe(true);
    await h.store.throttles.deferDelivery(delivery!.id, delivery!.leaseUntil + 5000, h.clock.now() + 20_000);
    // deferred: not due until then, and no attempt counted
    expect(await h.store.claimDueDeliveries(100, 60_000, 100)).toEqual([]);
    h.clock.advance(20_000);
    const [again] = await h.store.claimDueDeliveries(100, 60_000, 100);
    expect(again).toMatchObject({ id: delivery!.id, attempts: 0 });
  });
});
