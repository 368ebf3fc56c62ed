// How many SQL statements one message costs on PostgreSQL: a throwaway cluster logs every statement
// (log_statement=all), one Tidings process (role all: API and one worker) delivers N profile updates
// sent one at a time, each awaited at a local receiver before the next is sent, and the statements
// that Tidings' connections ran meanwhile are counted, by kind.
//   node bench/statement-count.ts [updates]      (default 100)
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const updates = Number(process.argv[2] ?? 100);
const clusterScript = fileURLToPath(new URL('../scripts/postgres-cluster.sh', import.meta.url));
const serverDirectory = fileURLToPath(new URL('../packages/server/', import.meta.url));
const token = 'statement-count-token-0123456789';

const clusterDirectory = mkdtempSync(join(tmpdir(), 'tidings-statements-'));
const url = execFileSync('bash', [clusterScript, 'start', clusterDirectory], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
const stopCluster = () => execFileSync('bash', [clusterScript, 'stop', clusterDirectory], { stdio: 'ignore' });
process.once('exit', stopCluster);
const log = join(clusterDirectory, 'server.log');

const admin = new pg.Client({ connectionString: url, application_name: 'statement-count' });
await admin.connect();
await admin.query("ALTER SYSTEM SET log_statement = 'all'");
await admin.query("ALTER SYSTEM SET log_line_prefix = '%a|'");
await admin.query('SELECT pg_reload_conf()');

// the receiver: answers 204 and tells whoever waits for the next message
let arrived: (() => void) | null = null;
let received = 0;
const receiver = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    received++;
    response.writeHead(204).end();
    arrived?.();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

const manifest = JSON.parse(readFileSync(join(serverDirectory, 'package.json'), 'utf8')) as { scripts: { start: string } };
const server = spawn(process.execPath, manifest.scripts.start.trim().split(/\s+/).slice(1), {
  cwd: serverDirectory,
  env: {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: url,
    TIDINGS_ROLE: 'all',
    TIDINGS_BOOTSTRAP_TOKEN: token,
    TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8',
    TIDINGS_RATE_LIMIT: '0',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
process.once('exit', () => server.kill('SIGKILL'));
const origin = await new Promise<string>((resolve, reject) => {
  let output = '';
  server.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
    if (found) resolve(found[1] as string);
  });
  server.once('exit', (code) => reject(new Error(`the server exited (${code}) before it listened`)));
});

async function call(method: string, path: string, body?: unknown): Promise<{ ID: string }> {
  const response = await fetch(origin + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { ID: string };
}

function delivered(): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no message within 10 s')), 10_000);
    arrived = () => {
      clearTimeout(timer);
      arrived = null;
      resolve();
    };
  });
}

/** Resolves once every delivery has succeeded and its outcome is recorded. */
async function settled(): Promise<void> {
  for (;;) {
    const { rows } = await admin.query<{ open: number }>(
      "SELECT count(*)::int AS open FROM deliveries WHERE status <> 'succeeded' OR lease_until IS NOT NULL",
    );
    if (rows[0]?.open === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const database = (await call('POST', '/v1/databases', { name: 'statements' })).ID;
await call('POST', `/v1/database/${database}/callbacks`, { url: receiverUrl });
const creating = delivered();
const profile = (await call('POST', `/v1/database/${database}/profiles`, { fields: { n: '0' } })).ID;
await creating;
await settled();

// statements from here on are the updates' (the set-up's, and the prepares of the first use, are not)
const start = statSync(log).size;
const began = Date.now();
for (let n = 1; n <= updates; n++) {
  const arriving = delivered();
  await call('PUT', `/v1/profile/${profile}`, { fields: { n: String(n) } });
  await arriving;
}
// the outcome of the last attempt is recorded after its answer: wait until it is
await settled();
const seconds = (Date.now() - began) / 1000;
await new Promise((resolve) => setTimeout(resolve, 200));
// the offset is in bytes: the log holds UTF-8
const lines = readFileSync(log).subarray(start).toString('utf8').split('\n');

const kinds = new Map<string, number>();
let total = 0;
for (const line of lines) {
  const found = /^tidings\|LOG:\s+(?:statement|execute [^:]*): (.*)$/.exec(line);
  if (!found) continue;
  total++;
  const text = (found[1] as string).trim();
  const kind = /^(BEGIN|COMMIT|ROLLBACK)/i.test(text) ? text.split(/\s/)[0]!.toUpperCase() : text.slice(0, 70);
  kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
}
for (const [kind, count] of [...kinds].sort((a, b) => b[1] - a[1])) console.log(String(count).padStart(6), kind);
console.log(`${updates} updates delivered one at a time (${received - 1} received) in ${seconds.toFixed(1)} s`);
console.log(`${total} statements: ${(total / updates).toFixed(2)} per message`);

server.kill('SIGTERM');
await admin.end();
receiver.close();
process.exit(0);
