// The real process under stress: graceful shutdown during deliveries, a flood of changes against a
// receiver that is down (memory stays bounded), and a 60 s soak at 80% of the measured maximum.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { readHeapProbe } from '../support/heap-probe-reader.ts';
import { startFlags, startProcess, type Started } from '../support/processes.ts';
import { eventually, startReceiver, type Receiver } from '../support/receiver.ts';

const serverDir = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'reliability-token-0123456789';
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const heapProbe = fileURLToPath(new URL('../support/heap-probe.ts', import.meta.url));

async function startServer(
  dataDir: string,
  env: Record<string, string> = {},
  nodeFlags: string[] = [],
): Promise<{ base: string; server: Started & { match: RegExpMatchArray } }> {
  // the flags of `pnpm start` (package.json): V8's heap sized to keep RSS flat
  const server = await startProcess(process.execPath, [...startFlags(), ...nodeFlags, 'src/main.ts'], {
    cwd: serverDir,
    env: { PORT: '0', HOST: '127.0.0.1', TIDINGS_DATA_DIR: dataDir, TIDINGS_BOOTSTRAP_TOKEN: TOKEN, TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8', TIDINGS_RATE_LIMIT: '0', ...env },
    ready: /listening on (http:\/\/[^\s]+)[\s\S]*\n  token /,
  });
  cleanups.push(() => void server.stop('SIGKILL'));
  return { base: server.match[1] as string, server };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tidings-reliability-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function receiver(): Promise<Receiver> {
  const started = await startReceiver();
  cleanups.push(() => started.close());
  return started;
}

const pools = new Map<string, Pool>();

/** Requests over a keep-alive undici pool: a load generator that costs less than fetch. */
async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: () => Promise<unknown> }> {
  let pool = pools.get(base);
  if (!pool) {
    pool = new Pool(base, { connections: 16 });
    pools.set(base, pool);
    cleanups.push(() => {
      pools.delete(base);
      return pool?.close();
    });
  }
  const response = await pool.request({
    method: method as 'GET',
    path,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.body.text();
  return { status: response.statusCode, json: async () => JSON.parse(text) as unknown };
}

/** The server's heap in use after a full collection, in MB (heap-probe.ts answers SIGUSR2). */
async function liveHeapMb(server: Started): Promise<number> {
  return (await readHeapProbe(server.child.pid as number, server.output)) / (1024 * 1024);
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

function profilesIn(received: Receiver): Set<string> {
  return new Set(received.requests.map((request) => (JSON.parse(request.body) as { profile: string }).profile));
}

describe('the process under stress', () => {
  it('finishes or re-queues what is in flight on SIGTERM, exits in time, and loses nothing', async () => {
    const dataDir = tempDir();
    const slow = await receiver();
    slow.respond(async (_request, _index, response) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      response.end('ok');
    });
    let { base, server } = await startServer(dataDir);
    await call(base, 'POST', '/v1/databases', { name: 'db' });
    await call(base, 'POST', '/v1/database/1/callbacks', { url: `${slow.url}/hook` });
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push(((await (await call(base, 'POST', '/v1/database/1/profiles', { fields: { i: String(i) } })).json()) as { ID: string }).ID);
    await slow.waitFor(5);
    const signalled = Date.now();
    const code = await server.stop('SIGTERM');
    const exitMs = Date.now() - signalled;
    expect(code).toBe(0);
    const beforeRestart = slow.requests.length;
    slow.respond((_request, _index, response) => {
      response.end('ok');
    });
    ({ base, server } = await startServer(dataDir));
    await eventually(() => ids.every((id) => profilesIn(slow).has(id)), 60_000);
    const duplicates = slow.requests.length - new Set(slow.requests.map((request) => request.headers['webhook-id'])).size;
    console.log(`shutdown: SIGTERM with deliveries in flight exited in ${exitMs} ms; ${beforeRestart} of 200 delivered before, all 200 after the restart; ${duplicates} duplicates`);
    expect(duplicates).toBe(0);
    await server.stop('SIGTERM');
  }, 90_000);

  it('keeps memory bounded under a flood of changes to a receiver that is down', async () => {
    const dataDir = tempDir();
    const { base, server } = await startServer(dataDir);
    await call(base, 'POST', '/v1/databases', { name: 'db' });
    for (let i = 0; i < 3; i++) await call(base, 'POST', '/v1/database/1/callbacks', { url: `http://127.0.0.1:9/down-${i}` });
    const pid = server.child.pid as number;
    const idle = rssMb(pid);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100);
    cleanups.push(() => clearInterval(sampler));
    let created = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = 0; i < 300; i++) {
          const response = await call(base, 'POST', '/v1/database/1/profiles', { fields: { payload: 'x'.repeat(1000) } });
          expect(response.status).toBe(201);
          created++;
        }
      }),
    );
    clearInterval(sampler);
    const list = (await (await call(base, 'GET', '/v1/callback/1/deliveries?limit=1')).json()) as { total: number };
    console.log(`flood: ${created} changes, ${list.total} deliveries queued per callback; RSS idle ${idle.toFixed(0)} MB, peak ${peak.toFixed(0)} MB`);
    expect(list.total).toBe(2400);
    // the queue lives in the store, not in memory: it does not grow with the 7,200 queued messages
    expect(peak).toBeLessThan(idle + 250);
    await server.stop('SIGTERM');
  }, 120_000);

  it('soaks for 60 s at 80% of the measured maximum with zero errors and flat memory', async () => {
    const dataDir = tempDir();
    const sink = await receiver();
    const { base, server } = await startServer(dataDir, {}, ['--expose-gc', `--import=${heapProbe}`]);
    await call(base, 'POST', '/v1/databases', { name: 'db' });
    await call(base, 'POST', '/v1/database/1/callbacks', { url: `${sink.url}/hook`, expression: "kind == 'update'" });
    const profile = ((await (await call(base, 'POST', '/v1/database/1/profiles', { fields: { kind: 'seed' } })).json()) as { ID: string }).ID;
    let counter = 0;
    const mixed = async (): Promise<number> => {
      const n = counter++;
      const response =
        n % 4 === 0
          ? await call(base, 'PUT', `/v1/profile/${profile}`, { fields: { kind: 'update', n: String(n) } })
          : n % 4 === 1
            ? await call(base, 'GET', '/v1/callback/1')
            : n % 4 === 2
              ? await call(base, 'GET', '/v1/database/1/profiles?limit=10')
              : await call(base, 'GET', `/v1/profile/${profile}`);
      return response.status;
    };

    // the maximum: 3 s closed loop with 16 concurrent clients
    let done = 0;
    const until = Date.now() + 3_000;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (Date.now() < until) {
        expect(await mixed()).toBeLessThan(300);
        done++;
      }
    }));
    const maxRate = done / 3;
    const rate = Math.floor(maxRate * 0.8);

    // open loop at 80%: requests start on schedule whether or not earlier ones finished. The first
    // 20 s warm the process up (JIT, heap sizing, the sandbox's memory); the next 60 s are measured.
    const pid = server.child.pid as number;
    const errors: string[] = [];
    const inFlight = new Set<Promise<void>>();
    const WARM_UP_MS = 20_000;
    const started = Date.now();
    let sent = 0;
    let rssAfterWarmUp = 0;
    let rssPeak = 0;
    let liveAfterWarmUp = 0;
    while (Date.now() - started < WARM_UP_MS + 60_000) {
      const due = Math.floor(((Date.now() - started) / 1000) * rate);
      while (sent < due) {
        sent++;
        const request: Promise<void> = mixed()
          .then((status) => void (status >= 300 && errors.push(`status ${status}`)))
          .catch((error: unknown) => void errors.push(String(error)))
          .finally(() => inFlight.delete(request));
        inFlight.add(request);
      }
      if (Date.now() - started >= WARM_UP_MS) {
        const rss = rssMb(pid);
        if (rssAfterWarmUp === 0) {
          rssAfterWarmUp = rss;
          liveAfterWarmUp = await liveHeapMb(server);
        }
        rssPeak = Math.max(rssPeak, rss);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all([...inFlight]);
    const updates = Math.ceil((counter - done) / 4);
    await eventually(async () => {
      const list = (await (await call(base, 'GET', '/v1/callback/1/deliveries?status=succeeded&limit=1')).json()) as { total: number };
      return list.total >= updates;
    }, 60_000);
    const liveAfter = await liveHeapMb(server);
    const growth = (rssPeak - rssAfterWarmUp) / rssAfterWarmUp;
    console.log(
      `soak: max ${maxRate.toFixed(0)} req/s closed loop; 20 + 60 s open loop at ${rate} req/s = ${sent} requests, ${errors.length} errors; ` +
        `${sink.requests.length} messages delivered; heap in use after a full GC ${liveAfterWarmUp.toFixed(1)} MB after a 20 s warm-up, ` +
        `${liveAfter.toFixed(1)} MB at the end; RSS ${rssAfterWarmUp.toFixed(0)} MB after the warm-up, at most ${rssPeak.toFixed(0)} MB ` +
        `in the 60 s after it (${(growth * 100).toFixed(1)}%)`,
    );
    expect(errors).toEqual([]);
    // a leak grows the heap that survives a full collection: 100,000 requests leaking 100 bytes each
    // would add 10 MB. RSS follows the heap's highest peak so far instead, which moves with the timing
    // of collections (+4% to +23% in runs without a leak), so it only backs this up against a native
    // leak of the same order: 1 KB a request would add 100 MB.
    expect(liveAfter).toBeLessThan(liveAfterWarmUp * 1.1 + 2);
    expect(rssPeak - rssAfterWarmUp).toBeLessThan(100);
    await server.stop('SIGTERM');
  }, 180_000);
});
