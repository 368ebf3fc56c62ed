// Per-callback rate limits as an operator runs them on PostgreSQL: one `api` and two `worker`
// processes, three callbacks on one database and a backlog of changes queued at once. A callback
// limited to 10/s is sent 10/s by both workers together; a receiver that answers 429 above a rate of
// its own choosing is found and held near that rate; a callback with no limit gets everything at once,
// however slow the others are; a callback whose receiver refuses every connection trips its circuit
// breaker and costs a few probes a pause instead of an attempt per message and retry. The rates are the feature under test: they are measured over 20 s of
// receipts, with the bounds the issue sets (10%) or, for the adaptive case, wide ones.
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/postgres.ts';
import { startProcess, type Started } from './support/processes.ts';
import { eventually, startReceiver, type Receiver } from './support/receiver.ts';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'bootstrap-token-for-rate-limit-tests';
const CHANGES = 300;
const LIMIT = 10;
/** what the choosy receiver takes in any second; above it, 429 */
const RECEIVER_RATE = 8;
const WINDOW_MS = 20_000;

let database: TestDatabase;
const processes: Started[] = [];
let api = '';
const receivers: Record<'limited' | 'choosy' | 'free', Receiver> = {} as never;
/** the choosy receiver's answers: when, and whether it took the message */
const choosyAnswers: Array<{ at: number; accepted: boolean }> = [];

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
      // a refused message comes back within a second, many times over
      TIDINGS_RETRY_SCHEDULE: Array<string>(40).fill('1').join(','),
      TIDINGS_PG_POOL_SIZE: '6',
    },
    ready: role === 'api' ? /listening on (http:\/\/[^\s]+)[\s\S]*\n  token / : /worker started/,
  });
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A loopback port nothing listens on: a receiver that refuses every connection. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Receipts per second over WINDOW_MS, from 2 s after the first receipt: the first claims of both
 * workers come while the backlog is being written, and what a stalled event loop sends late arrives
 * bunched; over the window that evens out, at its edges it need not.
 */
function rateOver(times: readonly number[]): number {
  const from = (times[0] ?? 0) + 2000;
  return times.filter((at) => at >= from && at < from + WINDOW_MS).length / (WINDOW_MS / 1000);
}

describe('per-callback rate limits with two workers on PostgreSQL', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    receivers.limited = await startReceiver();
    receivers.choosy = await startReceiver();
    receivers.free = await startReceiver();
    receivers.choosy.respond((_request, _index, response) => {
      const now = Date.now();
      const accepted = choosyAnswers.filter((answer) => answer.accepted && answer.at > now - 1000).length < RECEIVER_RATE;
      choosyAnswers.push({ at: now, accepted });
      response.writeHead(accepted ? 200 : 429);
      response.end();
    });
    const started = await Promise.all([start('api'), start('worker'), start('worker')]);
    processes.push(...started);
    api = started[0]!.match[1] as string;
    expect((await call('POST', '/v1/databases', { name: 'customers' })).status).toBe(201);
    expect((await call('POST', '/v1/database/1/callbacks', { url: receivers.limited.url, rateLimit: LIMIT })).status).toBe(201);
    expect((await call('POST', '/v1/database/1/callbacks', { url: receivers.choosy.url, rateLimit: 40 })).status).toBe(201);
    expect((await call('POST', '/v1/database/1/callbacks', { url: receivers.free.url })).status).toBe(201);
    expect((await call('POST', '/v1/database/1/callbacks', { url: `http://127.0.0.1:${await closedPort()}/` })).status).toBe(201);
    for (let i = 0; i < CHANGES; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, j) => expect((await call('POST', '/v1/database/1/profiles', { fields: { i: String(i + j) } })).status).toBe(201)),
      );
    }
  }, 60_000);

  afterAll(async () => {
    for (const started of processes) await started.stop('SIGKILL');
    for (const receiver of Object.values(receivers)) await receiver?.close();
    await database?.drop();
  });

  it('sends a limited callback its limit over 20 s, counted over both workers, and an unlimited one everything at once', async () => {
    await receivers.free.waitFor(CHANGES, 30_000);
    // the unlimited callback was not held back by the limited ones' backlogs
    expect(receivers.limited.requests.length).toBeLessThan(CHANGES / 2);
    await eventually(() => receivers.limited.requests.length >= (WINDOW_MS / 1000 + 3) * LIMIT, 40_000);
    const rate = rateOver(receivers.limited.requests.map((request) => request.at));
    console.log(`rate-limit: limit ${LIMIT}/s, receiver saw ${rate}/s over ${WINDOW_MS / 1000} s (two workers)`);
    expect(rate).toBeGreaterThanOrEqual(LIMIT * 0.9);
    expect(rate).toBeLessThanOrEqual(LIMIT * 1.1);
    // the limit and the rate now, on the callback
    expect((await call('GET', '/v1/callback/1')).body).toMatchObject({ rateLimit: LIMIT, throttle: { rate: LIMIT, pausedUntil: null } });
  }, 90_000);

  it('finds the rate a receiver that answers 429 above it takes, and holds near it', async () => {
    await eventually(() => choosyAnswers.filter((answer) => answer.accepted).length >= (WINDOW_MS / 1000 + 4) * RECEIVER_RATE, 60_000);
    const accepted = choosyAnswers.filter((answer) => answer.accepted).map((answer) => answer.at);
    const from = (accepted[0] ?? 0) + 3000;
    const inWindow = choosyAnswers.filter((answer) => answer.at >= from && answer.at < from + WINDOW_MS);
    const taken = inWindow.filter((answer) => answer.accepted).length / (WINDOW_MS / 1000);
    const refused = inWindow.filter((answer) => !answer.accepted).length / (WINDOW_MS / 1000);
    console.log(`rate-limit: receiver takes ${RECEIVER_RATE}/s (limit 40/s): took ${taken}/s, refused ${refused}/s over ${WINDOW_MS / 1000} s`);
    // near the receiver's rate, not the limit's, and not hammering it with refusals
    expect(taken).toBeGreaterThanOrEqual(RECEIVER_RATE * 0.6);
    expect(refused).toBeLessThan(taken);
    // the attempt log says why the rate went down
    const deliveries = (await call('GET', '/v1/callback/2/deliveries?limit=1000')).body.data as Array<{ ID: string; lastStatusCode: number | null }>;
    const refusedOne = deliveries.find((delivery) => delivery.lastStatusCode === 429);
    expect(refusedOne).toBeDefined();
    const detail = (await call('GET', `/v1/delivery/${refusedOne!.ID}`)).body as { attemptLog: Array<{ statusCode: number; error: string | null }> };
    expect(detail.attemptLog.find((attempt) => attempt.statusCode === 429)?.error).toMatch(/rate is lowered/);
  }, 90_000);

  it('trips the breaker of a callback whose receiver refuses every connection: a few probes a pause, not an attempt per message and retry', async () => {
    const deliveries = (await call('GET', '/v1/callback/4/deliveries?limit=1000')).body.data as Array<{ attempts: number; nextAttempt: string | null; status: string }>;
    const attempts = deliveries.reduce((sum, delivery) => sum + delivery.attempts, 0);
    const parked = deliveries.filter((delivery) => delivery.nextAttempt === null && ['pending', 'failed'].includes(delivery.status)).length;
    console.log(`rate-limit: ${deliveries.length} messages to a refusing receiver, ${attempts} attempts in all by both workers, ${parked} parked`);
    expect(deliveries).toHaveLength(CHANGES);
    // the backlog waits parked (queue/parking.ts): all but the probes and the attempts under way at a trip
    expect(parked).toBeGreaterThan(CHANGES / 2);
    // without the breaker: every message at once and again every second (the retry schedule), for 40 s and more
    expect(attempts).toBeLessThan(CHANGES / 2);
    expect((await call('GET', '/v1/callback/4')).body).toMatchObject({ throttle: { rate: null, pausedUntil: expect.any(String) } });
  });
});
