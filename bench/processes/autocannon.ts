// Saturates a server with autocannon (closed loop, fixed connections, fixed time) and reports how many
// requests it completed. Its latencies are not used: a closed loop under-reports them.
import autocannon from 'autocannon';
import { serveHarness } from '../lib/child.ts';

export interface SaturationRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** `[<id>]` in the body is replaced with a fresh id on every request */
  body: string | null;
  connections: number;
  durationSeconds: number;
}

export interface SaturationResult {
  completed: number;
  failures: number;
  durationSeconds: number;
  requestsPerSecond: number;
  description: string;
}

async function saturate(request: SaturationRequest): Promise<SaturationResult> {
  const result = await autocannon({
    url: request.url,
    method: request.method,
    headers: request.headers,
    ...(request.body !== null && { body: request.body, idReplacement: request.body.includes('[<id>]') }),
    connections: request.connections,
    duration: request.durationSeconds,
  });
  const failures = result.non2xx + result.errors + result.timeouts;
  const codes = Object.entries(result.statusCodeStats ?? {})
    .map(([code, stats]) => `${code}×${stats.count ?? 0}`)
    .join(' ');
  return {
    completed: result['2xx'],
    failures,
    durationSeconds: result.duration,
    requestsPerSecond: result['2xx'] / result.duration,
    description: `${result['2xx']} ok, ${result.non2xx} non-2xx (${codes}), ${result.errors} errors, ${result.timeouts} timeouts`,
  };
}

serveHarness({ saturate });
