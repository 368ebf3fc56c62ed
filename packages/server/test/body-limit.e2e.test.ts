// The body size limit on a real socket: every operation that can answer 413 declares it — the POSTs
// that take no body too — and a body on a GET or DELETE, which no operation reads, is ignored
// whatever its size, with the connection still usable afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseChecker, type CheckedResponse } from './support/contract-check.ts';
import { startProcess, type Started } from './support/processes.ts';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'tidings-body-limit-'));
const TOKEN = 'bootstrap-token-for-body-limit-tests';
const checker = new ResponseChecker();
const overLimit = 'x'.repeat(3 * 1024 * 1024);
let server: Started | null = null;
let base: URL;

interface Sent {
  checked: CheckedResponse;
  /** whether the request went over a connection an earlier request had used */
  reusedSocket: boolean;
}

/**
 * One request with node:http, which (unlike fetch) sends a body with any method. With `declaredBytes`
 * the request declares that length but sends only `body`: a server that refuses it unread answers at
 * once, while a client still writing megabytes into a connection the server closes may see the
 * connection reset before it reads the answer.
 */
function send(agent: Agent, method: string, path: string, body?: string, declaredBytes?: number): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method,
        path,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          ...(body !== undefined && { 'content-type': 'application/json', 'content-length': declaredBytes ?? Buffer.byteLength(body) }),
        },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === 'string') headers.set(name, value);
          const status = incoming.statusCode ?? 0;
          const response = new Response(status === 204 ? null : Buffer.concat(chunks), { status, headers });
          checker.check(method, path, response).then((checked) => resolve({ checked, reusedSocket: outgoing.reusedSocket }), reject);
        });
      },
    );
    // the server may answer (413) and stop reading before the whole body is written
    outgoing.on('error', (error: NodeJS.ErrnoException) => (['EPIPE', 'ECONNRESET'].includes(error.code ?? '') ? undefined : reject(error)));
    if (declaredBytes === undefined) outgoing.end(body);
    else outgoing.write(body ?? '');
  });
}

beforeAll(async () => {
  const started = await startProcess(process.execPath, ['src/main.ts'], {
    cwd: serverDir,
    env: { PORT: '0', HOST: '127.0.0.1', TIDINGS_DATA_DIR: dataDir, TIDINGS_BOOTSTRAP_TOKEN: TOKEN, LOG_LEVEL: 'warn' },
    ready: /listening on (http:\/\/[^\s]+)[\s\S]*\n  token /,
  });
  server = started;
  base = new URL(started.match[1] as string);
}, 60_000);

afterAll(async () => {
  await server?.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a body over the limit', () => {
  it.each(['/v1/callback/1/test', '/v1/callback/1/secret/rotate', '/v1/delivery/1/retry'])(
    'on POST %s, which takes no body, is a declared 413',
    async (path) => {
      const agent = new Agent();
      try {
        const { checked } = await send(agent, 'POST', path, '{"padding":"', overLimit.length);
        expect(checked).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
      } finally {
        agent.destroy();
      }
    },
  );

  it('on a GET or DELETE is ignored: the normal answer, and the connection goes on serving', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const listed = await send(agent, 'GET', '/v1/databases', overLimit);
      expect(listed.checked).toMatchObject({ status: 200, body: { total: 0 } });
      const deleted = await send(agent, 'DELETE', '/v1/callback/1', overLimit);
      expect(deleted.checked).toMatchObject({ status: 404, body: { error: { code: 'callback_not_found' } } });
      const next = await send(agent, 'GET', '/v1/databases');
      expect(next.checked.status).toBe(200);
      expect([deleted.reusedSocket, next.reusedSocket]).toEqual([true, true]);
    } finally {
      agent.destroy();
    }
  });
});
