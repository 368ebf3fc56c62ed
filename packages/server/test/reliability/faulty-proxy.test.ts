// The bad network path that network.test.ts puts between Tidings and a receiver does what it says.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { CLEAN, seededRandom, startFaultyProxy, type FaultyProxy } from '../support/faulty-proxy.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(seed = 1): Promise<{ receiver: Receiver; proxy: FaultyProxy }> {
  const receiver = await startReceiver();
  cleanups.push(() => receiver.close());
  const proxy = await startFaultyProxy(receiver.port, { seed });
  cleanups.push(() => proxy.close());
  return { receiver, proxy };
}

/** One POST on a connection of its own: what came back, or how it failed. */
function post(url: string, timeoutMs = 500): Promise<string> {
  return new Promise((resolve) => {
    const outgoing = request(`${url}/hook`, { method: 'POST', agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      response.on('end', () => resolve(`answered ${response.statusCode}`));
    });
    outgoing.on('timeout', () => {
      outgoing.destroy();
      resolve('no answer');
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNRESET' ? 'reset' : (error.code ?? error.message)));
    outgoing.end('{"hello":"world"}');
  });
}

describe('the faulty proxy', () => {
  it('passes requests and answers through when the path is clean, and after a delay when it is slow', async () => {
    const { receiver, proxy } = await setUp();
    expect(await post(proxy.url)).toBe('answered 200');
    proxy.setFaults({ ...CLEAN, latencyMs: 50, jitterMs: 20 });
    expect(await post(proxy.url)).toBe('answered 200');
    expect(receiver.requests.map((received) => received.body)).toEqual(['{"hello":"world"}', '{"hello":"world"}']);
  });

  it('loses a connection: the receiver gets nothing and the client no answer', async () => {
    const { receiver, proxy } = await setUp();
    proxy.setFaults({ ...CLEAN, loss: 1 });
    expect(await post(proxy.url)).toBe('no answer');
    expect(receiver.requests).toHaveLength(0);
    expect(proxy.counts.lost).toBe(1);
  });

  it('resets a connection', async () => {
    const { proxy } = await setUp();
    proxy.setFaults({ ...CLEAN, reset: 1 });
    expect(await post(proxy.url)).toBe('reset');
    expect(proxy.counts.resets).toBe(1);
  });

  it('carries nothing during a partition and everything after it', async () => {
    const { receiver, proxy } = await setUp();
    const partition = proxy.partition(600);
    expect(await post(proxy.url, 300)).toBe('no answer');
    await partition;
    expect(await post(proxy.url)).toBe('answered 200');
    expect(receiver.requests).toHaveLength(1);
  });

  it('draws the same faults from the same seed', () => {
    const draw = (seed: number) => Array.from({ length: 100 }, seededRandom(seed));
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(7).every((value) => value >= 0 && value < 1)).toBe(true);
  });
});
