// The embedded store's disk filling up under a running server: writes answer 507 insufficient_storage
// in the error envelope (never 500), the condition is logged a few times instead of once per request,
// reads go on, nothing confirmed is lost, the file stays intact, and writes succeed again as soon as
// space is freed, without a restart. Also: a read-only data directory stops start-up with one line.
// Mounting a small tmpfs needs root, as in CI; elsewhere these tests are skipped.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFlags, startProcess, type Started } from '../support/processes.ts';
import { eventually, startReceiver, type Receiver } from '../support/receiver.ts';
import { startSteadyLoad, type SteadyLoad } from '../support/steady-load.ts';

const serverDir = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'bootstrap-token-for-disk-tests';
const root = userInfo().uid === 0;
if (!root) console.warn('disk-full tests SKIPPED: mounting a tmpfs needs root (CI runs as root)');

let mountPoint: string;
let dataDir: string;
let server: Started & { match: RegExpMatchArray };
let base: string;
let receiver: Receiver;
const figures: string[] = [];

function mount(size: string, extra = ''): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${extra}`, 'tmpfs', mountPoint]);
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown; retryAfter: string | null }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? null : (JSON.parse(text) as unknown), retryAfter: response.headers.get('retry-after') };
}

/** Writes a file until the file system has no room left; returns its path and size. */
function fillDisk(): { path: string; bytes: number } {
  const path = join(mountPoint, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  let bytes = 0;
  try {
    for (;;) bytes += writeSync(fd, chunk.subarray(0, Math.max(512, chunk.length)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    // the last few KB in smaller pieces
    for (const size of [4096, 512]) {
      try {
        for (;;) bytes += writeSync(fd, chunk.subarray(0, size));
      } catch {
        // full at this size too
      }
    }
  } finally {
    closeSync(fd);
  }
  return { path, bytes };
}

describe.skipIf(!root)('the embedded store on a full disk', () => {
  beforeAll(async () => {
    mountPoint = mkdtempSync(join(tmpdir(), 'tidings-disk-'));
    mount('12m');
    dataDir = join(mountPoint, 'data');
    receiver = await startReceiver();
    server = await startProcess(process.execPath, [...startFlags(), 'src/main.ts'], {
      cwd: serverDir,
      env: {
        PORT: '0',
        HOST: '127.0.0.1',
        TIDINGS_DATA_DIR: dataDir,
        TIDINGS_BOOTSTRAP_TOKEN: TOKEN,
        TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8',
        TIDINGS_RATE_LIMIT: '0',
        TIDINGS_RETRY_SCHEDULE: '0,1,1,1,1,2,2,2,5,5,5,5,5,5,5,5,5,5',
      },
      ready: /listening on (http:\/\/[^\s]+)[\s\S]*\n  token /,
    });
    base = server.match[1] as string;
    expect((await call('POST', '/v1/databases', { name: 'customers' })).status).toBe(201);
    expect((await call('POST', '/v1/database/1/callbacks', { url: `${receiver.url}/hook` })).status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await receiver?.close();
    try {
      execFileSync('umount', ['-l', mountPoint]);
    } catch {
      // not mounted
    }
    rmSync(mountPoint, { recursive: true, force: true });
    if (figures.length > 0) console.log(`disk full:\n  ${figures.join('\n  ')}`);
  });

  it('answers writes with 507, keeps reads and loses nothing, and writes again once space is freed', async () => {
    // messages queued before the disk fills, held by a receiver that is down for now
    receiver.respond((_request, _index, response) => {
      response.writeHead(503).end();
    });
    for (let i = 0; i < 20; i++) expect((await call('POST', '/v1/database/1/profiles', { fields: { phase: 'before' } })).status).toBe(201);
    await receiver.waitFor(20);

    const load: SteadyLoad = startSteadyLoad({ bases: [base], token: TOKEN, databaseId: '1', loops: 2, pauseMs: 5, hangMs: 35_000 });
    load.phase = 'full';
    const filler = fillDisk();
    await eventually(() => (load.statuses.get(507) ?? 0) > 0, 20_000);
    receiver.respond((_request, _index, response) => {
      response.writeHead(200).end('ok');
    });
    const answeredFrom = receiver.requests.length;
    // ten seconds on a full disk under load
    const fullFor = 10_000;
    await new Promise((resolve) => setTimeout(resolve, fullFor));

    const reads = await Promise.all([call('GET', '/v1/databases'), call('GET', '/v1/database/1/profiles?limit=5'), call('GET', '/v1/callback/1/deliveries?limit=5')]);
    expect(reads.map((read) => read.status)).toEqual([200, 200, 200]);
    const write = await call('POST', '/v1/database/1/profiles', { fields: { phase: 'full' } });
    const answered507 = load.statuses.get(507) ?? 0;
    const deliveredWhileFull = new Set(receiver.requests.slice(answeredFrom).map((request) => request.headers['webhook-id'])).size;

    unlinkSync(filler.path);
    load.phase = 'freed';
    const freedAt = Date.now();
    const before = load.confirmed.size;
    await eventually(() => load.confirmed.size > before + 20, 20_000);
    const writingAgainMs = Date.now() - freedAt;
    await load.stop();

    const confirmed = [...load.confirmed.keys()];
    const total = confirmed.length + 20;
    const delivered = () => new Set(receiver.requests.filter((request) => request.headers['webhook-id'] !== undefined && request.body.includes('"phase"')).map((request) => (JSON.parse(request.body) as { profile: string }).profile));
    await eventually(() => delivered().size >= total, 60_000).catch(() => undefined);
    const missing = confirmed.filter((id) => !delivered().has(id));
    const output = server.output();
    const storeLines = output.split('\n').filter((line) => /disk|full|space/i.test(line));
    figures.push(
      `${Math.round(filler.bytes / 1024)} KB filler; ${answered507} writes answered 507 in ${fullFor / 1000} s full, reads 200; ` +
        `${deliveredWhileFull} messages reached the (now healthy) receiver while full; writes succeeded again ${writingAgainMs} ms after space was freed; ` +
        `${confirmed.length} changes confirmed during the test, all delivered: ${missing.length === 0}; ${storeLines.length} log lines about the disk`,
    );
    expect(write.status).toBe(507);
    expect(write.json).toMatchObject({ error: { code: 'insufficient_storage' } });
    expect(write.retryAfter).toBe('10');
    expect(load.unexpected).toEqual([]);
    expect(load.hangs).toBe(0);
    expect(missing).toEqual([]);
    // a few lines per interval, never a stack trace per request
    expect(output).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    expect(output).not.toContain('internal_error');
    expect(storeLines.length).toBeLessThan(12);
    expect(server.child.exitCode).toBeNull();

    expect(await server.stop('SIGTERM')).toBe(0);
    const db = new DatabaseSync(join(dataDir, 'tidings.sqlite'), { readOnly: true });
    try {
      expect(db.prepare('PRAGMA integrity_check').all()).toEqual([{ integrity_check: 'ok' }]);
    } finally {
      db.close();
    }
  }, 150_000);

  it('stops start-up with one clear line when the data directory is read-only', async () => {
    const mounted = mkdtempSync(join(tmpdir(), 'tidings-ro-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mounted]);
    try {
      mkdirSync(join(mounted, 'data'));
      execFileSync('mount', ['-o', 'remount,ro', mounted]);
      const failed = await startProcess(process.execPath, ['src/main.ts'], {
        cwd: serverDir,
        env: { PORT: '0', HOST: '127.0.0.1', TIDINGS_DATA_DIR: join(mounted, 'data') },
        ready: /listening on/,
      }).then(
        () => null,
        (error: unknown) => String(error),
      );
      expect(failed).toMatch(
        /exited with 1 before it was ready:\ntidings: cannot open the store: the embedded store cannot write to .*\/data \(TIDINGS_DATA_DIR\): it is on a read-only file system\n$/,
      );
    } finally {
      execFileSync('umount', ['-l', mounted]);
      rmSync(mounted, { recursive: true, force: true });
    }
  });
});
