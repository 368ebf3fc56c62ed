// Starts Tidings (or a baseline server: the raw one, the relay) as a pinned process and talks to its API for set-up.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { readHeapProbe } from '../../packages/server/test/support/heap-probe-reader.ts';
import type { Target } from '../processes/requester.ts';
import { BenchProcess, benchScript } from './processes.ts';

const benchToken = 'bench-token-0123456789abcdef';
const serverDirectory = fileURLToPath(new URL('../../packages/server/', import.meta.url));

/**
 * Tidings runs as its package's start script runs it (`node <flags> src/main.ts`), so flags the
 * server relies on (a V8 heap setting, say) apply here too.
 */
function serverArguments(): string[] {
  const manifest = JSON.parse(readFileSync(join(serverDirectory, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = manifest.scripts.start.trim().split(/\s+/);
  if (command !== 'node' || args.length === 0) throw new Error(`cannot run the server's start script: ${manifest.scripts.start}`);
  return args;
}

const dataDirectories = new Set<string>();
process.on('exit', () => {
  for (const directory of dataDirectories) rmSync(directory, { recursive: true, force: true });
});
const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)/;
const workerStarted = /worker started/;

export interface RunningServer {
  process: BenchProcess;
  origin: string;
  stop(): Promise<void>;
}

export interface Tidings extends RunningServer {
  api: Api;
  dataDirectory: string;
}

/** Where `pnpm bench --cpu-prof` has each Tidings process write its V8 CPU profile, or null. */
let profileDirectory: string | null = null;

export function profileTidingsInto(directory: string): void {
  profileDirectory = directory;
}

/** `pnpm bench --gc-trace`: each Tidings process loads gc-trace.ts, which logs its memory and GC pauses. */
let gcTrace = false;

export function traceTidingsGc(): void {
  gcTrace = true;
}

/** The server's test probe (`packages/server/test/support/heap-probe.ts`): SIGUSR2 prints the heap in use after a full GC. */
const heapProbeScript = join(serverDirectory, 'test', 'support', 'heap-probe.ts');

/** The heap a Tidings process started with `heapProbe` still uses after a full collection, in bytes. */
export function liveHeapBytes(server: BenchProcess): Promise<number> {
  return readHeapProbe(server.pid, () => server.output());
}

export interface TidingsOptions {
  name?: string;
  databaseUrl?: string;
  heapProbe?: boolean;
  /** a data directory the caller made and removes (to restart Tidings on the same store); else a fresh one, removed on stop */
  dataDirectory?: string;
  /** a port to listen on (a restart on the port the load is sending to); else a free one */
  port?: number;
  /**
   * TIDINGS_ROLE: `all` (default) answers and delivers in one process; `api` only answers; `worker`
   * only delivers (it has no origin and no API: PostgreSQL only, beside an `api` process).
   */
  role?: 'all' | 'api' | 'worker';
}

export async function startTidings(options: TidingsOptions = {}): Promise<Tidings> {
  const owned = options.dataDirectory === undefined;
  const dataDirectory = options.dataDirectory ?? mkdtempSync(join(tmpdir(), 'tidings-bench-'));
  if (owned) dataDirectories.add(dataDirectory);
  const profiling = profileDirectory === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDirectory}`];
  if (gcTrace) profiling.push(`--import=${fileURLToPath(new URL('../gc-trace.ts', import.meta.url))}`);
  if (options.heapProbe) profiling.push('--expose-gc', `--import=${heapProbeScript}`);
  const server = await BenchProcess.start({
    name: options.name ?? 'tidings',
    argv: [process.execPath, ...profiling, ...serverArguments()],
    role: 'server',
    cwd: serverDirectory,
    env: {
      PORT: String(options.port ?? 0),
      HOST: '127.0.0.1',
      TIDINGS_DATA_DIR: dataDirectory,
      TIDINGS_BOOTSTRAP_TOKEN: benchToken,
      TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8',
      TIDINGS_RATE_LIMIT: '0',
      // the largest the configuration accepts; each api-create run uses a fresh database
      TIDINGS_MAX_CALLBACKS_PER_DATABASE: '100000',
      TIDINGS_ROLE: options.role ?? 'all',
      // warnings and errors only, as the peers log (bench/peers/README.md); the default `info` adds a
      // line per request and per attempt, whose cost BENCH_LOG_LEVEL=info measures (BENCHMARKS.md)
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      // empty selects the embedded store, whatever the harness's own environment says
      DATABASE_URL: options.databaseUrl ?? '',
    },
    readyLine: options.role === 'worker' ? workerStarted : listening,
  });
  const origin = options.role === 'worker' ? '' : ((server.info as RegExpMatchArray)[1] as string);
  return {
    process: server,
    origin,
    api: new Api(origin, benchToken),
    dataDirectory,
    async stop() {
      await server.stop();
      if (!owned) return;
      rmSync(dataDirectory, { recursive: true, force: true });
      dataDirectories.delete(dataDirectory);
    },
  };
}

export interface CannedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The baseline server: node:http answering `response` to every request, after `workMicros` µs of spinning. */
export async function startRawServer(name: string, response: CannedResponse, workMicros = 0): Promise<RunningServer> {
  const server = await BenchProcess.start({
    name,
    argv: [process.execPath, benchScript('processes/raw-server.ts')],
    role: 'server',
    env: { BENCH_RESPONSE: JSON.stringify(response), BENCH_WORK_US: String(workMicros) },
    readyLine: listening,
  });
  return { process: server, origin: (server.info as RegExpMatchArray)[1] as string, stop: () => server.stop() };
}

/** The delivery-throughput ceiling (processes/relay-server.ts): answers each update with `response`, then POSTs `message` on. */
export async function startRelayServer(name: string, response: CannedResponse, message: Target): Promise<RunningServer> {
  const server = await BenchProcess.start({
    name,
    argv: [process.execPath, benchScript('processes/relay-server.ts')],
    role: 'server',
    env: { BENCH_RELAY: JSON.stringify({ response, message }) },
    readyLine: listening,
  });
  return { process: server, origin: (server.info as RegExpMatchArray)[1] as string, stop: () => server.stop() };
}

export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Headers node:http adds or recomputes itself; the rest of an answer is replayed by the raw server. */
const transportHeaders = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

export class Api {
  readonly origin: string;
  readonly token: string;

  constructor(origin: string, token: string) {
    this.origin = origin;
    this.token = token;
  }

  get authorization(): Record<string, string> {
    return { authorization: `Bearer ${this.token}` };
  }

  async send(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<ApiAnswer> {
    const response = await request(this.origin + path, {
      method,
      headers: { ...this.authorization, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (!transportHeaders.has(name) && value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    return { status: response.statusCode, headers, body: await response.body.text() };
  }

  /** Sends and insists on a 2xx; answers the parsed body. */
  async call<T = { ID: string }>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
    const answer = await this.send(method, path, body);
    if (answer.status < 200 || answer.status > 299) {
      throw new Error(`${method} ${path} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
    }
    return JSON.parse(answer.body) as T;
  }

  async createDatabase(name: string): Promise<string> {
    return (await this.call('POST', '/v1/databases', { name })).ID;
  }

  async createCallback(databaseId: string, callback: Record<string, unknown>): Promise<string> {
    return (await this.call('POST', `/v1/database/${databaseId}/callbacks`, callback)).ID;
  }

  async createProfile(databaseId: string, fields: Record<string, string>): Promise<string> {
    return (await this.call('POST', `/v1/database/${databaseId}/profiles`, { fields })).ID;
  }

  async deliveryCount(callbackId: string, status: 'pending' | 'succeeded' | 'failed' | 'exhausted' | 'skipped'): Promise<number> {
    return (await this.call<{ total: number }>('GET', `/v1/callback/${callbackId}/deliveries?status=${status}&limit=1`)).total;
  }
}
