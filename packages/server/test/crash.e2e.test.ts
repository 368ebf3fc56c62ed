// kill -9 of the real process while changes flow: after a restart every committed change is
// delivered at least once, and duplicates come only from attempts that were in flight.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startProcess, type Started } from './support/processes.ts';
import { eventually, startReceiver, type Receiver } from './support/receiver.ts';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'tidings-crash-'));
const TOKEN = 'bootstrap-token-for-crash-tests';
let server: (Started & { match: RegExpMatchArray }) | null = null;
let receiver: Receiver | null = null;

async function start(): Promise<string> {
  server = await startProcess(process.execPath, ['src/main.ts'], {
    cwd: serverDir,
    env: { PORT: '0', HOST: '127.0.0.1', TIDINGS_DATA_DIR: dataDir, TIDINGS_BOOTSTRAP_TOKEN: TOKEN, TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8' },
    ready: /listening on (http:\/\/[^\s]+)[\s\S]*\n  token /,
  });
  return server.match[1] as string;
}

async function post(base: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

afterAll(async () => {
  await server?.stop('SIGKILL');
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a crash', () => {
  it('loses no committed change', async () => {
    receiver = await startReceiver();
    receiver.respond(async (_request, _index, response) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      response.writeHead(200);
      response.end();
    });
    let base = await start();
    await post(base, '/v1/databases', { name: 'crash' });
    await post(base, '/v1/database/1/callbacks', { url: `${receiver.url}/hook` });

    const committed = new Set<string>();
    let killed = false;
    const writers = Array.from({ length: 8 }, async (_unused, writer) => {
      for (let i = 0; i < 400 && !killed; i++) {
        try {
          const response = await post(base, '/v1/database/1/profiles', { fields: { writer: String(writer), i: String(i) } });
          if (response.status === 201) committed.add(((await response.json()) as { ID: string }).ID);
        } catch {
          return; // the server is gone; an answer that never came is not a commit we know of
        }
      }
    });
    await eventually(() => committed.size >= 600, 60_000);
    killed = true;
    await server?.stop('SIGKILL');
    await Promise.all(writers);
    const beforeRestart = receiver.requests.length;

    base = await start();
    const delivered = await eventually(() => {
      const profiles = new Set(receiver!.requests.map((request) => (JSON.parse(request.body) as { profile: string }).profile));
      return [...committed].every((id) => profiles.has(id)) && profiles;
    }, 60_000);
    const duplicates = receiver.requests.length - new Set(receiver.requests.map((request) => request.headers['webhook-id'])).size;
    console.log(
      `crash test: ${committed.size} committed, ${beforeRestart} delivered before kill -9, ${receiver.requests.length} requests in all, ${delivered.size} distinct profiles, ${duplicates} duplicates`,
    );
    expect(duplicates).toBeLessThanOrEqual(64);
    expect(await server?.stop('SIGTERM')).toBe(0);
  }, 120_000);
});
