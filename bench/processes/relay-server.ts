// The delivery-throughput ceiling: the least any service can do that takes a change in through an HTTP
// API and sends it on as a message. A bare node:http server that answers each profile update with the
// bytes Tidings answers, then POSTs the raw loop's message (its body and headers, numbered with the
// update's `n`) to the sink through an undici Pool with the raw loop's connections: the two HTTP
// exchanges a message through Tidings takes, and nothing else (no store, no authentication, no
// condition, no signature, nothing durable). What it reaches against the raw POST loop bounds what
// Tidings can reach in that case.
import { createServer } from 'node:http';
import { listenOnLoopback } from '../lib/listen.ts';
import { Pool } from 'undici';
import type { CannedResponse } from '../lib/tidings.ts';
import type { Target } from './requester.ts';

interface RelaySettings {
  /** what the relay answers each update with */
  response: CannedResponse;
  /** where and what it sends on: the raw POST loop's request */
  message: Target;
}

const settings = JSON.parse(process.env.BENCH_RELAY ?? '') as RelaySettings;
const answer = Buffer.from(settings.response.body);
const answerHeaders = { ...settings.response.headers, 'content-length': String(answer.length) };
const { message } = settings;
const pool = new Pool(message.origin, { connections: message.connections, keepAliveTimeout: 60_000, headersTimeout: 60_000 });
const placeholder = /__N__/g;

function numberOf(body: string): string | null {
  try {
    const value = (JSON.parse(body) as { fields?: { n?: unknown } }).fields?.n;
    return typeof value === 'string' && /^\d+$/.test(value) ? value : null;
  } catch {
    return null;
  }
}

/** A message the sink did not take ends the relay: the harness sees its updates fail at once, rather
 *  than wait for messages that will not come. */
function fail(reason: string): never {
  console.error(`relay: ${reason}`);
  process.exit(1);
}

async function forward(n: string): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) headers[name] = value.replace(placeholder, n);
  try {
    const response = await pool.request({
      origin: message.origin,
      method: message.method,
      path: message.paths[0] as string,
      headers,
      body: (message.bodyTemplate ?? '').replace(placeholder, n),
    });
    await response.body.dump();
    if (response.statusCode >= 300) fail(`the sink answered ${response.statusCode}`);
  } catch (error) {
    fail((error as Error).message);
  }
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const n = numberOf(Buffer.concat(chunks).toString('utf8'));
    if (n === null) {
      response.writeHead(400, { 'content-type': 'text/plain' });
      response.end('an update with fields.n, a number, expected');
      return;
    }
    response.writeHead(settings.response.status, answerHeaders);
    response.end(answer);
    void forward(n);
  });
});
listenOnLoopback(server);
