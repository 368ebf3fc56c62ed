// Recording finished attempts, on both dialects: outcomes of deliveries that went away meanwhile, the
// 5-day disabling decided from the callback as it is when an attempt is recorded, and retries asked
// for while an attempt was in flight.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatTimestamp } from '../clock.ts';
import { createHarness, type Harness } from '../../test/support/harness.ts';
import type { AttemptOutcome, DueDelivery } from './types.ts';

const DAY = 86400_000;
const LEASE_MS = 60_000;

let h: Harness;

beforeEach(async () => {
  h = await createHarness();
  await h.request('POST', '/v1/databases', { body: { name: 'customers' } });
});

afterEach(async () => {
  await h.close();
});

async function createCallback(): Promise<string> {
  const response = await h.request('POST', '/v1/database/1/callbacks', { body: { url: 'https://hooks.example.org/t' } });
  expect(response.status, response.text).toBe(201);
  return (response.body as { ID: string }).ID;
}

function claim(): Promise<DueDelivery[]> {
  return h.store.claimDueDeliveries(100, LEASE_MS, 100);
}

/** a change, which queues a delivery for every callback, and the claim of what is due then */
async function change(): Promise<DueDelivery[]> {
  expect((await h.request('POST', '/v1/database/1/profiles', { body: {} })).status).toBe(201);
  return claim();
}

/** a sent attempt answered with `statusCode`; a failure is retried at `retryAt`, or is the last */
function answered(delivery: DueDelivery, statusCode: number, retryAt: number | null = null): AttemptOutcome {
  const succeeded = statusCode >= 200 && statusCode < 300;
  return {
    deliveryId: delivery.id,
    leaseUntil: delivery.leaseUntil,
    callbackId: delivery.callback.id,
    sent: true,
    attempt: { time: formatTimestamp(h.clock.now()), statusCode, durationMs: 3, error: null, response: null },
    status: succeeded ? 'succeeded' : retryAt === null ? 'exhausted' : 'failed',
    nextAttemptAt: succeeded ? null : retryAt,
    disableCallback: statusCode === 410 ? 'disabled after the receiver answered 410 Gone' : null,

    throttle: null,
  };
}

/** an attempt that got no answer at all (connection refused), retried in 5 s: it counts toward the breaker */
function unanswered(delivery: DueDelivery): AttemptOutcome {
  return {
    ...answered(delivery, 500, h.clock.now() + 5_000),
    attempt: { time: formatTimestamp(h.clock.now()), statusCode: null, durationMs: 3, error: 'connection refused', response: null },
    throttle: { slowDown: false, succeeded: false, pauseUntil: null, unanswered: true, answeredAgain: false },
  };
}

async function throttleOf(callbackId: number): Promise<unknown> {
  return ((await h.request('GET', `/v1/callback/${callbackId}`)).body as { throttle: unknown }).throttle;
}

async function failEverythingDue(): Promise<void> {
  await h.store.recordAttempts((await change()).map((delivery) => answered(delivery, 500)));
}

interface DeliveryDetail {
  status: string;
  attempts: number;
  nextAttempt: string | null;
  attemptLog: Array<{ statusCode: number | null }>;
}

async function delivery(id: number): Promise<DeliveryDetail> {
  const response = await h.request('GET', `/v1/delivery/${id}`);
  expect(response.status, response.text).toBe(200);
  return response.body as DeliveryDetail;
}

async function callback(id: string): Promise<{ disabled: boolean; disabledReason: string | null }> {
  return (await h.request('GET', `/v1/callback/${id}`)).body as { disabled: boolean; disabledReason: string | null };
}

describe('recording the attempts of a callback deleted meanwhile', () => {
  it.each([
    ['succeeded', 200],
    ['failed', 500],
    ['gone', 410],
  ])('drops the outcome (%s) of a delivery that went with its callback, and records the others', async (_name, statusCode) => {
    const ids = [await createCallback(), await createCallback(), await createCallback()];
    const claimed = await change();
    expect(claimed.map((due) => String(due.callback.id))).toEqual(ids);
    expect((await h.request('DELETE', `/v1/callback/${ids[1]}`)).status).toBe(204);

    await h.store.recordAttempts(claimed.map((due, index) => answered(due, index === 1 ? statusCode : 200)));

    for (const due of [claimed[0], claimed[2]]) {
      expect(await delivery(due!.id)).toMatchObject({ status: 'succeeded', attempts: 1, attemptLog: [{ statusCode: 200 }] });
    }
    expect((await h.request('GET', `/v1/delivery/${claimed[1]!.id}`)).status).toBe(404);
    // recorded, not left leased to be sent again when the lease runs out
    h.clock.advance(LEASE_MS + 1);
    expect(await claim()).toEqual([]);
  });

  it('drops the outcomes of a deleted database’s deliveries with the others in the same transaction', async () => {
    await createCallback();
    await h.request('POST', '/v1/databases', { body: { name: 'other' } });
    expect((await h.request('POST', '/v1/database/2/callbacks', { body: { url: 'https://hooks.example.org/u' } })).status).toBe(201);
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await h.request('POST', '/v1/database/2/profiles', { body: {} });
    const claimed = await claim();
    expect(claimed).toHaveLength(2);
    expect((await h.request('DELETE', '/v1/database/1')).status).toBe(204);

    await h.store.recordAttempts(claimed.map((due) => answered(due, 200)));

    expect(await delivery(claimed[1]!.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });
});

describe('recording an outcome only under the lease it was attempted under', () => {
  it('keeps the outcome of a newer claim when an older attempt, whose lease ran out, reports late', async () => {
    await createCallback();
    const [first] = await change();
    h.clock.advance(LEASE_MS + 1);
    const [second] = await claim();
    expect(second?.id).toBe(first!.id);

    await h.store.recordAttempts([answered(first!, 500, h.clock.now() + 5_000)]);
    // nothing recorded: the newer claim still holds the delivery, untouched
    expect(await delivery(first!.id)).toMatchObject({ status: 'pending', attempts: 0, attemptLog: [] });

    await h.store.recordAttempts([answered(second!, 200)]);
    expect(await delivery(first!.id)).toMatchObject({ status: 'succeeded', attempts: 1, attemptLog: [{ statusCode: 200 }] });
  });

  it('records a batch sent twice (its commit acknowledgement lost) once', async () => {
    await createCallback();
    const claimed = await change();
    const outcomes = claimed.map((due) => answered(due, 500, h.clock.now() + 5_000));
    await h.store.recordAttempts(outcomes);
    await h.store.recordAttempts(outcomes);
    expect(await delivery(claimed[0]!.id)).toMatchObject({ status: 'failed', attempts: 1, attemptLog: [{ statusCode: 500 }] });
  });
});

describe('an outcome whose lease ran out means nothing for its callback', () => {
  /** a delivery claimed, its lease run out, and claimed again: the first claim and the second */
  /** `changes` changes claimed, and claimed again by a second claim once the first one's lease ran out */
  async function claimedTwiceAll(changes: number): Promise<[DueDelivery[], DueDelivery[]]> {
    for (let i = 1; i < changes; i++) expect((await h.request('POST', '/v1/database/1/profiles', { body: {} })).status).toBe(201);
    const first = await change();
    h.clock.advance(LEASE_MS + 1);
    const second = await claim();
    expect(first).toHaveLength(changes);
    expect(second.map((due) => due.id)).toEqual(first.map((due) => due.id));
    return [first, second];
  }

  async function claimedTwice(): Promise<[DueDelivery, DueDelivery]> {
    const [[first], [second]] = await claimedTwiceAll(1);
    return [first!, second!];
  }

  it('does not begin a failing spell with a late failure', async () => {
    const id = await createCallback();
    const [first] = await claimedTwice();
    await h.store.recordAttempts([answered(first, 500, h.clock.now() + 5_000)]);
    // had that late failure counted, this one 5 days on would end a 5-day spell and disable the callback
    h.clock.advance(5 * DAY);
    await failEverythingDue();
    expect((await callback(id)).disabled).toBe(false);
  });

  it('does not disable its callback with a late 410 Gone', async () => {
    const id = await createCallback();
    const [first, second] = await claimedTwice();
    await h.store.recordAttempts([answered(first, 410)]);
    expect(await callback(id)).toMatchObject({ disabled: false, disabledReason: null });
    await h.store.recordAttempts([answered(second, 200)]);
    expect(await delivery(second.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('does not count late unanswered attempts toward a trip of the breaker', async () => {
    const id = Number(await createCallback());
    const [first, second] = await claimedTwiceAll(5);
    await h.store.recordAttempts(first.map(unanswered));
    expect(await throttleOf(id)).toBeNull();
    // the same five under the claim that holds them trip it
    await h.store.recordAttempts(second.map(unanswered));
    expect(await throttleOf(id)).toEqual({ rate: null, pausedUntil: formatTimestamp(h.clock.now() + 5_000) });
  });

  it('counts only the later of two attempts at one delivery recorded in one batch (the earlier lost its lease)', async () => {
    const id = Number(await createCallback());
    const [first, second] = await claimedTwiceAll(4);
    // four unanswered attempts count; a fifth, the first claim's of the same delivery, would trip the breaker
    await h.store.recordAttempts([unanswered(first[0]!), ...second.map(unanswered)]);
    expect(await throttleOf(id)).toBeNull();
    expect(await delivery(first[0]!.id)).toMatchObject({ attempts: 1, attemptLog: [{ statusCode: null }] });
    // the four did count: one more trips it
    await h.store.recordAttempts((await change()).map(unanswered));
    expect(await throttleOf(id)).toEqual({ rate: null, pausedUntil: formatTimestamp(h.clock.now() + 5_000) });
  });

  it('counts, once, the signals of a batch sent again after its commit’s acknowledgement was lost', async () => {
    const id = Number(await createCallback());
    for (let i = 0; i < 4; i++) expect((await h.request('POST', '/v1/database/1/profiles', { body: {} })).status).toBe(201);
    const claimed = await change();
    // the first call's commit went through, and its acknowledgement was lost before the signals were
    // applied; the recorder sends the batch again, under leases that still hold
    await h.store.recordAttempts(claimed.map((due) => ({ ...unanswered(due), throttle: null })));
    await h.store.recordAttempts(claimed.map(unanswered));
    expect(await throttleOf(id)).toEqual({ rate: null, pausedUntil: formatTimestamp(h.clock.now() + 5_000) });
    for (const due of claimed) expect(await delivery(due.id)).toMatchObject({ attempts: 1, attemptLog: [{ statusCode: null }] });
  });
});

describe('disabling a callback that keeps failing', () => {
  it('disables it at the failure 5 days after its first one, and exhausts that delivery', async () => {
    const id = await createCallback();
    const firstFailure = h.clock.now();
    await failEverythingDue();
    h.clock.advance(5 * DAY - 1);
    await failEverythingDue();
    expect((await callback(id)).disabled).toBe(false);

    h.clock.advance(1);
    const [last] = await change();
    await h.store.recordAttempts([answered(last!, 500, h.clock.now() + 5_000)]);

    expect(await callback(id)).toEqual(
      expect.objectContaining({ disabled: true, disabledReason: `disabled after every attempt failed for 5 days (since ${formatTimestamp(firstFailure)})` }),
    );
    expect(await delivery(last!.id)).toMatchObject({ status: 'exhausted', attempts: 1, nextAttempt: null });
  });

  it('counts the 5 days again after a success, also for a failure claimed before that success', async () => {
    const id = await createCallback();
    await failEverythingDue();
    h.clock.advance(5 * DAY - 1_000);
    // two attempts in flight at once: the one that fails was claimed while the callback was failing
    const [late] = await change();
    const [succeeding] = await change();
    await h.store.recordAttempts([answered(succeeding!, 200)]);
    h.clock.advance(2_000);
    const lateFailure = h.clock.now();
    await h.store.recordAttempts([answered(late!, 500, h.clock.now() + 5_000)]);

    expect((await callback(id)).disabled).toBe(false);
    expect(await delivery(late!.id)).toMatchObject({ status: 'failed', attempts: 1 });

    // the new spell began with that late failure, and lasts its own 5 days
    h.clock.advance(5 * DAY - 1);
    await failEverythingDue();
    expect((await callback(id)).disabled).toBe(false);
    h.clock.advance(1);
    await failEverythingDue();
    expect((await callback(id)).disabledReason).toBe(`disabled after every attempt failed for 5 days (since ${formatTimestamp(lateFailure)})`);
  });

  it('keeps the reason of a callback disabled by hand while its attempt failed', async () => {
    const id = await createCallback();
    await failEverythingDue();
    h.clock.advance(5 * DAY);
    const [due] = await change();
    await h.request('PUT', `/v1/callback/${id}`, { body: { disabled: true } });
    await h.store.recordAttempts([answered(due!, 500)]);
    expect(await callback(id)).toMatchObject({ disabled: true, disabledReason: null });
  });
});

describe('a retry asked for while an attempt is in flight', () => {
  it.each([
    ['with retries left', 300_000],
    ['that was the last', null],
  ])('sends the delivery again at once, with a fresh round of retries, when that attempt failed (%s)', async (_name, retryIn) => {
    await createCallback();
    const [due] = await change();
    const asked = await h.request('POST', `/v1/delivery/${due!.id}/retry`);
    expect(asked).toMatchObject({ status: 202, body: { status: 'pending', attempts: 0 } });
    // not queued twice while the attempt is in flight
    expect(await claim()).toEqual([]);

    await h.store.recordAttempts([answered(due!, 500, retryIn === null ? null : h.clock.now() + retryIn)]);

    expect(await delivery(due!.id)).toMatchObject({ status: 'pending', attempts: 1, nextAttempt: formatTimestamp(h.clock.now()) });
    const [again] = await claim();
    expect(again).toMatchObject({ id: due!.id, webhookId: due!.webhookId, attempts: 1, retryBase: 1 });
    // applied once: the next failure follows the schedule
    await h.store.recordAttempts([answered(again!, 500, h.clock.now() + 5_000)]);
    expect(await delivery(due!.id)).toMatchObject({ status: 'failed', attempts: 2, nextAttempt: formatTimestamp(h.clock.now() + 5_000) });
  });

  it('needs nothing more when that attempt succeeded', async () => {
    await createCallback();
    const [due] = await change();
    expect((await h.request('POST', `/v1/delivery/${due!.id}/retry`)).status).toBe(202);
    await h.store.recordAttempts([answered(due!, 200)]);
    expect(await delivery(due!.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(await claim()).toEqual([]);

    // asked for no more: a retry by hand later and its failure follow the schedule
    expect((await h.request('POST', `/v1/delivery/${due!.id}/retry`)).body).toMatchObject({ status: 'pending' });
    const [again] = await claim();
    await h.store.recordAttempts([answered(again!, 500, h.clock.now() + 5_000)]);
    expect(await delivery(due!.id)).toMatchObject({ status: 'failed', attempts: 2 });
  });

  it('queues at once a delivery whose lease ran out, as a retry of any delivery not in flight', async () => {
    await createCallback();
    const [due] = await change();
    h.clock.advance(LEASE_MS + 1);
    expect((await h.request('POST', `/v1/delivery/${due!.id}/retry`)).body).toMatchObject({ status: 'pending' });
    expect(await claim()).toMatchObject([{ id: due!.id }]);
  });
});
