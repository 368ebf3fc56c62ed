// One attempt of a claimed delivery: prepare (filter by expression, render, sign) → send → settle.
import type { CallbackMessage } from '@tidings/spec';
import type { ExpressionSandbox } from '../expression/index.ts';
import type { Log } from '../log.ts';
import type { AttemptOutcome, DueDelivery } from '../queue/types.ts';
import type { Store } from '../records/store.ts';
import { renderBody } from '../receiver/render.ts';
import type { Sender } from '../receiver/sender.ts';
import { signatureHeader } from '../receiver/sign.ts';
import type { Tracing } from '../tracing.ts';
import { logAttempt } from './attempt-log.ts';
import { settle, unsent, type SettleOptions } from './settle.ts';
import { passThrottle } from './throttle-gate.ts';

export interface AttemptOptions extends SettleOptions {
  store: Store;
  sender: Sender;
  sandbox: ExpressionSandbox;
  deliveryTimeoutMs: number;
  userAgent: string;
  /** told how each attempt ended (metrics), with how long a sent one took */
  onOutcome?: (outcome: AttemptOutcome['status'] | 'discarded', attemptMs?: number) => void;
  /** a line per attempt (attempt-log.ts) */
  log?: Log;
  /** a span per attempt, its traceparent sent along (tracing.ts); set when tracing is on */
  tracing?: Pick<Tracing, 'attempt'>;
}

/** A claim's lease: an attempt starts as soon as it is claimed and ends by its timeout; 10 s covers claiming and recording. */
export function leaseFor(deliveryTimeoutMs: number): number {
  return deliveryTimeoutMs + 10_000;
}

export type Prepared =
  | { kind: 'send'; body: string; headers: Record<string, string> }
  | { kind: 'discard' }
  | { kind: 'record'; outcome: AttemptOutcome };

/** What an attempt tells the worker before it is over. */
export interface AttemptEvents {
  /** the receiver is done with the request (it answered, or the send failed) */
  sent(): void;
  /** the delivery went back to the queue unsent, due at `until`: its callback is paused, or its slot far off */
  deferred(until: number): void;
}

/**
 * The outcome to record; null when there is none (the expression did not match, or the send was not
 * started).
 */
export async function attempt(delivery: DueDelivery, options: AttemptOptions, events: AttemptEvents): Promise<AttemptOutcome | null> {
  const prepared = await prepare(delivery, options);
  // a probe of the circuit breaker that is not sent (its condition did not match, or failed; the
  // callback is disabled) cannot be the one that tells: the next parked delivery takes its place
  if (prepared.kind !== 'send' && delivery.callback.unreachable) await options.store.throttles.probeUnsent(delivery.callback.id);
  if (prepared.kind === 'discard') {
    await options.store.discardDelivery(delivery.id);
    options.onOutcome?.('discarded');
    return null;
  }
  if (prepared.kind === 'record') {
    options.onOutcome?.(prepared.outcome.status);
    if (options.log) logAttempt(options.log, delivery, prepared.outcome);
    return prepared.outcome;
  }
  // A send must end (by its time limit) before the lease does, or another worker may claim the
  // delivery and send it while this one still is. After a stall (the store, this process) that
  // ate the margin, the delivery is left to whoever claims it next: late, never twice at once.
  const gate = await passThrottle(delivery, { ...options, leaseMs: leaseFor(options.deliveryTimeoutMs) });
  if (gate !== 'send') {
    if (gate !== 'lost') events.deferred(gate.deferredUntil);
    return null;
  }
  if (options.clock.now() + options.deliveryTimeoutMs >= delivery.leaseUntil) return null;
  const span = options.tracing?.attempt(delivery, prepared.headers);
  const result = await options.sender.send({ url: delivery.callback.url, body: prepared.body, headers: span?.headers ?? prepared.headers });
  events.sent();
  const outcome = settle(delivery, result, options);
  span?.end(outcome);
  options.onOutcome?.(outcome.status, outcome.attempt.durationMs);
  if (options.log) logAttempt(options.log, delivery, outcome);
  return outcome;
}

/** Decides whether to send at all, and builds the signed request when it does. */
export async function prepare(delivery: DueDelivery, options: Pick<AttemptOptions, 'clock' | 'sandbox' | 'userAgent'>): Promise<Prepared> {
  const { callback } = delivery;
  if (callback.disabled) {
    return { kind: 'record', outcome: unsent(delivery, 'exhausted', 'not sent: the callback is disabled', options.clock) };
  }
  const message = JSON.parse(delivery.payload) as CallbackMessage;
  // The expression is judged once, before the first attempt; a retry resends what matched.
  if (message.type !== 'test' && callback.expression.trim() !== '' && delivery.attempts === 0) {
    // the callback owns its expression for the sandbox's time-out bench (sandbox.ts)
    const record = { fields: message.fields, previous: message.previous, action: message.action, type: message.type, interests: message.interests };
    const verdict = await options.sandbox.evaluate(callback.expression, record, `callback ${callback.id}`);
    if (verdict.error !== undefined) {
      return { kind: 'record', outcome: unsent(delivery, 'skipped', `not sent: the expression failed: ${verdict.error}`, options.clock) };
    }
    if (!verdict.matched) return { kind: 'discard' };
  }
  const { body, contentType } = renderBody(delivery.payload, callback.method);
  const timestamp = Math.floor(options.clock.now() / 1000);
  return {
    kind: 'send',
    body,
    headers: {
      'content-type': contentType,
      'user-agent': options.userAgent,
      'webhook-id': delivery.webhookId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(callback.secrets, delivery.webhookId, timestamp, body),
    },
  };
}
