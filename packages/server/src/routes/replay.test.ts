import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatTimestamp } from '../clock.ts';
import { createHarness, type Harness } from '../../test/support/harness.ts';
import { eventually, startReceiver, type Receiver } from '../../test/support/receiver.ts';

let h: Harness;
let receiver: Receiver;

beforeEach(async () => {
  // one attempt each: a failure is final at once
  h = await createHarness({ TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8', TIDINGS_RETRY_SCHEDULE: '0' }, { clockStart: Date.parse('2026-03-02T08:00:00Z') });
  receiver = await startReceiver();
  await h.request('POST', '/v1/databases', { body: { name: 'customers' } });
  await h.request('POST', '/v1/database/1/callbacks', { body: { url: `${receiver.url}/hook` } });
});

afterEach(async () => {
  await h.close();
  await receiver.close();
});

async function statuses(): Promise<string[]> {
  const list = (await h.request('GET', '/v1/callback/1/deliveries')).body as { data: Array<{ status: string }> };
  return list.data.map((delivery) => delivery.status).reverse();
}

const replay = (body: unknown) => h.request('POST', '/v1/callback/1/replay', { body });

describe('replaying a window', () => {
  it('sends again what the receiver never got in the window, each with its webhook-id', async () => {
    receiver.respond((_request, _index, response) => {
      response.writeHead(503).end();
    });
    h.startWorker();
    for (let i = 0; i < 3; i++) await h.request('POST', '/v1/database/1/profiles', { body: { fields: { i: String(i) } } });
    await eventually(async () => (await statuses()).join() === 'exhausted,exhausted,exhausted');
    const missed = receiver.requests.map((request) => request.headers['webhook-id']);
    h.clock.advance(3600_000);
    receiver.respond((_request, _index, response) => {
      response.writeHead(200).end('ok');
    });
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: { i: 'later' } } });
    await eventually(async () => (await statuses()).at(-1) === 'succeeded');

    const answer = await replay({ since: '2026-03-02 07:59:00', until: '2026-03-02 08:30:00' });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ queued: 3, more: false });
    // replaying the window again while the first replay is on its way queues nothing twice
    expect((await replay({ since: '2026-03-02 07:59:00', until: '2026-03-02 08:30:00' })).body).toEqual({ queued: 0, more: false });
    await receiver.waitFor(7);
    await eventually(async () => (await statuses()).every((status) => status === 'succeeded'));
    expect(receiver.requests.slice(4).map((request) => request.headers['webhook-id']).sort()).toEqual([...missed].sort());

    // succeeded ones only when asked for; a window with nothing in it queues nothing
    expect((await replay({ since: '2026-03-02 08:59:00', status: 'succeeded' })).body).toEqual({ queued: 1, more: false });
    expect((await replay({ since: '2026-03-02 08:45:00', until: '2026-03-02 08:50:00' })).body).toEqual({ queued: 0, more: false });
    await receiver.waitFor(8);
  });

  it('queues at most the number asked for and says more are left', async () => {
    receiver.respond((_request, _index, response) => {
      response.writeHead(500).end();
    });
    h.startWorker();
    for (let i = 0; i < 5; i++) await h.request('POST', '/v1/database/1/profiles', { body: { fields: {} } });
    await eventually(async () => (await statuses()).filter((status) => status === 'exhausted').length === 5);
    const window = { since: h.clock.now() - 60_000, until: h.clock.now(), statuses: ['exhausted'], most: 2 };
    const accountId = (await h.store.authenticate(h.token))?.accountId as number;
    expect(await h.store.replayDeliveries(accountId, 1, window)).toEqual({ queued: 2, more: true });
    // other accounts' callbacks are not found
    expect(await h.store.replayDeliveries(accountId + 1, 1, window)).toBeNull();
  });

  it('refuses a window that ends before it begins, a moment that does not exist, and another account', async () => {
    const backwards = await replay({ since: '2026-03-02 10:00:00', until: '2026-03-02 09:00:00' });
    expect(backwards.status).toBe(400);
    expect(backwards.body).toMatchObject({ error: { code: 'invalid_body' } });
    expect((await replay({ since: '2026-02-31 10:00:00' })).status).toBe(400);
    expect((await replay({ since: 'yesterday' })).status).toBe(400);
    expect((await replay({})).status).toBe(400);
    const other = await h.newAccount('other');
    const foreign = await h.request('POST', '/v1/callback/1/replay', { body: { since: formatTimestamp(h.clock.now()) }, token: other });
    expect(foreign.status).toBe(404);
    const readOnly = await h.newAccount('reader', true);
    expect((await h.request('POST', '/v1/callback/1/replay', { body: { since: formatTimestamp(h.clock.now()) }, token: readOnly })).status).toBe(403);
  });
});

describe('changes while a callback is disabled', () => {
  it('are kept as missed, not sent, and a replay sends them once the callback is enabled again', async () => {
    h.startWorker();
    await h.request('PUT', '/v1/callback/1', { body: { disabled: true } });
    for (let i = 0; i < 2; i++) await h.request('POST', '/v1/database/1/profiles', { body: { fields: { i: String(i) } } });
    expect(await statuses()).toEqual(['missed', 'missed']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.requests).toHaveLength(0);
    await h.request('PUT', '/v1/callback/1', { body: { disabled: false } });
    expect((await replay({ since: '2026-03-02 07:00:00' })).body).toEqual({ queued: 2, more: false });
    await receiver.waitFor(2);
    await eventually(async () => (await statuses()).join() === 'succeeded,succeeded');
    const ids = ((await h.request('GET', '/v1/callback/1/deliveries')).body as { data: Array<{ webhookId: string }> }).data.map((delivery) => delivery.webhookId);
    expect(receiver.requests.map((request) => request.headers['webhook-id']).sort()).toEqual(ids.sort());
  });
});
