// Starts the peers of bench/peers/ (what a Node team would build instead of Tidings) and the Redis
// the BullMQ peer needs, pinned to the server core like Tidings, each with the CPU accounting the
// harness uses for Tidings: every process of the service, and its database's.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Target } from '../processes/requester.ts';
import { BenchProcess, benchScript } from './processes.ts';
import { processTreeCpuSeconds } from './proc.ts';

const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)/;
const bearer = { authorization: 'Bearer bench-token-0123456789abcdef', 'content-type': 'application/json' };

export interface PeerSettings {
  sinkUrl: string;
  profiles: number;
  connections: number;
  /** the worker's concurrency (README.md says how it was chosen) */
  concurrency: number;
  /** more settings for the peer's processes (peers/sweep.ts tries graphile-worker's batching options) */
  env?: NodeJS.ProcessEnv;
}

/** A service under test as the peers case drives it: Tidings or a peer. */
export interface DeliveryService {
  name: string;
  updates: Target;
  /** CPU seconds of every process of the service, its database's included */
  cpuSeconds(): number;
  /** kill -9 of the process that delivers, then a start of a new one on the same store */
  killWorker(): Promise<void>;
  /** jobs still locked by a killed worker, where the queue keeps such locks (graphile-worker: 4 hours) */
  heldJobs?(): Promise<number>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const removed = new Set<string>();
process.on('exit', () => {
  for (const directory of removed) rmSync(directory, { recursive: true, force: true });
});

function scratch(prefix: string): { directory: string; remove(): void } {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  removed.add(directory);
  return {
    directory,
    remove() {
      rmSync(directory, { recursive: true, force: true });
      removed.delete(directory);
    },
  };
}

export interface Redis {
  port: number;
  process: BenchProcess;
  stop(): Promise<void>;
}

/** Debian's redis-server on loopback, persisted as a team runs it for jobs: appendonly, fsync every second. */
export async function startRedis(): Promise<Redis> {
  const data = scratch('tidings-bench-redis-');
  const port = await freePort();
  try {
    const server = await BenchProcess.start({
      name: 'redis-server',
      argv: [
        'redis-server',
        '--bind', '127.0.0.1',
        '--port', String(port),
        '--dir', data.directory,
        '--appendonly', 'yes',
        '--appendfsync', 'everysec',
        '--save', '',
        // BullMQ's own recommendation: Redis must never evict its keys
        '--maxmemory-policy', 'noeviction',
      ],
      role: 'server',
      readyLine: /Ready to accept connections/,
      startTimeoutMs: 20_000,
    });
    return {
      port,
      process: server,
      async stop() {
        await server.stop();
        data.remove();
      },
    };
  } catch (error) {
    data.remove();
    throw error;
  }
}

async function startPart(name: string, script: string, part: 'api' | 'worker', env: NodeJS.ProcessEnv): Promise<BenchProcess> {
  return BenchProcess.start({
    name: `${name} ${part}`,
    argv: [process.execPath, benchScript(script), part],
    role: 'server',
    env,
    readyLine: part === 'api' ? listening : /worker ready/,
  });
}

function updatesFor(origin: string, settings: PeerSettings): Target {
  return {
    origin,
    method: 'PUT',
    paths: Array.from({ length: settings.profiles }, (_, index) => `/v1/profile/${index + 1}`),
    headers: bearer,
    bodyTemplate: '{"fields":{"n":"__N__"}}',
    connections: settings.connections,
  };
}

async function twoPartService(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  settings: PeerSettings,
  databaseCpu: () => number,
  cleanup: () => Promise<void>,
  heldJobs?: () => Promise<number>,
): Promise<DeliveryService> {
  // the worker first: graphile-worker installs its schema when it starts
  let worker = await startPart(name, script, 'worker', env);
  let api: BenchProcess;
  try {
    api = await startPart(name, script, 'api', env);
  } catch (error) {
    await worker.stop();
    throw error;
  }
  // a killed worker's CPU time is gone from /proc: what it used is kept here
  let killedCpu = 0;
  return {
    name,
    updates: updatesFor((api.info as RegExpMatchArray)[1] as string, settings),
    cpuSeconds: () => api.cpuSeconds() + worker.cpuSeconds() + killedCpu + databaseCpu(),
    async killWorker() {
      const used = worker.cpuSeconds();
      await worker.kill();
      killedCpu += used;
      worker = await startPart(name, script, 'worker', env);
    },
    ...(heldJobs && { heldJobs }),
    async stop() {
      await api.stop();
      await worker.stop();
      await cleanup();
    },
  };
}

/** The graphile-worker peer on its own database of the harness's PostgreSQL cluster. */
export async function startGraphilePeer(clusterUrl: string, postmasterPid: number, settings: PeerSettings): Promise<DeliveryService> {
  const admin = new pg.Client({ connectionString: clusterUrl });
  await admin.connect();
  try {
    await admin.query('drop database if exists peer_graphile');
    await admin.query('create database peer_graphile');
  } finally {
    await admin.end();
  }
  const url = new URL(clusterUrl);
  url.pathname = '/peer_graphile';
  return twoPartService(
    'graphile-worker peer',
    'peers/graphile.ts',
    {
      DATABASE_URL: url.toString(),
      PEER_SINK_URL: settings.sinkUrl,
      PEER_PROFILES: String(settings.profiles),
      PEER_CONCURRENCY: String(settings.concurrency),
      ...settings.env,
    },
    settings,
    () => processTreeCpuSeconds(postmasterPid),
    async () => undefined,
    async () => {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        const { rows } = await client.query<{ count: string }>('select count(*) from graphile_worker.jobs where locked_at is not null');
        return Number(rows[0]?.count);
      } finally {
        await client.end();
      }
    },
  );
}

/** The BullMQ peer: profiles in SQLite, jobs in `redis`. */
export async function startBullmqPeer(redis: Redis, settings: PeerSettings): Promise<DeliveryService> {
  const data = scratch('tidings-bench-bullmq-');
  return twoPartService(
    'BullMQ peer',
    'peers/bullmq.ts',
    {
      PEER_SQLITE: join(data.directory, 'profiles.db'),
      REDIS_PORT: String(redis.port),
      PEER_SINK_URL: settings.sinkUrl,
      PEER_PROFILES: String(settings.profiles),
      PEER_CONCURRENCY: String(settings.concurrency),
      ...settings.env,
    },
    settings,
    // redis-server and any child it forks (an AOF rewrite), as for PostgreSQL's postmaster
    () => processTreeCpuSeconds(redis.process.pid),
    async () => data.remove(),
  );
}
