// A PostgreSQL cluster a fault test owns: started, stopped (fast or immediate: a crash), started again on
// the same port, and removed at the end. Debian's server (apt-get install postgresql); as root the
// cluster runs as `postgres`, which PostgreSQL insists on. Settings live in the cluster's own
// postgresql.auto.conf, so every start of it gets the same port and options.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userInfo } from 'node:os';

export interface PgCluster {
  url: string;
  port: number;
  /** `immediate` is a crash (no shutdown checkpoint, clients cut at once); `fast` a clean stop */
  stop(mode: 'fast' | 'immediate'): void;
  start(): void;
  remove(): void;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const version = readdirSync(root).sort((a, b) => Number(a) - Number(b)).at(-1);
  if (version === undefined) throw new Error('no PostgreSQL server under /usr/lib/postgresql (apt-get install -y postgresql)');
  return join(root, version, 'bin');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function createPgCluster(): Promise<PgCluster> {
  const bin = binDir();
  const root = userInfo().uid === 0;
  const run = (command: string, args: string[]) =>
    execFileSync(root ? 'runuser' : command, root ? ['-u', 'postgres', '--', command, ...args] : args, { stdio: 'pipe', timeout: 60_000 });
  const dir = mkdtempSync(join(tmpdir(), 'tidings-faults-pg-'));
  if (root) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const data = join(dir, 'data');
  run(join(bin, 'initdb'), ['--pgdata', data, '--username=postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
  const port = await freePort();
  writeFileSync(
    join(data, 'postgresql.auto.conf'),
    [
      `port = ${port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${dir}'`,
      'fsync = off',
      'full_page_writes = off',
      'max_connections = 200',
    ].join('\n') + '\n',
  );
  if (root) execFileSync('chown', ['postgres:', join(data, 'postgresql.auto.conf')]);
  const pgCtl = (args: string[]) => run(join(bin, 'pg_ctl'), ['--pgdata', data, '--wait', '--timeout=60', ...args]);
  const start = () => pgCtl(['--log', join(dir, 'server.log'), 'start']);
  start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: (mode) => pgCtl(['--mode', mode, 'stop']),
    start,
    remove: () => {
      try {
        pgCtl(['--mode', 'immediate', 'stop']);
      } catch {
        // not running
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
