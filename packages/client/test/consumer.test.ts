// The package as a consumer gets it. NEEDS THE NPM REGISTRY (npm install of the packed tarball,
// typescript@5.9.3, @types/node and openapi-fetch); nothing else leaves the machine.
//
// Packs @tidings/client (prepack builds dist/), installs the tarball into an empty npm project,
// type-checks test/consumer/consumer.ts with strict settings, proves every @ts-expect-error in it is
// a real error, and runs it against a real server and against the contract mock.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcess } from './support/processes.ts';
import { startReceiver } from './support/receiver.ts';
import { startMock, startServer } from './support/targets.ts';
import { verifyWebhook } from '../src/index.ts';

const run = promisify(execFile);
const clientDir = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('consumer/consumer.ts', import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), 'tidings-consumer-'));
const projectDir = join(workDir, 'project');

const strictOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
  module: 'nodenext',
  moduleResolution: 'nodenext',
  target: 'es2022',
  lib: ['es2022'],
  types: ['node'],
  noEmit: true,
  skipLibCheck: false,
};

async function tsc(config: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(join(projectDir, 'node_modules/.bin/tsc'), ['-p', config], { cwd: projectDir });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

async function runConsumer(env: Record<string, string>): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, ['consumer.ts'], { cwd: projectDir, env: { ...process.env, ...env }, timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as Record<string, unknown>;
}

beforeAll(async () => {
  await run('pnpm', ['pack', '--pack-destination', workDir], { cwd: clientDir });
  const tarball = readdirSync(workDir).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`pnpm pack left no tarball in ${workDir}`);
  mkdirSync(projectDir);
  writeFileSync(join(projectDir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  try {
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', join(workDir, tarball), 'typescript@5.9.3', '@types/node@24'], {
      cwd: projectDir,
      timeout: 60_000,
    });
  } catch (error) {
    const { stderr = '', signal } = error as { stderr?: string; signal?: string };
    throw new Error(`npm install failed${signal ? ` (stopped by ${signal} after 60 s)` : ''} — this test needs the npm registry:\n${stderr}`);
  }
  copyFileSync(fixture, join(projectDir, 'consumer.ts'));
}, 90_000);

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('a consumer project that installs the packed package with npm', () => {
  it('installs a package with a built dist and no dependency on the server or the spec', () => {
    const installed = JSON.parse(readFileSync(join(projectDir, 'node_modules/@tidings/client/package.json'), 'utf8')) as Record<string, unknown>;
    expect(installed.dependencies).toEqual({ 'openapi-fetch': expect.any(String) });
    const dist = join(projectDir, 'node_modules/@tidings/client/dist');
    const files = readdirSync(dist, { recursive: true }).map(String);
    expect(files).toEqual(expect.arrayContaining(['index.js', 'index.d.ts', 'index.js.map', 'index.d.ts.map', join('generated', 'openapi.d.ts')]));
    for (const file of files.filter((name) => /\.(js|d\.ts)$/.test(name))) {
      expect(readFileSync(join(dist, file), 'utf8'), file).not.toMatch(/@tidings\/(spec|server)/);
    }
  });

  it('type-checks strictly, with every @ts-expect-error a real error', async () => {
    // The same file with the directives turned into plain comments must fail on exactly the lines
    // after them. Only the consumer's own file matters there, so that check skips the libraries.
    const directive = /^(\s*\/\/ )@ts-expect-error/;
    const lines = readFileSync(fixture, 'utf8').split('\n');
    const expected = lines.flatMap((line, index) => (directive.test(line) ? [index + 2] : []));
    expect(expected.length).toBeGreaterThanOrEqual(8);
    writeFileSync(join(projectDir, 'unchecked.ts'), lines.map((line) => line.replace(directive, '$1expect-error')).join('\n'));
    writeFileSync(join(projectDir, 'tsconfig.json'), JSON.stringify({ compilerOptions: strictOptions, files: ['consumer.ts'] }));
    writeFileSync(
      join(projectDir, 'tsconfig.unchecked.json'),
      JSON.stringify({ compilerOptions: { ...strictOptions, skipLibCheck: true }, files: ['unchecked.ts'] }),
    );
    const [checked, unchecked] = await Promise.all([tsc('tsconfig.json'), tsc('tsconfig.unchecked.json')]);

    expect(checked.output).toBe('');
    expect(checked.code).toBe(0);
    const errorLines = [...unchecked.output.matchAll(/^unchecked\.ts\((\d+),\d+\): error/gm)].map((match) => Number(match[1]));
    expect(unchecked.code).not.toBe(0);
    expect([...new Set(errorLines)]).toEqual(expected);
  }, 60_000);

  it('runs against a real server: pages, error envelopes, and a verified XML webhook', async () => {
    const server = await startServer();
    try {
      expect(await runConsumer({ TIDINGS_TARGET: 'server', TIDINGS_URL: server.baseUrl, TIDINGS_TOKEN: server.token })).toEqual({
        target: 'server',
        health: 'ok',
        paginated: 5,
        firstProfileEmail: 'a@example.com',
        notFound: 'database_not_found',
        paginateError: '404 database_not_found',
        secretPrefix: 'whsec_',
        webhook: { format: 'application/xml', type: 'profile', action: 'create', profileMatches: true, company: 'Apple & Co', previous: null },
      });
    } finally {
      await server.stop();
    }
  }, 40_000);

  it('runs `tidings listen` from the package (npx): a change reaches a local receiver, signed', async () => {
    const server = await startServer();
    const received: Array<{ headers: Record<string, string>; body: string }> = [];
    const receiver = await startReceiver(async (request, body, response) => {
      received.push({ headers: request.headers as Record<string, string>, body: body.toString('utf8') });
      response.writeHead(200).end('ok');
    });
    const api = async (path: string, body: unknown) => {
      const response = await fetch(`${server.baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await response.json()) as { ID: string; secret: string };
    };
    let listener: Awaited<ReturnType<typeof startProcess>> | null = null;
    try {
      const database = await api('/databases', { name: 'listened' });
      const callback = await api(`/database/${database.ID}/callbacks`, { url: 'https://hooks.tidings-consumer-test.invalid/' });
      listener = await startProcess('npx', ['--no-install', 'tidings', 'listen', '--callback', callback.ID, '--forward-to', `${receiver.url}/hooks`], {
        cwd: projectDir,
        env: { TIDINGS_URL: server.baseUrl, TIDINGS_TOKEN: server.token },
        ready: /listening to callback/,
      });
      await api(`/database/${database.ID}/profiles`, { fields: { email: 'a@example.com' } });
      for (let tries = 0; received.length === 0 && tries < 200; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
      const [message] = received;
      expect(message).toBeDefined();
      const verified = await verifyWebhook({ secret: callback.secret, headers: message!.headers, body: message!.body });
      expect(verified).toMatchObject({ type: 'profile', action: 'create', fields: { email: 'a@example.com' } });
    } finally {
      await listener?.stop();
      await receiver.close();
      await server.stop();
    }
  }, 40_000);

  it('runs against the contract mock', async () => {
    const mock = await startMock();
    try {
      expect(await runConsumer({ TIDINGS_TARGET: 'mock', TIDINGS_URL: mock.baseUrl, TIDINGS_TOKEN: mock.token })).toEqual({
        target: 'mock',
        health: 'ok',
        paginated: 1,
        firstProfileEmail: 'jane@example.com',
        notFound: 'database_not_found',
        paginateError: '404 database_not_found',
        secretPrefix: 'whsec_',
      });
    } finally {
      await mock.stop();
    }
  }, 40_000);
});
