// Sends one attempt: a POST through the SSRF-guarded undici Agent (a keep-alive Pool per origin),
// with a hard deadline, no redirects (undici follows none unless told), and at most RESPONSE_CAP
// bytes of the receiver's answer kept; the rest is dropped unread. The answer is untrusted input.
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { request, type Agent } from 'undici';
import { AddressRefusedError, createGuardedAgent, type LookupAllAddresses } from '../net/guarded-connect.ts';
import type { AllowedNetworks } from '../net/networks.ts';

export const RESPONSE_CAP = 4096;

export interface SendRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export interface SendResult {
  statusCode: number | null;
  retryAfter: string | undefined;
  response: string | null;
  durationMs: number;
  error: string | null;
  /** no answer in time: a sign of a receiver that is overloaded (see queue/throttle.ts) */
  timedOut?: boolean;
}

export interface Sender {
  send(message: SendRequest): Promise<SendResult>;
  close(): Promise<void>;
}

export function createSender(options: {
  allowed: AllowedNetworks;
  timeoutMs: number;
  connectionsPerOrigin?: number;
  lookup?: LookupAllAddresses;
}): Sender {
  const agent: Agent = createGuardedAgent({
    allowed: options.allowed,
    ...(options.lookup && { lookup: options.lookup }),
    connect: { timeout: Math.min(options.timeoutMs, 10_000) },
    agent: {
      connections: options.connectionsPerOrigin ?? 32,
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 60_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    },
  });

  return {
    async send(message: SendRequest): Promise<SendResult> {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      try {
        const response = await request(message.url, {
          method: 'POST',
          body: message.body,
          headers: message.headers,
          dispatcher: agent,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        const answer = await readCapped(response.body);
        const retryAfter = response.headers['retry-after'];
        return {
          statusCode: response.statusCode,
          retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
          response: answer.toString('utf8'),
          durationMs: elapsed(),
          error: null,
        };
      } catch (caught) {
        const timedOut = isTimeout(caught);
        const error = timedOut ? `no answer within ${options.timeoutMs} ms` : describeFailure(caught);
        return { statusCode: null, retryAfter: undefined, response: null, durationMs: elapsed(), error, timedOut };
      }
    },
    close: () => agent.close(),
  };
}

/**
 * At most RESPONSE_CAP bytes of a receiver's answer; past them the rest is dropped unread (the stream
 * is destroyed, which also gives the connection up rather than drain an endless answer). Read with stream
 * listeners: an async iterator allocates an end-of-stream watcher, an abort listener and promises for
 * every answer. An answer that breaks off after its status line is still an answer: what arrived counts.
 */
function readCapped(body: Readable): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    const finish = () => {
      body.off('data', onData);
      body.off('end', finish);
      body.off('close', finish);
      body.destroy();
      resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      const room = RESPONSE_CAP - kept;
      if (chunk.length <= room) {
        chunks.push(chunk);
        kept += chunk.length;
        return;
      }
      // more than the cap: an answer of exactly the cap still ends normally and keeps its connection
      chunks.push(chunk.subarray(0, room));
      finish();
    };
    // an error (the deadline, a connection reset) ends the answer where it broke off; the listener
    // stays, so an error after the end cannot go unhandled
    body.on('error', finish);
    body.on('data', onData);
    body.once('end', finish);
    body.once('close', finish);
  });
}

function isTimeout(caught: unknown): boolean {
  const error = caught as Error & { code?: string };
  return error.name === 'TimeoutError' || error.name === 'AbortError' || error.code === 'UND_ERR_HEADERS_TIMEOUT' || error.code === 'UND_ERR_BODY_TIMEOUT';
}

function describeFailure(caught: unknown): string {
  const error = caught as Error & { code?: string; cause?: unknown };
  if (error instanceof AddressRefusedError || error.cause instanceof AddressRefusedError) {
    const refused = error instanceof AddressRefusedError ? error : (error.cause as AddressRefusedError);
    return `${refused.message}: the address is private or internal (set TIDINGS_ALLOWED_NETWORKS to allow it)`;
  }
  if (error.code === 'UND_ERR_CONNECT_TIMEOUT') return 'connecting timed out';
  const code = error.code ?? (error.cause as { code?: string } | undefined)?.code;
  return code ? `${code}: ${error.message}` : error.message;
}
