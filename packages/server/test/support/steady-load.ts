// A steady load of profile creates for the fault tests: a few loops, each sending one request at a
// time (spread over the API processes given), for as long as the test runs. It keeps what a fault test
// judges: which changes were confirmed (201), how every other request was answered, how long the
// slowest answer took, and whether any request hung past the server's request timeout.
import { performance } from 'node:perf_hooks';

export interface LoadAnswer {
  status: number;
  code: string | null;
  retryAfter: string | null;
  ms: number;
}

export interface SteadyLoad {
  /** profile ID → the phase it was created in, for every create answered 201 */
  confirmed: Map<string, string>;
  /** answers by status, for the current and earlier phases */
  statuses: Map<number, number>;
  /** answers that are neither 201 nor a fault's 503/507 in the envelope with Retry-After */
  unexpected: Array<LoadAnswer & { body: string }>;
  /** requests that got no answer within `hangMs` */
  hangs: number;
  slowestMs: number;
  phase: string;
  /** pause between two requests of a loop */
  pauseMs: number;
  stop(): Promise<void>;
}

export function startSteadyLoad(options: { bases: string[]; token: string; databaseId: string; loops?: number; pauseMs?: number; hangMs: number }): SteadyLoad {
  let running = true;
  let sent = 0;
  const load: SteadyLoad = {
    confirmed: new Map(),
    statuses: new Map(),
    unexpected: [],
    hangs: 0,
    slowestMs: 0,
    phase: 'start',
    pauseMs: options.pauseMs ?? 10,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
  const one = async (): Promise<void> => {
    const base = options.bases[sent++ % options.bases.length] as string;
    const phase = load.phase;
    const began = performance.now();
    let response: Response;
    try {
      response = await fetch(`${base}/v1/database/${options.databaseId}/profiles`, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ fields: { phase } }),
        signal: AbortSignal.timeout(options.hangMs),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') load.hangs++;
      else load.unexpected.push({ status: 0, code: null, retryAfter: null, ms: performance.now() - began, body: String(error) });
      return;
    }
    const body = await response.text();
    const ms = performance.now() - began;
    load.slowestMs = Math.max(load.slowestMs, ms);
    load.statuses.set(response.status, (load.statuses.get(response.status) ?? 0) + 1);
    if (response.status === 201) {
      load.confirmed.set((JSON.parse(body) as { ID: string }).ID, phase);
      return;
    }
    const code = (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? null;
    const retryAfter = response.headers.get('retry-after');
    const fault = (response.status === 503 && code === 'store_unavailable') || (response.status === 507 && code === 'insufficient_storage');
    if (!fault || retryAfter === null) load.unexpected.push({ status: response.status, code, retryAfter, ms, body: body.slice(0, 300) });
  };
  const loops = Array.from({ length: options.loops ?? 4 }, async () => {
    while (running) {
      await one();
      await new Promise((resolve) => setTimeout(resolve, load.pauseMs));
    }
  });
  return load;
}
