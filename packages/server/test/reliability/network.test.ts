// A bad network to a receiver (issue 17). This machine's kernel has no netem, so the bad path is a TCP
// proxy in the test (support/faulty-proxy.ts): 300 ± 100 ms on every connection and request, 10% of
// connections lost, 5% of chunks reset, and a 20 s partition in the middle of the load. A real server
// process delivers through it; every message must arrive, each under one webhook-id whatever the
// number of attempts, and a receiver on a clean path next to it keeps its pace (measured, reported).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startFaultyProxy } from '../support/faulty-proxy.ts';
import { startFlags, startProcess } from '../support/processes.ts';
import { eventually, startReceiver, type Received, type Receiver } from '../support/receiver.ts';

const serverDir = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'reliability-token-0123456789';
const DELIVERY_TIMEOUT_MS = 2000;
// 40 attempts, the first ten within about 30 s: a message may lose several to the partition and
// still have most of its schedule left
const RETRY_SCHEDULE = ['0,1,1,2,2,3,3,4,4,5', ...Array<string>(30).fill('5')].join(',');
const PARTITION_MS = 20_000;
const SEED = 17;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(): Promise<Receiver> {
  const started = await startReceiver();
  cleanups.push(() => started.close());
  return started;
}

async function startServer(env: Record<string, string>): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidings-network-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const server = await startProcess(process.execPath, [...startFlags(), 'src/main.ts'], {
    cwd: serverDir,
    env: { PORT: '0', HOST: '127.0.0.1', TIDINGS_DATA_DIR: dataDir, TIDINGS_BOOTSTRAP_TOKEN: TOKEN, TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8', TIDINGS_RATE_LIMIT: '0', ...env },
    ready: /listening on (http:\/\/[^\s]+)[\s\S]*\n  token /,
  });
  cleanups.push(async () => void (await server.stop('SIGKILL')));
  const pool = new Pool(server.match[1] as string, { connections: 4 });
  cleanups.push(() => pool.close());
  api = async (method, path, body) => {
    const response = await pool.request({
      method: method as 'GET',
      path,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
  };
  return server.match[1] as string;
}

let api: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown> }>;

async function callback(url: string): Promise<{ ID: string; secret: string }> {
  const response = await api('POST', '/v1/database/1/callbacks', { url });
  expect(response.status).toBe(201);
  return response.body as { ID: string; secret: string };
}

interface Delivery {
  ID: string;
  event: string;
  webhookId: string;
  status: string;
  attempts: number;
}

async function deliveries(callbackId: string): Promise<Delivery[]> {
  const response = await api('GET', `/v1/callback/${callbackId}/deliveries?limit=1000`);
  expect(response.status).toBe(200);
  return response.body.data as Delivery[];
}

const message = (received: Received) => JSON.parse(received.body) as { id: string; profile: string };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

describe('a bad network to a receiver', () => {
  it('delivers every message through latency, loss, resets and a 20 s partition, each under one webhook-id, and a receiver on a clean path keeps its pace', async () => {
    const behind = await receiver();
    const healthy = await receiver();
    const proxy = await startFaultyProxy(behind.port, { seed: SEED });
    cleanups.push(() => proxy.close());
    await startServer({ TIDINGS_DELIVERY_TIMEOUT_MS: String(DELIVERY_TIMEOUT_MS), TIDINGS_RETRY_SCHEDULE: RETRY_SCHEDULE });
    expect((await api('POST', '/v1/databases', { name: 'db' })).status).toBe(201);
    const healthyId = (await callback(`${healthy.url}/hook`)).ID;

    /** profile ID → when the change that created it was sent */
    const sentAt = new Map<string, number>();
    /** `count` changes, one every `paceMs` (open loop: the pace does not wait for deliveries) */
    const changes = async (count: number, paceMs: number): Promise<string[]> => {
      const ids: string[] = [];
      const start = Date.now();
      for (let i = 0; i < count; i++) {
        const at = Date.now();
        const response = await api('POST', '/v1/database/1/profiles', { fields: { i: String(i) } });
        expect(response.status).toBe(201);
        const id = response.body.ID as string;
        sentAt.set(id, at);
        ids.push(id);
        await sleep(Math.max(0, start + (i + 1) * paceMs - Date.now()));
      }
      return ids;
    };

    const alone = await changes(30, 100);
    const { ID: behindId, secret } = await callback(`${proxy.url}/hook`);
    proxy.setFaults({ latencyMs: 300, jitterMs: 100, loss: 0.1, reset: 0.05 });
    const faulty = await changes(30, 100);
    const partitionStart = Date.now();
    const partition = proxy.partition(PARTITION_MS);
    const cutOff = await changes(80, 250);
    await partition;
    const partitionEnd = Date.now();
    const healed = await changes(30, 100);
    const toBehind = [...faulty, ...cutOff, ...healed];

    const all = [...alone, ...toBehind];
    await eventually(() => {
      const arrived = new Set(healthy.requests.map((received) => message(received).profile));
      return all.every((id) => arrived.has(id));
    }, 30_000);
    const listed = await eventually(async () => {
      const list = await deliveries(behindId);
      return list.length === toBehind.length && list.every((delivery) => delivery.status === 'succeeded') && list;
    }, 90_000);
    const settledAt = Date.now();

    // nothing lost: every message the API lists arrived, under the webhook-id the API gives for it, on every attempt
    const webhookIdOf = new Map(listed.map((delivery) => [delivery.event, delivery.webhookId]));
    const receiptsByEvent = new Map<string, Received[]>();
    for (const received of behind.requests) {
      const event = message(received).id;
      receiptsByEvent.set(event, [...(receiptsByEvent.get(event) ?? []), received]);
    }
    expect(new Set(receiptsByEvent.keys())).toEqual(new Set(webhookIdOf.keys()));
    for (const [event, receipts] of receiptsByEvent) {
      expect(new Set(receipts.map((received) => received.headers['webhook-id']))).toEqual(new Set([webhookIdOf.get(event)]));
    }
    // and a repeated attempt is signed afresh, not replayed
    const webhook = new Webhook(secret);
    for (const received of behind.requests) expect(() => webhook.verify(received.body, received.headers as Record<string, string>)).not.toThrow();
    expect(new Set(behind.requests.map((received) => message(received).profile))).toEqual(new Set(toBehind));
    // delivery resumed after the partition: what was changed during it arrived, after it
    for (const id of cutOff) {
      const first = behind.requests.find((received) => message(received).profile === id) as Received;
      expect(first.at).toBeGreaterThanOrEqual(partitionEnd - 50);
    }
    expect((await deliveries(healthyId)).every((delivery) => delivery.status === 'succeeded')).toBe(true);

    const attempts = listed.map((delivery) => delivery.attempts);
    const errors = new Map<string, number>();
    let longestAttempt = 0;
    for (const delivery of listed.filter((each) => each.attempts > 1)) {
      const detail = await api('GET', `/v1/delivery/${delivery.ID}`);
      for (const attempt of detail.body.attemptLog as Array<{ error: string | null; statusCode: number | null; durationMs: number }>) {
        longestAttempt = Math.max(longestAttempt, attempt.durationMs);
        if (attempt.statusCode !== null && attempt.statusCode < 300) continue;
        const kind = (attempt.error ?? `HTTP ${attempt.statusCode}`).replace(/:.*/, '');
        errors.set(kind, (errors.get(kind) ?? 0) + 1);
      }
    }
    const firstReceipt = new Map<string, number>();
    for (const received of healthy.requests) {
      const profile = message(received).profile;
      if (!firstReceipt.has(profile)) firstReceipt.set(profile, received.at);
    }
    const latency = (ids: string[]) => {
      const values = ids.map((id) => (firstReceipt.get(id) as number) - (sentAt.get(id) as number));
      return `p50 ${percentile(values, 50)} ms / p99 ${percentile(values, 99)} ms`;
    };
    const duplicates = (requests: Received[]) => requests.length - new Set(requests.map((received) => received.headers['webhook-id'])).size;
    console.log(
      `network: ${toBehind.length} messages through the faulty path (seed ${SEED}), ${cutOff.length} of them during the ` +
        `${PARTITION_MS / 1000} s partition: all arrived, each under one webhook-id; the last ${((settledAt - partitionEnd) / 1000).toFixed(1)} s after ` +
        `the partition (${((settledAt - partitionStart) / 1000).toFixed(1)} s after it began); ${behind.requests.length} requests reached the receiver, ` +
        `${duplicates(behind.requests)} duplicates; attempts per message: mean ${(attempts.reduce((a, b) => a + b, 0) / attempts.length).toFixed(1)}, ` +
        `max ${Math.max(...attempts)}; failed attempts: ${[...errors].map(([kind, count]) => `${count} ${kind}`).join(', ')} ` +
        `(the longest attempt took ${longestAttempt} ms); ` +
        `proxy: ${proxy.counts.connections} connections, ${proxy.counts.lost} lost, ${proxy.counts.resets} reset, ${proxy.counts.cutOff} cut off\n` +
        `network: the clean-path receiver's commit→receipt latency (${all.length} messages, ${duplicates(healthy.requests)} duplicates): alone ${latency(alone)}; ` +
        `next to the faulty path ${latency(faulty)}; during the partition ${latency(cutOff)}; after it ${latency(healed)}`,
    );
  }, 150_000);
});
