// An app on a fresh store — embedded SQLite in a temp dir, or a database of its own in the PostgreSQL
// test cluster when the vitest project says so — and a request function that validates every response
// against the contract.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createSender } from '../../src/receiver/sender.ts';
import { DeliveryWorker, type WorkerOptions } from '../../src/worker/worker.ts';
import type { LookupAllAddresses } from '../../src/net/guarded-connect.ts';
import type { Clock } from '../../src/clock.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createExpressionSandbox, type ExpressionSandbox } from '../../src/expression/index.ts';
import { Contract } from '../../src/http/contract.ts';
import { parseAllowedNetworks } from '../../src/net/networks.ts';
import { newToken } from '../../src/records/tokens.ts';
import { openPostgresStore } from '../../src/db/postgres/index.ts';
import { openSqliteStore } from '../../src/db/sqlite/index.ts';
import type { Store } from '../../src/records/store.ts';
import { ResponseChecker, type CheckedResponse } from './contract-check.ts';
import { createTestDatabase } from './postgres.ts';

const contract = new Contract();
export const checker = new ResponseChecker(contract);

let sharedSandbox: ExpressionSandbox | null = null;
export function sandbox(): ExpressionSandbox {
  sharedSandbox ??= createExpressionSandbox();
  return sharedSandbox;
}

export class ManualClock implements Clock {
  #now: number;
  constructor(start = Date.UTC(2026, 10, 22, 9, 0, 0)) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

export interface RequestOptions {
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  tokenInQuery?: boolean;
}

export interface Harness {
  store: Store;
  config: Config;
  clock: ManualClock;
  dataDir: string;
  token: string;
  request(method: string, path: string, options?: RequestOptions): Promise<CheckedResponse>;
  newAccount(name: string, readOnly?: boolean): Promise<string>;
  /** another store on the same data, as another process opens it; closed with the harness */
  openAnotherStore(): Promise<Store>;
  /** a delivery worker on this store, with jitter fixed at ×1.0 and the harness clock */
  startWorker(options?: Partial<WorkerOptions> & { lookup?: LookupAllAddresses; allowedNetworks?: string }): DeliveryWorker;
  close(): Promise<void>;
}

export async function createHarness(env: Record<string, string> = {}, options: { clockStart?: number } = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidings-test-'));
  const config = loadConfig({ TIDINGS_DATA_DIR: dataDir, TIDINGS_RATE_LIMIT: '0', ...env });
  const clock = new ManualClock(options.clockStart);
  const firstAttemptDelayMs = (config.retryScheduleSeconds[0] ?? 0) * 1000;
  const database = inject('tidingsStore') === 'postgres' ? await createTestDatabase() : null;
  const store = database
    ? await openPostgresStore(database.url, clock, { firstAttemptDelayMs })
    : await openSqliteStore(dataDir, clock, { firstAttemptDelayMs });
  const app = createApp({
    store,
    config,
    clock,
    contract,
    sandbox: sandbox(),
    allowedNetworks: parseAllowedNetworks(config.allowedNetworks),
    version: '0.0.0-test',
  });

  const newAccount = async (name: string, readOnly = false): Promise<string> => {
    const account = await store.createAccount(name);
    if (!account) throw new Error(`account ${name} exists`);
    const token = newToken();
    await store.addToken(account.id, token, readOnly);
    return token;
  };
  const token = await newAccount('first');

  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<CheckedResponse> => {
    const headers: Record<string, string> = { ...options.headers };
    const useToken = options.token === undefined ? token : options.token;
    let url = path;
    if (useToken !== null) {
      if (options.tokenInQuery) url += `${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(useToken)}`;
      else headers.authorization ??= `Bearer ${useToken}`;
    }
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await app.request(url, { method, headers, ...(body !== undefined && { body }) });
    return checker.check(method, url, response);
  };

  const workers: DeliveryWorker[] = [];
  const senders: Array<{ close(): Promise<void> }> = [];
  const others: Store[] = [];
  const startWorker: Harness['startWorker'] = (options = {}) => {
    const { lookup, allowedNetworks, ...overrides } = options;
    const sender = createSender({
      allowed: parseAllowedNetworks(allowedNetworks ?? config.allowedNetworks),
      timeoutMs: overrides.deliveryTimeoutMs ?? config.deliveryTimeoutMs,
      ...(lookup && { lookup }),
    });
    senders.push(sender);
    const worker = new DeliveryWorker({
      store,
      sender,
      sandbox: sandbox(),
      clock,
      random: () => 0.5,
      retryScheduleSeconds: config.retryScheduleSeconds,
      deliveryTimeoutMs: config.deliveryTimeoutMs,
      concurrency: config.deliveryConcurrency,
      userAgent: 'Tidings/0.0.0-test',
      pollIntervalMs: 50,
      onError: (error) => {
        throw error;
      },
      ...overrides,
    });
    worker.start();
    workers.push(worker);
    return worker;
  };

  return {
    store,
    config,
    clock,
    dataDir,
    token,
    request,
    newAccount,
    startWorker,
    openAnotherStore: async () => {
      const another = database
        ? await openPostgresStore(database.url, clock, { firstAttemptDelayMs })
        : await openSqliteStore(dataDir, clock, { firstAttemptDelayMs });
      others.push(another);
      return another;
    },
    close: async () => {
      await Promise.all(workers.map((worker) => worker.stop()));
      await Promise.all(senders.map((sender) => sender.close()));
      await Promise.all(others.map((other) => other.close()));
      await store.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
