// The real process, as `pnpm start` runs it: bootstrap token, HTTP, a second account made with the
// CLI, the 413 limit, graceful shutdown, and the data still there after a restart.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ResponseChecker } from './support/contract-check.ts';
import { startProcess, type Started } from './support/processes.ts';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'tidings-e2e-'));
const TOKEN = 'bootstrap-token-for-e2e-tests';
const env = { PORT: '0', HOST: '127.0.0.1', TIDINGS_DATA_DIR: dataDir, TIDINGS_BOOTSTRAP_TOKEN: TOKEN, LOG_LEVEL: 'warn' };
const checker = new ResponseChecker();
let server: Started | null = null;

async function start(more: Record<string, string> = {}): Promise<string> {
  const started = await startProcess(process.execPath, ['src/main.ts'], {
    cwd: serverDir,
    env: { ...env, ...more },
    ready: /listening on (http:\/\/[^\s]+)[\s\S]*\n  token /,
  });
  server = started;
  return started.match[1] as string;
}

async function call(base: string, method: string, path: string, token: string | null, body?: unknown, raw?: string) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token !== null && { authorization: `Bearer ${token}` }),
      ...((body !== undefined || raw !== undefined) && { 'content-type': 'application/json' }),
    },
    ...((body !== undefined || raw !== undefined) && { body: raw ?? JSON.stringify(body) }),
  });
  return checker.check(method, path, response);
}

/**
 * Sends a chunked body that never ends and keeps sending after the answer: the server must answer 413
 * and then close the connection itself, rather than read (and throw away) whatever keeps coming.
 */
function endlessBody(base: string): Promise<{ status: string; closedByServer: boolean }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    const chunk = 'x'.repeat(64 * 1024);
    const sending = setInterval(() => {
      if (!socket.destroyed && socket.writableLength < 1024 * 1024) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    }, 1);
    const giveUp = setTimeout(() => finish(false), 20_000);
    function finish(closedByServer: boolean): void {
      clearInterval(sending);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ status: answer.split('\r\n')[0] ?? '', closedByServer });
    }
    socket.on('data', (data: Buffer) => (answer += data.toString('latin1')));
    // a write after the server closed fails with EPIPE or ECONNRESET: closed all the same
    socket.on('error', (error: NodeJS.ErrnoException) =>
      ['EPIPE', 'ECONNRESET'].includes(error.code ?? '') ? finish(true) : reject(error),
    );
    socket.on('close', () => finish(true));
    socket.write(
      `POST /v1/databases HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${TOKEN}\r\n` +
        'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n{"name":"\r\n',
    );
  });
}

/**
 * Sends the headers and the first bytes of a body, then nothing more: the server must give up on the
 * request by itself. Resolves with the status line it answered (if any) once it closed the connection.
 */
function stalledBody(base: string): Promise<{ status: string; closedByServer: boolean }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    const giveUp = setTimeout(() => finish(false), 30_000);
    function finish(closedByServer: boolean): void {
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ status: answer.split('\r\n')[0] ?? '', closedByServer });
    }
    socket.on('data', (data: Buffer) => (answer += data.toString('latin1')));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? finish(true) : reject(error)));
    socket.on('close', () => finish(true));
    socket.write(
      `POST /v1/databases HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${TOKEN}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":"',
    );
  });
}

afterAll(async () => {
  await server?.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the server process', () => {
  it('serves the API, keeps accounts apart, and keeps its data across a restart', async () => {
    let base = await start();
    expect(server?.output()).toContain('/docs');

    expect(await call(base, 'GET', '/v1/databases', null)).toMatchObject({
      status: 400,
      body: { error: { message: 'Invalid access token', code: 'invalid_access_token' } },
    });
    expect((await call(base, 'POST', '/v1/databases', TOKEN, { name: 'customers' })).status).toBe(201);
    const callback = await call(base, 'POST', '/v1/database/1/callbacks', TOKEN, { url: 'https://hooks.example.org/t' });
    expect(callback.body).toMatchObject({ ID: '1', action: 'all', method: 'json', expression: '', collection: null });
    expect((await call(base, 'POST', '/v1/database/1/profiles', TOKEN, { fields: { company: 'Apple' } })).status).toBe(201);

    const cli = execFileSync(process.execPath, ['src/cli.ts', 'accounts', 'create', 'second'], {
      cwd: serverDir,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    const second = cli.trim().split('\n').at(-1) as string;
    expect(second).toMatch(/^tid_/);
    expect((await call(base, 'GET', '/v1/databases', second)).body).toMatchObject({ total: 0 });
    for (const path of ['/v1/database/1', '/v1/callback/1', '/v1/profile/1', '/v1/database/1/callbacks']) {
      expect((await call(base, 'GET', path, second)).status, path).toBe(404);
    }
    // every answer carries its X-Request-Id and the token's RateLimit-* (http/answer-headers.ts puts them
    // on Node's response before anything answers): an operation's answer, an error an operation threw,
    // and a refusal before any operation ran
    const answers = [
      await call(base, 'GET', '/v1/callback/1', TOKEN),
      await call(base, 'GET', '/v1/callback/1', second),
      await call(base, 'POST', '/v1/databases', TOKEN, undefined, '{"name":'),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 404, 400]);
    expect(answers[0]?.body).toMatchObject({ ID: '1', url: 'https://hooks.example.org/t', throttle: null });
    for (const answer of answers) {
      expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.headers.get('ratelimit-limit')).toMatch(/^\d+$/);
      expect(answer.headers.get('ratelimit-remaining')).toMatch(/^\d+$/);
    }

    const big = `{"name":"${'x'.repeat(3 * 1024 * 1024)}"}`;
    expect((await call(base, 'POST', '/v1/databases', TOKEN, undefined, big)).status).toBe(413);
    // a body sent in chunks declares no length: it is refused once the limit is passed while reading
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 48; i++) controller.enqueue(new TextEncoder().encode(i === 0 ? '{"name":"' : 'x'.repeat(64 * 1024)));
        controller.close();
      },
    });
    const streamed = await fetch(`${base}/v1/databases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect((await checker.check('POST', '/v1/databases', streamed)).status).toBe(413);
    expect(await endlessBody(base)).toEqual({ status: 'HTTP/1.1 413 Payload Too Large', closedByServer: true });
    expect((await call(base, 'GET', '/v1/databases', TOKEN)).body).toMatchObject({ total: 1 });

    expect(await server?.stop('SIGTERM')).toBe(0);
    base = await start();
    expect((await call(base, 'GET', '/v1/database/1', TOKEN)).body).toMatchObject({ name: 'customers' });
    expect((await call(base, 'GET', '/v1/profile/1', TOKEN)).body).toMatchObject({ fields: { company: 'Apple' } });
    expect((await call(base, 'GET', '/v1/databases', second)).status).toBe(200);
    expect(await server?.stop('SIGTERM')).toBe(0);
  }, 60_000);

  it('gives up on a request whose body stops arriving, quietly, and goes on serving', async () => {
    const base = await start({ TIDINGS_REQUEST_TIMEOUT_MS: '1000' });
    const stalled = await Promise.all([stalledBody(base), stalledBody(base)]);
    expect(stalled).toEqual([
      { status: 'HTTP/1.1 408 Request Timeout', closedByServer: true },
      { status: 'HTTP/1.1 408 Request Timeout', closedByServer: true },
    ]);
    expect((await call(base, 'GET', '/v1/databases', TOKEN)).status).toBe(200);
    expect(await server?.stop('SIGTERM')).toBe(0);
    // a client that went away is not a fault of the server's: nothing logged as an internal error (the
    // lines of failed attempts to the earlier tests' callbacks, retried meanwhile, are not about it)
    const lines = (server?.output() ?? '').split('\n').filter((line) => !line.includes('"msg":"delivery attempt failed"'));
    expect(lines.join('\n')).not.toMatch(/Error|internal/i);
  }, 60_000);

  it('stops at start-up with one line naming an invalid setting', () => {
    let message = '';
    try {
      execFileSync(process.execPath, ['src/main.ts'], {
        cwd: serverDir,
        env: { ...process.env, ...env, TIDINGS_RETRY_SCHEDULE: '1,x' },
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (error) {
      message = (error as { stderr: string }).stderr;
    }
    expect(message.trim().split('\n')).toHaveLength(1);
    expect(message).toMatch(/^tidings: TIDINGS_RETRY_SCHEDULE must be/);
  });
});
