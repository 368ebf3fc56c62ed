// Moving an embedded store into PostgreSQL as the README tells an operator to: stop the server,
// `pnpm tidings export`, `pnpm tidings migrate` and `import` with DATABASE_URL, start on PostgreSQL.
// The API then answers exactly as before, and new data continues after the imported IDs.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresMigrations } from '../src/db/postgres/migrations.ts';
import { sqliteMigrations } from '../src/db/sqlite/migrations.ts';
import { createTestDatabase, type TestDatabase } from './support/postgres.ts';
import { startProcess, type Started } from './support/processes.ts';
import { eventually, startReceiver, type Receiver } from './support/receiver.ts';

const run = promisify(execFile);
const serverDir = fileURLToPath(new URL('..', import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), 'tidings-transfer-'));
const dataDir = join(workDir, 'data');
const exportFile = join(workDir, 'tidings.jsonl');
const TOKEN = 'bootstrap-token-for-transfer-tests';
let server: Started | null = null;
let receiver: Receiver | null = null;
let database: TestDatabase | null = null;

function env(store: 'sqlite' | 'postgres'): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    TIDINGS_BOOTSTRAP_TOKEN: TOKEN,
    TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8',
    TIDINGS_RATE_LIMIT: '0',
    ...(store === 'sqlite' ? { TIDINGS_DATA_DIR: dataDir, DATABASE_URL: '' } : { DATABASE_URL: database!.url }),
  };
}

async function start(store: 'sqlite' | 'postgres'): Promise<string> {
  const started = await startProcess(process.execPath, ['src/main.ts'], {
    cwd: serverDir,
    env: env(store),
    ready: /listening on (http:\/\/[^\s]+)[\s\S]*\n  token /,
  });
  server = started;
  return started.match[1] as string;
}

async function cli(store: 'sqlite' | 'postgres', args: string[], stdinFile?: string): Promise<{ stdout: string; stderr: string }> {
  const options = { cwd: serverDir, env: { ...process.env, ...env(store) } };
  if (stdinFile === undefined) return run(process.execPath, ['src/cli.ts', ...args], options);
  // through stdin, as `pnpm tidings import < tidings.jsonl` feeds it
  return run('sh', ['-c', `exec "$0" src/cli.ts "$@" < "${stdinFile}"`, process.execPath, ...args], options);
}

async function call(base: string, method: string, path: string, body?: unknown, token = TOKEN): Promise<{ status: number; text: string }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, text: await response.text() };
}

const READS = [
  '/v1/databases',
  '/v1/database/1',
  '/v1/database/1/collections',
  '/v1/database/1/profiles',
  '/v1/profile/2',
  '/v1/collection/1/subprofiles',
  '/v1/profile/1/subprofiles/1',
  '/v1/database/1/callbacks',
  '/v1/collection/1/callbacks',
  '/v1/callback/1',
  '/v1/callback/1/secret',
  '/v1/callback/1/deliveries',
  '/v1/callback/2/deliveries',
  '/v1/delivery/1',
  '/v1/delivery/3',
];

async function snapshot(base: string, token = TOKEN): Promise<Record<string, string>> {
  const entries = await Promise.all(READS.map(async (path) => [path, (await call(base, 'GET', path, undefined, token)).text] as const));
  return Object.fromEntries(entries);
}

afterAll(async () => {
  await server?.stop('SIGKILL');
  await receiver?.close();
  await database?.drop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('moving an embedded store into PostgreSQL', () => {
  it('exports, imports and answers the same, then carries on after the imported IDs', async () => {
    receiver = await startReceiver();
    let base = await start('sqlite');
    await call(base, 'POST', '/v1/databases', { name: 'customers', description: 'Newsletter \u00e9t\u00e9' });
    await call(base, 'POST', '/v1/database/1/collections', { name: 'orders' });
    await call(base, 'POST', '/v1/database/1/callbacks', { url: `${receiver.url}/db`, ordering: 'profile' });
    await call(base, 'POST', '/v1/collection/1/callbacks', { url: `${receiver.url}/orders`, method: 'xml', action: 'create' });
    await call(base, 'POST', '/v1/database/1/profiles', { fields: { email: 'jane@example.com' }, interests: ['news'] });
    await call(base, 'POST', '/v1/database/1/profiles', { fields: { email: 'joe@example.com' } });
    await call(base, 'PUT', '/v1/profile/2', { fields: { city: 'Utrecht' } });
    await call(base, 'POST', '/v1/profile/1/subprofiles/1', { fields: { product: 'MacBook' } });
    await call(base, 'POST', '/v1/callback/1/secret/rotate');
    await receiver.waitFor(4);
    await eventually(async () => !(await call(base, 'GET', '/v1/callback/1/deliveries')).text.includes('"pending"'));
    const other = (await cli('sqlite', ['accounts', 'create', 'acme'])).stdout.trim().split('\n').at(-1)!;
    await call(base, 'POST', '/v1/databases', { name: 'acme customers' }, other);
    const before = await snapshot(base);
    expect(before['/v1/database/1/profiles']).toContain('"total":2');
    expect(before['/v1/delivery/3']).toMatch(/"status":"succeeded".*"attemptLog":\[\{/);
    const otherBefore = await call(base, 'GET', '/v1/databases', undefined, other);
    expect(await server!.stop('SIGTERM')).toBe(0);

    const exported = await cli('sqlite', ['export', exportFile]);
    expect(exported.stderr).toMatch(/^exported 2 accounts, 2 tokens, 2 databases, 1 collections, 2 profiles, 1 subprofiles, 2 callbacks, 3 callback_secrets, 4 events, 4 deliveries, 4 delivery_attempts from the sqlite store/);
    expect(readFileSync(exportFile, 'utf8').split('\n')[0]).toMatch(
      new RegExp(`^\\{"format":"tidings-export","schema":${sqliteMigrations.at(-1)?.version},"dialect":"sqlite"`),
    );

    database = await createTestDatabase({ migrated: false });
    expect((await cli('postgres', ['migrate'])).stdout).toBe(`postgres store: applied migrations ${postgresMigrations.map((migration) => migration.version).join(', ')}\n`);
    expect((await cli('postgres', ['import'], exportFile)).stdout).toMatch(/^imported 2 accounts, .* 4 delivery_attempts into the postgres store/);
    await expect(cli('postgres', ['import', exportFile])).rejects.toThrow(/the target store is not empty/);

    base = await start('postgres');
    expect(await snapshot(base)).toEqual(before);
    expect(await call(base, 'GET', '/v1/databases', undefined, other)).toEqual(otherBefore);

    // identities continue after the imported rows, and the callback still signs with its secret
    const created = await call(base, 'POST', '/v1/database/1/profiles', { fields: { email: 'new@example.com' } });
    expect(created.status).toBe(201);
    expect(JSON.parse(created.text)).toMatchObject({ ID: '3' });
    const [arrived] = (await receiver.waitFor(5)).slice(4);
    const secret = (JSON.parse(before['/v1/callback/1/secret']!) as { secret: string }).secret;
    expect(new Webhook(secret).verify(arrived!.body, arrived!.headers as Record<string, string>)).toMatchObject({ profile: '3' });
    expect(await server!.stop('SIGTERM')).toBe(0);
  }, 60_000);
});
