// Sends one attempt: a POST through the SSRF-guarded undici Agent (a keep-alive Pool per origin),
// with a hard deadline, no redirects (undici follows none unless told), and at most RESPONSE_CAP
// bytes of the receiver's answer kept; the rest is dropped unread. The answer is untrusted input.
import { performance } from 'node:perf_hooks';
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
        const chunks: Buffer[] = [];
        let kept = 0;
        try {
          for await (const chunk of response.body as AsyncIterable<Buffer>) {
            const room = RESPONSE_CAP - kept;
            chunks.push(chunk.subarray(0, room));
            kept += Math.min(room, chunk.length);
            if (kept >= RESPONSE_CAP) break;
          }
        } catch {
          // an answer that breaks off after its status line is still an answer
        } finally {
          response.body.destroy();
        }
        const retryAfter = response.headers['retry-after'];
        return {
          statusCode: response.statusCode,
          retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
          response: Buffer.concat(chunks).toString('utf8'),
          durationMs: elapsed(),
          error: null,
        };
      } catch (caught) {
        return { statusCode: null, retryAfter: undefined, response: null, durationMs: elapsed(), error: describeFailure(caught, options.timeoutMs) };
      }
    },
    close: () => agent.close(),
  };
}

function describeFailure(caught: unknown, timeoutMs: number): string {
  const error = caught as Error & { code?: string; cause?: unknown };
  if (error instanceof AddressRefusedError || error.cause instanceof AddressRefusedError) {
    const refused = error instanceof AddressRefusedError ? error : (error.cause as AddressRefusedError);
    return `${refused.message}: the address is private or internal (set TIDINGS_ALLOWED_NETWORKS to allow it)`;
  }
  if (error.name === 'TimeoutError' || error.name === 'AbortError' || error.code === 'UND_ERR_HEADERS_TIMEOUT' || error.code === 'UND_ERR_BODY_TIMEOUT') {
    return `no answer within ${timeoutMs} ms`;
  }
  if (error.code === 'UND_ERR_CONNECT_TIMEOUT') return 'connecting timed out';
  const code = error.code ?? (error.cause as { code?: string } | undefined)?.code;
  return code ? `${code}: ${error.message}` : error.message;
}
