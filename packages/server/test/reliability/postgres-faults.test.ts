// PostgreSQL failing under a running installation (2 api + 2 worker processes, a steady load of
// changes): restarted (fast, and immediate: a crash), every Tidings connection cut, a hot table locked
// past the statement time limit, and away for 60 s while a worker is killed. Through all of it no
// process exits, the API answers 503 store_unavailable (never 500, never a hang), health says 503
// while the database is away and 200 soon after, and every change confirmed with 201 is delivered.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHeapProbe } from '../support/heap-probe-reader.ts';
import { createPgCluster, type PgCluster } from '../support/pg-cluster.ts';
import { postgresServerInstalled } from '../support/postgres-available.ts';
import { startFlags, startProcess, type Started } from '../support/processes.ts';
import { eventually, startReceiver, type Receiver } from '../support/receiver.ts';
import { startSteadyLoad, type SteadyLoad } from '../support/steady-load.ts';

const serverDir = fileURLToPath(new URL('../..', import.meta.url));
const heapProbe = fileURLToPath(new URL('../support/heap-probe.ts', import.meta.url));
const TOKEN = 'bootstrap-token-for-fault-tests';
const REQUEST_TIMEOUT_MS = 30_000;
const STATEMENT_TIMEOUT_MS = 5_000;
const OUTAGE_MS = 60_000;

let cluster: PgCluster;
let receiver: Receiver;
let load: SteadyLoad;
let url: string;
const apis: Array<{ process: Started; base: string }> = [];
const workers: Started[] = [];
/** processes this test ended on purpose: any other exit fails it */
const ended = new Set<Started>();
const unexpectedExits: string[] = [];

function start(role: 'api' | 'worker', extra: Record<string, string> = {}) {
  // the flags of `pnpm start`, and the probe that reads the heap still in use after a full collection
  return startProcess(process.execPath, [...startFlags(), '--expose-gc', `--import=${heapProbe}`, 'src/main.ts'], {
    cwd: serverDir,
    env: {
      DATABASE_URL: url,
      TIDINGS_ROLE: role,
      PORT: '0',
      HOST: '127.0.0.1',
      TIDINGS_BOOTSTRAP_TOKEN: TOKEN,
      TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8',
      TIDINGS_RATE_LIMIT: '0',
      TIDINGS_DELIVERY_TIMEOUT_MS: '2000',
      TIDINGS_RETRY_SCHEDULE: '0,1,1,2,2,5,5,10,10,10',
      TIDINGS_PG_POOL_SIZE: '6',
      TIDINGS_PG_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
      TIDINGS_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      ...extra,
    },
    ready: role === 'api' ? /listening on (http:\/\/[^\s]+)/ : /worker started/,
  }).then((started) => {
    started.child.once('exit', (code, signal) => {
      if (!ended.has(started)) unexpectedExits.push(`${role} exited (${code ?? signal}):\n${started.output().slice(-2000)}`);
    });
    return started;
  });
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function health(base: string): Promise<number> {
  try {
    const response = await fetch(`${base}/v1/health`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** ms until every API process answers health with 200 */
async function untilHealthy(since: number): Promise<number> {
  await eventually(async () => (await Promise.all(apis.map((api) => health(api.base)))).every((status) => status === 200), 30_000);
  return Date.now() - since;
}

/** Holds while PostgreSQL is away: health answers 503 and the load sees 503 store_unavailable, nothing else. */
async function expectUnavailable(): Promise<void> {
  const before = load.statuses.get(503) ?? 0;
  await eventually(async () => (await Promise.all(apis.map((api) => health(api.base)))).every((status) => status === 503), 10_000);
  await eventually(() => (load.statuses.get(503) ?? 0) > before, 10_000);
}

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const figures: string[] = [];

describe.skipIf(!postgresServerInstalled())('PostgreSQL faults under load (2 api + 2 workers)', () => {
  beforeAll(async () => {
    cluster = await createPgCluster();
    url = cluster.url.replace(/\/postgres$/, '/tidings');
    const setup = new pg.Client({ connectionString: cluster.url });
    await setup.connect();
    await setup.query('CREATE DATABASE tidings');
    await setup.end();
    receiver = await startReceiver();
    const started = await Promise.all([start('api'), start('api'), start('worker'), start('worker')]);
    for (const api of started.slice(0, 2)) apis.push({ process: api, base: api.match[1] as string });
    workers.push(...started.slice(2));
    const post = (path: string, body: unknown) =>
      fetch(`${apis[0]?.base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/v1/databases', { name: 'customers' })).status).toBe(201);
    expect((await post('/v1/database/1/callbacks', { url: `${receiver.url}/hook` })).status).toBe(201);
    load = startSteadyLoad({ bases: apis.map((api) => api.base), token: TOKEN, databaseId: '1', hangMs: REQUEST_TIMEOUT_MS + 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }, 120_000);

  afterAll(async () => {
    await load?.stop();
    for (const started of [...apis.map((api) => api.process), ...workers]) {
      ended.add(started);
      await started.stop('SIGKILL');
    }
    await receiver?.close();
    cluster?.remove();
    if (figures.length > 0) console.log(`postgres faults:\n  ${figures.join('\n  ')}`);
  });

  for (const mode of ['immediate', 'fast'] as const) {
    it(`answers 503 while PostgreSQL restarts (${mode}) and is healthy again soon after`, async () => {
      load.phase = `restart ${mode}`;
      cluster.stop(mode);
      const stoppedAt = Date.now();
      await expectUnavailable();
      cluster.start();
      const healthyMs = await untilHealthy(Date.now());
      figures.push(`restart (${mode}): down ${Date.now() - stoppedAt - healthyMs} ms, every API healthy ${healthyMs} ms after the start`);
      expect(unexpectedExits).toEqual([]);
    }, 60_000);
  }

  it('survives every Tidings connection being cut mid-load', async () => {
    load.phase = 'terminate';
    for (let round = 0; round < 3; round++) {
      const cut = await admin(async (client) => (await client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tidings'`)).rowCount);
      figures.push(`pg_terminate_backend round ${round + 1}: ${cut} connections cut`);
      expect(cut).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    await untilHealthy(Date.now());
    expect(unexpectedExits).toEqual([]);
  }, 60_000);

  it('answers 503 within the statement time limit while a hot table is locked for 10 s', async () => {
    load.phase = 'lock';
    const slowestBefore = load.slowestMs;
    const before = load.statuses.get(503) ?? 0;
    await admin(async (client) => {
      await client.query('BEGIN');
      await client.query('LOCK TABLE deliveries IN ACCESS EXCLUSIVE MODE');
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      await client.query('COMMIT');
    });
    figures.push(`deliveries locked 10 s: ${(load.statuses.get(503) ?? 0) - before} answers 503, slowest answer so far ${Math.round(load.slowestMs)} ms (before: ${Math.round(slowestBefore)} ms)`);
    expect((load.statuses.get(503) ?? 0) - before).toBeGreaterThan(0);
    expect(load.hangs).toBe(0);
    expect(unexpectedExits).toEqual([]);
  }, 60_000);

  it(`keeps memory bounded and loses nothing while PostgreSQL is away ${OUTAGE_MS / 1000} s and a worker is killed`, async () => {
    load.phase = 'outage';
    const processes = [...apis.map((api) => api.process), ...workers];
    const pids = processes.map((started) => started.child.pid as number);
    const liveHeapMb = (index: number) => readHeapProbe(pids[index] as number, (processes[index] as Started).output).then((bytes) => bytes / 1024 / 1024);
    cluster.stop('immediate');
    await expectUnavailable();
    const heapBefore = await Promise.all([0, 1, 3].map(liveHeapMb));
    const rssBefore = pids.map(rssKb);
    const cpuBefore = pids.map(cpuSeconds);
    const began = Date.now();
    // a process started now cannot open the store: one clear line and a non-zero exit
    const late = await start('worker').then(
      () => null,
      (error: unknown) => String(error),
    );
    expect(late).toMatch(/exited with 1 before it was ready:\ntidings: cannot open the store: .*\n$/);
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS / 2));
    const killed = workers.shift() as Started;
    ended.add(killed);
    await killed.stop('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, began + OUTAGE_MS - Date.now()));
    const seconds = (Date.now() - began) / 1000;
    const heapAfter = await Promise.all([0, 1, 3].map(liveHeapMb));
    const rssAfter = pids.map((pid, index) => (index === 2 ? rssBefore[index] as number : rssKb(pid)));
    const cpu = pids.map((pid, index) => (index === 2 ? 0 : cpuSeconds(pid) - (cpuBefore[index] as number)));
    cluster.start();
    workers.push(await start('worker'));
    const healthyMs = await untilHealthy(Date.now());
    const growth = rssAfter.map((after, index) => Math.round((after - (rssBefore[index] as number)) / 1024));
    const heapGrowth = heapAfter.map((after, index) => after - (heapBefore[index] as number));
    figures.push(
      `outage ${Math.round(seconds)} s: heap in use after a full GC api ${heapBefore[0]?.toFixed(1)} → ${heapAfter[0]?.toFixed(1)} MB, ${heapBefore[1]?.toFixed(1)} → ${heapAfter[1]?.toFixed(1)} MB, worker ${heapBefore[2]?.toFixed(1)} → ${heapAfter[2]?.toFixed(1)} MB; ` +
        `RSS growth api ${growth[0]}, ${growth[1]} MB, worker ${growth[3]} MB; CPU during it api ${cpu[0]?.toFixed(1)}, ${cpu[1]?.toFixed(1)} s, worker ${cpu[3]?.toFixed(1)} s; healthy ${healthyMs} ms after the start`,
    );
    // nothing piles up per request or per retry while away: the heap still in use after a full
    // collection is what a leak grows; RSS (which follows the heap's highest peak) is a backstop
    for (const mb of heapGrowth) expect(mb).toBeLessThan(5);
    for (const mb of growth) expect(mb).toBeLessThan(100);
    // no busy loop: a process spinning on reconnects would use a whole core
    for (const used of cpu) expect(used / seconds).toBeLessThan(0.5);
    expect(unexpectedExits).toEqual([]);
  }, 180_000);

  it('delivers every change confirmed with 201, through all of the above', async () => {
    load.phase = 'after';
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await load.stop();
    const confirmed = [...load.confirmed.keys()];
    const delivered = () => new Set(receiver.requests.map((request) => (JSON.parse(request.body) as { profile: string }).profile));
    await eventually(() => confirmed.every((id) => delivered().has(id)), 120_000).catch(() => undefined);
    const missing = confirmed.filter((id) => !delivered().has(id));
    const webhookIds = new Set(receiver.requests.map((request) => String(request.headers['webhook-id'])));
    const statuses = Object.fromEntries(load.statuses);
    figures.push(
      `${confirmed.length} changes confirmed (answers: ${JSON.stringify(statuses)}), ${receiver.requests.length} requests received, ${webhookIds.size} distinct webhook-ids, ${receiver.requests.length - webhookIds.size} duplicates, slowest answer ${Math.round(load.slowestMs)} ms`,
    );
    expect(missing).toEqual([]);
    expect(load.unexpected).toEqual([]);
    expect(load.hangs).toBe(0);
    expect(load.slowestMs).toBeLessThan(REQUEST_TIMEOUT_MS);
    // the faults are logged a few times each, never as a stack trace per request
    for (const api of apis) {
      const output = api.process.output();
      expect(output).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
      expect(output).not.toContain('internal_error');
      expect(output.split('\n').filter((line) => line.includes('answering 503')).length).toBeLessThan(40);
    }
    expect(unexpectedExits).toEqual([]);
  }, 180_000);
});
