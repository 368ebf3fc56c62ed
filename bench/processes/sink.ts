// The receiver for the delivery cases: answers 204 to every POST and records, per message number
// (the `n` field the harness puts in each profile update), when it arrived and its webhook-id.
import { createServer } from 'node:http';
import { serveHarness } from '../lib/child.ts';
import { wallNow } from '../lib/stats.ts';

interface Arrival {
  at: number;
  webhookId: string;
}

let arrivals = new Map<number, Arrival>();
/** Per message number, the webhook-ids of the receipts after the first (a redelivery). */
let repeats = new Map<number, string[]>();
let messages = 0;
let sample: { body: string; headers: Record<string, string> } | null = null;
/** The range waitFor is waiting on, and how many of its messages have not arrived yet. */
let awaited: { first: number; count: number; missing: number; done(): void } | null = null;

function numberOf(body: string): number | null {
  try {
    const parsed = JSON.parse(body) as { fields?: { n?: unknown } };
    const value = Number(parsed.fields?.n);
    return Number.isSafeInteger(value) && value >= 0 ? value : null;
  } catch {
    return null;
  }
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const at = wallNow();
    const body = Buffer.concat(chunks).toString('utf8');
    messages++;
    const n = numberOf(body);
    if (n !== null) {
      const webhookId = String(request.headers['webhook-id'] ?? '');
      const first = arrivals.get(n);
      if (first) {
        const seen = repeats.get(n);
        if (seen) seen.push(webhookId);
        else repeats.set(n, [webhookId]);
      } else {
        arrivals.set(n, { at, webhookId });
        if (awaited && n >= awaited.first && n < awaited.first + awaited.count && --awaited.missing === 0) awaited.done();
      }
      sample = { body, headers: request.headers as Record<string, string> };
    }
    response.writeHead(204);
    response.end();
  });
});
server.keepAliveTimeout = 60_000;

interface Range {
  first: number;
  count: number;
}

function missingIn({ first, count }: Range): number {
  let missing = 0;
  for (let n = first; n < first + count; n++) if (!arrivals.has(n)) missing++;
  return missing;
}

function report({ first, count }: Range) {
  let received = 0;
  let firstAt = Number.POSITIVE_INFINITY;
  let lastAt = Number.NEGATIVE_INFINITY;
  const webhookIds = new Set<string>();
  for (let n = first; n < first + count; n++) {
    const arrival = arrivals.get(n);
    if (!arrival) continue;
    received++;
    firstAt = Math.min(firstAt, arrival.at);
    lastAt = Math.max(lastAt, arrival.at);
    webhookIds.add(arrival.webhookId);
  }
  return { received, distinctWebhookIds: webhookIds.size, firstAt, lastAt, messages };
}

serveHarness(
  {
    reset() {
      awaited?.done();
      arrivals = new Map();
      repeats = new Map();
      messages = 0;
    },
    /** Resolves once every message of the range has arrived, or after timeoutMs with what did. */
    async waitFor(params: Range & { timeoutMs: number }) {
      const missing = missingIn(params);
      if (missing > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, params.timeoutMs);
          awaited = { first: params.first, count: params.count, missing, done: resolve };
          awaited.done = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        awaited = null;
      }
      return report(params);
    },
    /** Arrival times of a range, in message order; NaN for a message that did not arrive. */
    arrivalTimes({ first, count }: Range) {
      return Array.from({ length: count }, (_, index) => arrivals.get(first + index)?.at ?? Number.NaN);
    },
    /** Receipts after the first, for the given message numbers: all of them, and those repeating the first's webhook-id. */
    duplicates({ numbers }: { numbers: number[] }) {
      let extra = 0;
      let sameWebhookId = 0;
      for (const n of numbers) {
        const seen = repeats.get(n);
        if (!seen) continue;
        extra += seen.length;
        sameWebhookId += seen.filter((id) => id === arrivals.get(n)?.webhookId).length;
      }
      return { extra, sameWebhookId };
    },
    /** Which of the given message numbers have arrived. */
    received({ numbers }: { numbers: number[] }) {
      return numbers.filter((n) => arrivals.has(n)).length;
    },
    sample() {
      return sample;
    },
  },
  await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      resolve(address.port);
    }),
  ),
);
