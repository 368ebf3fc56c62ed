// `tidings listen` end to end: the real server process (on the embedded store; on PostgreSQL in the
// postgres project, an `api` and a `worker` process), the real CLI of @tidings/client as a child
// process, and a real local receiver. The callbacks point at a host that does not exist: an attempt
// that went there instead of to the listener would show in the delivery log (`via: url`, a failure).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ResponseChecker } from './support/contract-check.ts';
import { createTestDatabase, type TestDatabase } from './support/postgres.ts';
import { startProcess, type Started } from './support/processes.ts';
import { answer, eventually, startReceiver, type Receiver } from './support/receiver.ts';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const listenBin = fileURLToPath(new URL('../../client/src/bin/tidings.ts', import.meta.url));
const TOKEN = 'bootstrap-token-for-listen-tests';
/** short, so that a killed listener's leases (the limit and 10 s) run out within a test */
const DELIVERY_TIMEOUT_MS = 1000;
const HEARTBEAT_MS = 500;
const checker = new ResponseChecker();
const dataDir = mkdtempSync(join(tmpdir(), 'tidings-listen-'));
let database: TestDatabase | null = null;
let env: Record<string, string>;
let server: Started;
let worker: Started | null = null;
let base: string;
let receiver: Receiver;
const listeners: Started[] = [];

beforeAll(async () => {
  if (inject('tidingsStore') === 'postgres') database = await createTestDatabase();
  env = {
    PORT: '0',
    HOST: '127.0.0.1',
    TIDINGS_DATA_DIR: dataDir,
    ...(database !== null && { DATABASE_URL: database.url }),
    TIDINGS_BOOTSTRAP_TOKEN: TOKEN,
    TIDINGS_RATE_LIMIT: '0',
    TIDINGS_DELIVERY_TIMEOUT_MS: String(DELIVERY_TIMEOUT_MS),
    TIDINGS_RETRY_SCHEDULE: '0,1,1,1,1,1,1,1,1,1',
    TIDINGS_LISTEN_HEARTBEAT_MS: String(HEARTBEAT_MS),
    LOG_LEVEL: 'warn',
  };
  // on PostgreSQL the stream is held by an `api` process while a `worker` process claims deliveries
  server = await startProcess(process.execPath, ['src/main.ts'], {
    cwd: serverDir,
    env: { ...env, ...(database !== null && { TIDINGS_ROLE: 'api' }) },
    ready: /listening on (http:\/\/[^\s]+)[\s\S]*\n  token /,
  });
  if (database !== null) {
    worker = await startProcess(process.execPath, ['src/main.ts'], { cwd: serverDir, env: { ...env, TIDINGS_ROLE: 'worker' }, ready: /worker started/ });
  }
  base = (server as Started & { match: RegExpMatchArray }).match[1] as string;
  receiver = await startReceiver();
}, 60_000);

afterEach(async () => {
  await Promise.all(listeners.splice(0).map((listener) => listener.stop('SIGKILL')));
  receiver.respond(answer(200, 'ok'));
  receiver.requests.splice(0);
});

afterAll(async () => {
  await server?.stop('SIGTERM');
  await worker?.stop('SIGTERM');
  await receiver?.close();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown, token = TOKEN) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return checker.check(method, path, response);
}

/** a database with one callback that nothing could reach but a listener */
async function callbackInNewDatabase(): Promise<{ database: string; callback: string; secret: string }> {
  const created = (await call('POST', '/v1/databases', { name: `listen-${Date.now()}-${Math.random()}` })).body as { ID: string };
  const callback = (await call('POST', `/v1/database/${created.ID}/callbacks`, { url: 'https://hooks.tidings-listen-test.invalid/never' })).body as {
    ID: string;
    secret: string;
  };
  return { database: created.ID, callback: callback.ID, secret: callback.secret };
}

function startListener(callback: string, token = TOKEN): Promise<Started> {
  return startProcess(process.execPath, [listenBin, 'listen', '--callback', callback, '--forward-to', `${receiver.url}/hooks`, '--url', `${base}/v1`], {
    env: { TIDINGS_TOKEN: token },
    ready: /listening to callback \d+/,
  }).then((started) => {
    listeners.push(started);
    return started;
  });
}

interface DeliveryDetail {
  status: string;
  webhookId: string;
  attemptLog: Array<{ statusCode: number | null; via: string }>;
}

async function deliveries(callback: string): Promise<DeliveryDetail[]> {
  const list = (await call('GET', `/v1/callback/${callback}/deliveries?limit=1000`)).body as { data: Array<{ ID: string }> };
  return Promise.all(list.data.map(async (delivery) => (await call('GET', `/v1/delivery/${delivery.ID}`)).body as DeliveryDetail));
}

async function allSucceeded(callback: string, count: number): Promise<DeliveryDetail[] | false> {
  const found = await deliveries(callback);
  return found.length === count && found.every((delivery) => delivery.status === 'succeeded') && found;
}

async function profiles(database: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await call('POST', `/v1/database/${database}/profiles`, { fields: { n: String(i) } });
}

describe('tidings listen', () => {
  it('forwards messages with valid signatures and records the attempts as the listener’s', async () => {
    const { database: db, callback, secret } = await callbackInNewDatabase();
    const listener = await startListener(callback);
    await profiles(db, 3);
    const received = await receiver.waitFor(3);
    const verifier = new Webhook(secret);
    for (const request of received) {
      expect(request.path).toBe('/hooks');
      expect(() => verifier.verify(request.body, request.headers as Record<string, string>)).not.toThrow();
      expect(JSON.parse(request.body)).toMatchObject({ type: 'profile', action: 'create', database: db });
    }
    const done = await eventually(() => allSucceeded(callback, 3));
    expect(done.flatMap((delivery) => delivery.attemptLog)).toEqual(Array(3).fill(expect.objectContaining({ statusCode: 200, via: 'listener' })));
    await eventually(() => (listener.output().match(/profile\.create .* -> 200 /g) ?? []).length === 3);
  });

  it('fails the attempt when the target answers 500, and retries it on the schedule', async () => {
    const { database: db, callback } = await callbackInNewDatabase();
    receiver.respond((_request, index, response) => {
      response.writeHead(index === 0 ? 500 : 204).end();
    });
    await startListener(callback);
    await profiles(db, 1);
    const [delivery] = await eventually(() => allSucceeded(callback, 1));
    expect(delivery?.attemptLog).toEqual([
      expect.objectContaining({ statusCode: 500, via: 'listener' }),
      expect.objectContaining({ statusCode: 204, via: 'listener' }),
    ]);
    expect(new Set(receiver.requests.map((request) => request.headers['webhook-id'])).size).toBe(1);
  });

  it('refuses a read-only token: the stream answers 403 and the CLI exits', async () => {
    const { callback } = await callbackInNewDatabase();
    const created = execFileSync(process.execPath, ['src/cli.ts', 'tokens', 'create', 'default', '--read-only'], { cwd: serverDir, env: { ...process.env, ...env } });
    const readOnly = created.toString().trim().split('\n').at(-1) as string;
    const answered = await call('GET', `/v1/callback/${callback}/listen`, undefined, readOnly);
    expect(answered).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    const cli = await startProcess(process.execPath, [listenBin, 'listen', '--callback', callback, '--forward-to', receiver.url, '--url', `${base}/v1`], {
      env: { TIDINGS_TOKEN: readOnly },
      ready: /refused \(HTTP 403\)/,
    });
    const code = cli.child.exitCode ?? (await new Promise<number | null>((resolve) => cli.child.once('exit', resolve)));
    expect(code).toBe(1);
  });

  it('ends the listener when its callback is deleted: the reconnect is answered 404', async () => {
    const { callback } = await callbackInNewDatabase();
    const listener = await startListener(callback);
    expect((await call('DELETE', `/v1/callback/${callback}`)).status).toBe(204);
    const code = listener.child.exitCode ?? (await new Promise<number | null>((resolve) => listener.child.once('exit', resolve)));
    expect(code).toBe(1);
    expect(listener.output()).toMatch(/refused \(HTTP 404\): No callback with ID/);
  });

  it('sends heartbeats on the stream', async () => {
    const { callback } = await callbackInNewDatabase();
    const stop = new AbortController();
    const response = await fetch(`${base}/v1/callback/${callback}/listen`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: stop.signal });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes(': heartbeat')) text += (await reader.read()).value ?? '';
    stop.abort();
    expect(text).toMatch(/^event: listening\ndata: \{"callback":"\d+","heartbeatMs":500\}/);
  });

  it('loses nothing when the listener is killed mid-stream: the next one gets the rest', async () => {
    const { database: db, callback } = await callbackInNewDatabase();
    // slow answers: messages are in flight when the listener dies
    receiver.respond((_request, _index, response) => void setTimeout(() => response.writeHead(200).end('ok'), 200));
    const first = await startListener(callback);
    await profiles(db, 10);
    await receiver.waitFor(2);
    await first.stop('SIGKILL');
    await startListener(callback);
    const done = await eventually(() => allSucceeded(callback, 10), 40_000);
    const sent = new Set(done.map((delivery) => delivery.webhookId));
    expect(new Set(receiver.requests.map((request) => request.headers['webhook-id']))).toEqual(sent);
    // the only repeats are messages the killed listener held: sent again, as at-least-once allows
    expect(done.flatMap((delivery) => delivery.attemptLog).every((attempt) => attempt.via === 'listener')).toBe(true);
  }, 60_000);

  it('shares a callback between two listeners: each message goes to one of them', async () => {
    const { database: db, callback } = await callbackInNewDatabase();
    await startListener(callback);
    await startListener(callback);
    await profiles(db, 10);
    const done = await eventually(() => allSucceeded(callback, 10));
    const ids = receiver.requests.map((request) => request.headers['webhook-id']);
    expect(ids).toHaveLength(10);
    expect(new Set(ids)).toEqual(new Set(done.map((delivery) => delivery.webhookId)));
  });

  it('sends to the callback’s URL again once no listener has held it for three heartbeats', async () => {
    const { database: db, callback } = await callbackInNewDatabase();
    const listener = await startListener(callback);
    await listener.stop('SIGKILL');
    await profiles(db, 1);
    const [delivery] = await eventually(async () => {
      const found = await deliveries(callback);
      return found[0] !== undefined && found[0].attemptLog.length > 0 && found;
    });
    expect(delivery?.attemptLog[0]).toMatchObject({ statusCode: null, via: 'url' });
    expect(receiver.requests).toHaveLength(0);
  });
});
