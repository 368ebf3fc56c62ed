// One `tidings listen` stream (GET /v1/callback/{id}/listen): it holds the callback (the worker
// leaves its deliveries alone meanwhile), leases the callback's due deliveries, prepares them as the
// worker does (expression, body, signature) and hands them out as `message` events. The listener
// reports each answer with POST /v1/callback/{id}/listen/{deliveryID} (routes/listen.ts).
import type { SSEStreamingApi } from 'hono/streaming';
import type { Clock } from '../clock.ts';
import { storeFault } from '../db/faults.ts';
import type { ExpressionSandbox } from '../expression/index.ts';
import type { DueDelivery } from '../queue/types.ts';
import type { Store } from '../records/store.ts';
import { prepare } from '../worker/attempt.ts';
import type { ListenHub } from './hub.ts';

export interface ListenOptions {
  store: Store;
  hub: ListenHub;
  clock: Clock;
  sandbox: ExpressionSandbox;
  userAgent: string;
  deliveryTimeoutMs: number;
  heartbeatMs: number;
}

/** a stream holds its callback for this many heartbeats: a listener that reconnects within them finds its messages waiting */
export const HOLD_HEARTBEATS = 3;
/** messages handed to one listener and not yet reported, at most */
const MAX_OUTSTANDING = 20;
/** the safety net: how often a stream looks for due messages that no signal announced (retries) */
const POLL_MS = 1_000;

/** What a `message` event carries: exactly what the listener sends its target, and the lease to report. */
export interface ListenedMessage {
  delivery: string;
  webhookId: string;
  attempt: number;
  lease: string;
  timeoutMs: number;
  headers: Record<string, string>;
  body: string;
}

export async function runListener(stream: SSEStreamingApi, accountId: number, callbackId: number, options: ListenOptions): Promise<void> {
  const { store, clock, heartbeatMs } = options;
  // the lease of a handed-out message: as long as the worker's, for the listener's attempt and report
  const leaseMs = options.deliveryTimeoutMs + 10_000;
  const outstanding = new Map<number, number>();
  let closed = false;
  let wakeUp: (() => void) | null = null;
  // a wake while the stream is busy claiming is not lost: it looks again before it sleeps
  let woken = false;
  const wake = () => {
    woken = true;
    wakeUp?.();
    wakeUp = null;
  };
  const close = () => {
    closed = true;
    wake();
  };
  stream.onAbort(close);
  const leave = options.hub.join(callbackId, {
    wake,
    // a failure retried at once is due again: any report may be reason to look
    reported: (deliveryId) => {
      outstanding.delete(deliveryId);
      wake();
    },
    close: () => {
      close();
      void stream.close();
    },
  });
  try {
    await stream.writeSSE({ event: 'listening', data: JSON.stringify({ callback: String(callbackId), heartbeatMs }) });
    let lastBeat = clock.now();
    // the hold a heartbeat renews (tried again on the next turn if the store was away)
    let holdDue = false;
    while (!closed) {
      woken = false;
      const now = clock.now();
      if (now - lastBeat >= heartbeatMs) {
        lastBeat = now;
        holdDue = true;
        await stream.write(': heartbeat\n\n');
      }
      // a message not reported before its lease ran out is due again (to this listener or another)
      for (const [id, lease] of outstanding) if (lease < now) outstanding.delete(id);
      const room = MAX_OUTSTANDING - outstanding.size;
      let batch: DueDelivery[] = [];
      try {
        if (holdDue) {
          // deleted meanwhile: the stream ends, and the listener's reconnect is answered 404
          if (!(await store.listeners.hold(accountId, callbackId, now + HOLD_HEARTBEATS * heartbeatMs))) break;
          holdDue = false;
        }
        batch = room > 0 && !closed ? await store.listeners.claim(callbackId, room, leaseMs) : [];
        for (const delivery of batch) await handOut(stream, delivery, outstanding, options);
      } catch (error) {
        // the store away: the stream stays (heartbeats go on) and looks again; what was leased comes again
        if (storeFault(error) === null) throw error;
      }
      if (woken || (batch.length > 0 && batch.length === room)) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, Math.min(POLL_MS, lastBeat + heartbeatMs - clock.now())));
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    leave();
  }
}

/** Prepares a leased delivery as the worker does, and sends it, or settles it when there is nothing to send. */
async function handOut(stream: SSEStreamingApi, delivery: DueDelivery, outstanding: Map<number, number>, options: ListenOptions): Promise<void> {
  const prepared = await prepare(delivery, options);
  if (prepared.kind === 'discard') {
    await options.store.discardDelivery(delivery.id);
  } else if (prepared.kind === 'record') {
    await options.store.recordAttempts([prepared.outcome]);
  } else {
    outstanding.set(delivery.id, delivery.leaseUntil);
    const message: ListenedMessage = {
      delivery: String(delivery.id),
      webhookId: delivery.webhookId,
      attempt: delivery.attempts + 1,
      lease: String(delivery.leaseUntil),
      timeoutMs: options.deliveryTimeoutMs,
      headers: prepared.headers,
      body: prepared.body,
    };
    await stream.writeSSE({ event: 'message', id: String(delivery.id), data: JSON.stringify(message) });
  }
}
