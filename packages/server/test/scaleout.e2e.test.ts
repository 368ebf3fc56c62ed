// The distributed engine as an operator runs it: one PostgreSQL, two `api` and two `worker` processes
// (`node src/main.ts` with TIDINGS_ROLE), started at the same moment on an empty database. Profile
// changes spread over both API processes reach a local receiver once each; with one worker killed by
// kill -9 mid-run nothing is lost, and the only duplicates are attempts that were in flight then.
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/postgres.ts';
import { startProcess, type Started } from './support/processes.ts';
import { eventually, startReceiver, type Receiver } from './support/receiver.ts';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'bootstrap-token-for-scaleout-tests';
const CHANGES = 1000;
/** a short attempt limit keeps the lease of a killed worker (the limit and a margin) short */
const DELIVERY_TIMEOUT_MS = 2000;

let database: TestDatabase;
let receiver: Receiver;
const processes: Started[] = [];
let apis: string[] = [];
let workers: Started[] = [];
let killed: Started | null = null;
let stopping = false;

function start(role: 'api' | 'worker'): Promise<Started & { match: RegExpMatchArray }> {
  return startProcess(process.execPath, ['src/main.ts'], {
    cwd: serverDir,
    env: {
      DATABASE_URL: database.url,
      TIDINGS_ROLE: role,
      PORT: '0',
      HOST: '127.0.0.1',
      TIDINGS_BOOTSTRAP_TOKEN: TOKEN,
      TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8',
      TIDINGS_RATE_LIMIT: '0',
      TIDINGS_DELIVERY_TIMEOUT_MS: String(DELIVERY_TIMEOUT_MS),
      TIDINGS_PG_POOL_SIZE: '8',
    },
    ready: role === 'api' ? /listening on (http:\/\/[^\s]+)[\s\S]*\n  token / : /worker started/,
  });
}

async function post(base: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Creates `count` profiles, alternating between the API processes, 16 requests at a time. */
async function createProfiles(phase: string, count: number, onProgress: (done: number) => void = () => undefined): Promise<Set<string>> {
  const ids = new Set<string>();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < count) {
        const i = next++;
        const response = await post(apis[i % apis.length]!, '/v1/database/1/profiles', { fields: { phase, i: String(i) } });
        expect(response.status).toBe(201);
        ids.add(((await response.json()) as { ID: string }).ID);
        onProgress(ids.size);
      }
    }),
  );
  return ids;
}

function requestsOf(phase: string) {
  return receiver.requests.filter((request) => (JSON.parse(request.body) as { fields: { phase: string } }).fields.phase === phase);
}

/** Deliveries not finished yet (pending or failed), or only those of them under a lease. */
async function openDeliveries(which: 'all' | 'leased' = 'all'): Promise<number> {
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM deliveries WHERE status IN ('pending', 'failed')${which === 'leased' ? ' AND lease_until IS NOT NULL' : ''}`,
    );
    return rows[0]!.n;
  } finally {
    await admin.end();
  }
}

function distinctIds(requests: Receiver['requests']): Set<string> {
  return new Set(requests.map((request) => String(request.headers['webhook-id'])));
}

beforeAll(async () => {
  database = await createTestDatabase({ migrated: false });
  receiver = await startReceiver();
  receiver.respond(async (_request, _index, response) => {
    // a little latency keeps attempts in flight, so the kill below catches some
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.floor(Math.random() * 20)));
    response.writeHead(200);
    response.end('ok');
  });
  // all four at once on an empty database: the migration lock and the bootstrap account are contended
  const starting = (['api', 'api', 'worker', 'worker'] as const).map((role) =>
    start(role).then((started) => {
      processes.push(started);
      // a process that dies on its own fails the test below; its last words say why
      started.child.once('exit', (code, signal) => {
        if (started !== killed && !stopping) console.error(`${role} process exited (${code ?? signal}):\n${started.output().slice(-3000)}`);
      });
      return started;
    }),
  );
  const started = await Promise.all(starting);
  apis = started.slice(0, 2).map((api) => api.match[1] as string);
  workers = started.slice(2);
  expect((await post(apis[0]!, '/v1/databases', { name: 'customers' })).status).toBe(201);
  expect((await post(apis[1]!, '/v1/database/1/callbacks', { url: `${receiver.url}/hook` })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  stopping = true;
  await Promise.all(processes.map((started) => started.stop('SIGKILL')));
  await receiver?.close();
  await database?.drop();
});

describe('two api and two worker processes on one PostgreSQL', () => {
  it(`deliver ${CHANGES} profile changes made through both API processes exactly once each`, async () => {
    const began = Date.now();
    const created = await createProfiles('one', CHANGES);
    const writtenMs = Date.now() - began;
    await eventually(() => distinctIds(requestsOf('one')).size === CHANGES, 60_000);
    const deliveredMs = Date.now() - began;
    // time for a stray second attempt to show up, if there were one
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const requests = requestsOf('one');
    const profiles = new Set(requests.map((request) => (JSON.parse(request.body) as { profile: string }).profile));
    console.log(
      `scale-out: ${CHANGES} changes written in ${writtenMs} ms, all delivered after ${deliveredMs} ms: ${requests.length} requests, ${distinctIds(requests).size} distinct webhook-ids`,
    );
    expect(created.size).toBe(CHANGES);
    expect(profiles).toEqual(created);
    expect(distinctIds(requests).size).toBe(CHANGES);
    expect(requests).toHaveLength(CHANGES);
  }, 180_000);

  it(`lose none of ${CHANGES} changes when a worker is killed with kill -9 mid-run`, async () => {
    const began = Date.now();
    let killedAt = 0;
    let inFlightAtKill = 0;
    let deliveredBeforeKill = 0;
    const killer = eventually(async () => {
      if (distinctIds(requestsOf('two')).size < CHANGES * 0.3) return false;
      killed = workers[0]!;
      await killed.stop('SIGKILL');
      killedAt = Date.now() - began;
      deliveredBeforeKill = distinctIds(requestsOf('two')).size;
      // claimed and not finished: an upper bound of what the dead worker had in flight
      inFlightAtKill = await openDeliveries('leased');
      return true;
    }, 60_000);
    const created = await createProfiles('two', CHANGES);
    await killer;
    await eventually(() => distinctIds(requestsOf('two')).size === CHANGES, 90_000);
    const deliveredMs = Date.now() - began;
    // what the dead worker sent but never recorded goes out again once its lease runs out: wait for that
    await eventually(async () => (await openDeliveries()) === 0, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const settledMs = Date.now() - began;
    const requests = requestsOf('two');
    const profiles = new Set(requests.map((request) => (JSON.parse(request.body) as { profile: string }).profile));
    const duplicates = requests.length - distinctIds(requests).size;
    console.log(
      `scale-out kill -9: worker killed after ${killedAt} ms with ${deliveredBeforeKill}/${CHANGES} delivered and ${inFlightAtKill} leased; ` +
        `all ${CHANGES} delivered after ${deliveredMs} ms, the last lease settled after ${settledMs} ms: ${requests.length} requests, ${distinctIds(requests).size} distinct webhook-ids, ${duplicates} duplicates`,
    );
    expect(profiles).toEqual(created);
    expect(distinctIds(requests).size).toBe(CHANGES);
    expect(duplicates).toBeLessThanOrEqual(inFlightAtKill);
    // the survivors shut down cleanly
    stopping = true;
    for (const survivor of processes.filter((started) => started !== killed)) expect(await survivor.stop('SIGTERM')).toBe(0);
  }, 180_000);
});
