// Sends numbered requests with an undici Pool: closed loop (a fixed count, at most `concurrency` in
// flight) or open loop (a fixed rate for a fixed time, each latency taken from the moment the request
// was scheduled, so a stalled server cannot hide the requests it delayed). Request n goes to
// paths[n % paths.length] and has `__N__` in its body and header values replaced by n.
import { Pool } from 'undici';
import { serveHarness } from '../lib/child.ts';
import { percentile } from '../lib/stats.ts';

export interface Target {
  origin: string;
  method: 'GET' | 'POST' | 'PUT';
  paths: string[];
  headers: Record<string, string>;
  bodyTemplate: string | null;
  connections: number;
}

export interface ClosedLoopResult {
  startedAt: number;
  finishedAt: number;
  completed: number;
  failures: number;
  firstFailure: string | null;
}

export interface OpenLoopResult {
  scheduled: number;
  completed: number;
  failures: number;
  firstFailure: string | null;
  p50Ms: number;
  p99Ms: number;
  /** Per request, in order: when it was scheduled, or when its answer arrived (wall clock, ms). */
  times: number[];
}

const placeholder = /__N__/g;
const pools = new Map<string, Pool>();

function poolFor(target: Target): Pool {
  const key = `${target.origin} ${target.connections}`;
  let pool = pools.get(key);
  if (!pool) {
    pool = new Pool(target.origin, { connections: target.connections, keepAliveTimeout: 60_000, headersTimeout: 60_000 });
    pools.set(key, pool);
  }
  return pool;
}

function sender(target: Target) {
  const pool = poolFor(target);
  const numberedHeaders = Object.entries(target.headers).filter(([, value]) => value.includes('__N__'));
  const failures = { count: 0, first: null as string | null };
  async function send(n: number): Promise<boolean> {
    const headers = { ...target.headers };
    for (const [name, value] of numberedHeaders) headers[name] = value.replace(placeholder, String(n));
    try {
      const response = await pool.request({
        origin: target.origin,
        method: target.method,
        path: target.paths[n % target.paths.length] as string,
        headers,
        body: target.bodyTemplate === null ? null : target.bodyTemplate.replace(placeholder, String(n)),
      });
      if (response.statusCode >= 200 && response.statusCode < 300) {
        await response.body.dump();
        return true;
      }
      const text = await response.body.text();
      failures.count++;
      failures.first ??= `${target.method} ${target.paths[n % target.paths.length]} → ${response.statusCode} ${text.slice(0, 300)}`;
    } catch (error) {
      failures.count++;
      failures.first ??= `${target.method} ${target.origin}: ${(error as Error).message}`;
    }
    return false;
  }
  return { send, failures };
}

async function closed(params: { target: Target; first: number; count: number; concurrency: number }): Promise<ClosedLoopResult> {
  const { send, failures } = sender(params.target);
  let next = params.first;
  const end = params.first + params.count;
  let completed = 0;
  const startedAt = performance.timeOrigin + performance.now();
  await Promise.all(
    Array.from({ length: params.concurrency }, async () => {
      while (next < end) {
        if (await send(next++)) completed++;
      }
    }),
  );
  const finishedAt = performance.timeOrigin + performance.now();
  return { startedAt, finishedAt, completed, failures: failures.count, firstFailure: failures.first };
}

async function open(params: {
  target: Target;
  first: number;
  rate: number;
  durationSeconds: number;
  record: 'scheduled' | 'answered';
}): Promise<OpenLoopResult> {
  const { send, failures } = sender(params.target);
  const total = Math.max(1, Math.round(params.rate * params.durationSeconds));
  const interval = 1000 / params.rate;
  const latencies = new Float64Array(total).fill(Number.NaN);
  const times = new Array<number>(total).fill(Number.NaN);
  const inFlight: Array<Promise<void>> = [];
  const origin = performance.now() + 10;
  let index = 0;
  let completed = 0;
  const fire = (position: number, scheduledAt: number) => {
    if (params.record === 'scheduled') times[position] = performance.timeOrigin + scheduledAt;
    inFlight.push(
      send(params.first + position).then((ok) => {
        const now = performance.now();
        if (!ok) return;
        completed++;
        latencies[position] = now - scheduledAt;
        if (params.record === 'answered') times[position] = performance.timeOrigin + now;
      }),
    );
  };
  // Timers fire at best every millisecond: everything due by then goes out at once, and the time a
  // request waited for its turn counts in its latency.
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (index < total && origin + index * interval <= now) {
        fire(index, origin + index * interval);
        index++;
      }
      if (index < total) setTimeout(tick, Math.max(0, origin + index * interval - performance.now()));
      else resolve();
    };
    setTimeout(tick, 10);
  });
  await Promise.all(inFlight);
  const measured = Array.from(latencies).filter((value) => !Number.isNaN(value));
  return {
    scheduled: total,
    completed,
    failures: failures.count,
    firstFailure: failures.first,
    p50Ms: percentile(measured, 0.5),
    p99Ms: percentile(measured, 0.99),
    times,
  };
}

serveHarness({ closed, open });
