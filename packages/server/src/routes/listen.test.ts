// The store's and the report's side of `tidings listen` (the stream and the CLI: test/listen.e2e.test.ts):
// a held callback is passed over by the worker, its deliveries are leased to a listener, and a report
// is recorded once, as the listener's attempt, only while its lease holds.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/support/harness.ts';
import { startReceiver, type Receiver } from '../../test/support/receiver.ts';

let h: Harness;
let receiver: Receiver;

beforeEach(async () => {
  h = await createHarness({ TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8', TIDINGS_RETRY_SCHEDULE: '0,5' }, { clockStart: Date.parse('2026-03-02T08:00:00Z') });
  receiver = await startReceiver();
  await h.request('POST', '/v1/databases', { body: { name: 'customers' } });
  await h.request('POST', '/v1/database/1/callbacks', { body: { url: `${receiver.url}/hook` } });
});

afterEach(async () => {
  await h.close();
  await receiver.close();
});

const ACCOUNT = 1;
const report = (delivery: number, body: unknown, callback = 1) => h.request('POST', `/v1/callback/${callback}/listen/${delivery}`, { body });
const answered = (lease: number, statusCode: number) => ({ lease: String(lease), statusCode, durationMs: 3, response: 'ok', error: null });

describe('listening to a callback', () => {
  it('keeps the worker off a held callback, and sends to its URL once the hold is over', async () => {
    expect(await h.store.listeners.hold(ACCOUNT, 1, h.clock.now() + 30_000)).toBe(true);
    const worker = h.startWorker({ pollIntervalMs: 20 });
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: {} } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.requests).toHaveLength(0);
    expect((await h.request('GET', '/v1/callback/1')).body).toMatchObject({ listenedUntil: '2026-03-02 08:00:30' });
    h.clock.advance(31_000);
    worker.wake();
    await receiver.waitFor(1);
  });

  it('refuses to hold another account’s callback', async () => {
    const intruder = await h.newAccount('intruder');
    const principal = await h.store.authenticate(intruder);
    expect(await h.store.listeners.hold(principal!.accountId, 1, h.clock.now() + 30_000)).toBe(false);
  });

  it('records a report once, as the listener’s attempt, and retries a failure on the schedule', async () => {
    await h.store.listeners.hold(ACCOUNT, 1, h.clock.now() + 30_000);
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: {} } });
    const [first] = await h.store.listeners.claim(1, 10, 10_000);
    expect(first).toMatchObject({ attempts: 0, callback: { id: 1 } });
    // leased: a second claim gets nothing
    expect(await h.store.listeners.claim(1, 10, 10_000)).toEqual([]);
    const failed = await report(first!.id, answered(first!.leaseUntil, 500));
    expect(failed).toMatchObject({ status: 200, body: { status: 'failed', attempts: 1, lastStatusCode: 500 } });
    expect(await report(first!.id, answered(first!.leaseUntil, 200))).toMatchObject({ status: 409, body: { error: { code: 'listen_lease_lost' } } });
    // the retry is due after 5 s
    expect(await h.store.listeners.claim(1, 10, 10_000)).toEqual([]);
    h.clock.advance(6_000);
    const [again] = await h.store.listeners.claim(1, 10, 10_000);
    expect(again).toMatchObject({ id: first!.id, webhookId: first!.webhookId, attempts: 1 });
    expect(await report(again!.id, answered(again!.leaseUntil, 204))).toMatchObject({ status: 200, body: { status: 'succeeded', attempts: 2 } });
    const detail = await h.request('GET', `/v1/delivery/${first!.id}`);
    expect((detail.body as { attemptLog: unknown[] }).attemptLog).toEqual([
      expect.objectContaining({ statusCode: 500, via: 'listener' }),
      expect.objectContaining({ statusCode: 204, via: 'listener' }),
    ]);
  });

  it('refuses a report whose lease ran out: the delivery may be another listener’s by then', async () => {
    await h.store.listeners.hold(ACCOUNT, 1, h.clock.now() + 60_000);
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: {} } });
    const [stale] = await h.store.listeners.claim(1, 10, 10_000);
    h.clock.advance(11_000);
    const [fresh] = await h.store.listeners.claim(1, 10, 10_000);
    expect(fresh?.id).toBe(stale!.id);
    expect(await report(stale!.id, answered(stale!.leaseUntil, 200))).toMatchObject({ status: 409 });
    expect(await report(fresh!.id, answered(fresh!.leaseUntil, 200))).toMatchObject({ status: 200, body: { status: 'succeeded', attempts: 1 } });
  });

  it('answers 404 for a callback or delivery the account does not have, and 403 to a read-only token', async () => {
    expect(await report(99, answered(1, 200), 7)).toMatchObject({ status: 404, body: { error: { code: 'callback_not_found' } } });
    expect(await report(99, answered(1, 200))).toMatchObject({ status: 404, body: { error: { code: 'delivery_not_found' } } });
    const intruder = await h.newAccount('intruder');
    expect(await h.request('GET', '/v1/callback/1/listen', { token: intruder })).toMatchObject({ status: 404 });
    const readOnly = await h.newAccount('reader', true);
    expect(await h.request('POST', '/v1/callback/1/listen/1', { token: readOnly, body: answered(1, 200) })).toMatchObject({ status: 403 });
  });
});
