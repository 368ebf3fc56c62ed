// Receivers that misbehave: down for a while, failing half the time, never answering, answering
// without end. Everything is delivered once they behave, and a healthy receiver next to the bad
// ones is not slowed down (measured and reported; timings are never assertions).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';
import { answer, eventually, startReceiver, type Receiver } from '../support/receiver.ts';

let h: Harness;
const cleanups: Array<() => Promise<void>> = [];

beforeEach(async () => {
  h = await createHarness({ TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8' }, { clockStart: Date.now() });
  await h.request('POST', '/v1/databases', { body: { name: 'db' } });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await h.close();
});

async function receiver(): Promise<Receiver> {
  const started = await startReceiver();
  cleanups.push(() => started.close());
  return started;
}

async function callback(url: string): Promise<string> {
  const response = await h.request('POST', '/v1/database/1/callbacks', { body: { url } });
  expect(response.status, response.text).toBe(201);
  return (response.body as { ID: string }).ID;
}

async function statuses(callbackId: string): Promise<string[]> {
  const list = (await h.request('GET', `/v1/callback/${callbackId}/deliveries?limit=1000`)).body as { data: Array<{ status: string }> };
  return list.data.map((delivery) => delivery.status);
}

/** Moves the clock to the next scheduled retries, whenever no attempt is in flight, until the check holds. */
async function retryUntil(worker: { wake(): void; inFlight: number }, check: () => Promise<boolean>): Promise<void> {
  await eventually(async () => {
    if (await check()) return true;
    if (worker.inFlight > 0) return false;
    const due = await h.store.nextDueTime();
    if (due !== null) h.clock.advance(Math.max(0, due - h.clock.now()));
    worker.wake();
    return false;
  }, 30_000);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

describe('receivers that misbehave', () => {
  it('delivers everything to a receiver that was down for a while and came back', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const id = await callback(`http://127.0.0.1:${port}/hook`);
    const worker = h.startWorker();
    for (let i = 0; i < 20; i++) await h.request('POST', '/v1/database/1/profiles', { body: { fields: { i: String(i) } } });
    // after five refusals in a row the breaker pauses the callback and sends one probe at a time:
    // the clock is moved past each pause until every message has been tried once
    await retryUntil(worker, async () => (await statuses(id)).filter((status) => status === 'failed').length === 20);
    const detail = (await h.request('GET', '/v1/callback/' + id + '/deliveries')).body as { data: Array<{ ID: string }> };
    const attempt = (await h.request('GET', `/v1/delivery/${detail.data[0]?.ID}`)).body as { attemptLog: Array<{ error: string }> };
    expect(attempt.attemptLog[0]?.error).toMatch(/ECONNREFUSED/);

    const back: Server = createServer((_request, response) => response.end('ok'));
    let received = 0;
    back.on('request', () => received++);
    await new Promise<void>((resolve) => back.listen(port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => { back.closeAllConnections(); back.close(() => resolve()); }));
    await retryUntil(worker, async () => (await statuses(id)).every((status) => status === 'succeeded'));
    expect(received).toBe(20);
  });

  it('gets everything through a receiver that fails half the time', async () => {
    const flaky = await receiver();
    // every other request fails, whichever message it carries
    flaky.respond((_request, index, response) => {
      response.writeHead(index % 2 === 0 ? 500 : 200);
      response.end();
    });
    const id = await callback(`${flaky.url}/hook`);
    const worker = h.startWorker();
    for (let i = 0; i < 50; i++) await h.request('POST', '/v1/database/1/profiles', { body: { fields: { i: String(i) } } });
    await retryUntil(worker, async () => {
      const list = await statuses(id);
      return list.length === 50 && list.every((status) => status === 'succeeded');
    });
    const ids = new Set(flaky.requests.filter((_r, index) => index % 2 === 1).map((request) => request.headers['webhook-id']));
    expect(ids.size).toBe(50);
  });

  it('keeps a healthy receiver fast next to one that never answers and one that answers without end', async () => {
    const healthy = await receiver();
    const silent = await receiver();
    silent.respond(() => undefined);
    const endless = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => response.write('x'.repeat(64 * 1024)), 1);
      response.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => { endless.closeAllConnections(); endless.close(() => resolve()); }));
    const healthyId = await callback(`${healthy.url}/hook`);

    const measure = async (count: number): Promise<number[]> => {
      const latencies: number[] = [];
      const start = healthy.requests.length;
      for (let i = 0; i < count; i++) {
        const sent = Date.now();
        await h.request('POST', '/v1/database/1/profiles', { body: { fields: { i: String(i) } } });
        await healthy.waitFor(start + i + 1);
        latencies.push((healthy.requests[start + i]?.at ?? sent) - sent);
      }
      return latencies;
    };

    h.startWorker({ concurrency: 16, deliveryTimeoutMs: 10_000 });
    const alone = await measure(40);
    const silentId = await callback(`${silent.url}/hook`);
    const endlessId = await callback(`http://127.0.0.1:${(endless.address() as AddressInfo).port}/hook`);
    const crowded = await measure(40);
    expect((await statuses(healthyId)).length).toBe(80);

    const endlessDone = await eventually(async () => {
      const list = (await h.request('GET', `/v1/callback/${endlessId}/deliveries`)).body as { data: Array<{ ID: string; status: string }> };
      return list.data.find((delivery) => delivery.status === 'succeeded');
    });
    const detail = (await h.request('GET', `/v1/delivery/${endlessDone.ID}`)).body as { attemptLog: Array<{ response: string }> };
    expect(detail.attemptLog[0]?.response).toHaveLength(4096);
    expect((await statuses(silentId)).every((status) => status === 'pending')).toBe(true);
    console.log(
      `receivers: healthy receiver latency alone p50 ${percentile(alone, 50)} ms p99 ${percentile(alone, 99)} ms; ` +
        `next to a silent and an endless receiver p50 ${percentile(crowded, 50)} ms p99 ${percentile(crowded, 99)} ms`,
    );
  }, 60_000);

  it('records a slow answer as a timeout and tries again later', async () => {
    const slow = await receiver();
    slow.respond(async (_request, index, response) => {
      if (index === 0) await new Promise((resolve) => setTimeout(resolve, 2_000));
      response.writeHead(200);
      response.end();
    });
    const id = await callback(`${slow.url}/hook`);
    const worker = h.startWorker({ deliveryTimeoutMs: 500 });
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await eventually(async () => (await statuses(id))[0] === 'failed');
    await retryUntil(worker, async () => (await statuses(id))[0] === 'succeeded');
    expect(slow.requests).toHaveLength(2);
  });

  it('refuses nothing and loses nothing when a receiver answers 200 with garbage headers', async () => {
    const odd = await receiver();
    odd.respond(answer(299, '\u0000\uFFFF binary', { 'retry-after': 'soon', 'content-type': 'application/json' }));
    const id = await callback(`${odd.url}/hook`);
    h.startWorker();
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await eventually(async () => (await statuses(id))[0] === 'succeeded');
  });
});
