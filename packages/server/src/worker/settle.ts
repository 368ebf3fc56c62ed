// Settle: what a finished attempt means for its delivery (succeeded, retried when, exhausted) and,
// on 410 Gone, for its callback. The outcome is recorded afterwards (recorder.ts).
import { formatTimestamp, type Clock } from '../clock.ts';
import type { AttemptOutcome, DueDelivery } from '../queue/types.ts';
import type { SendResult } from '../receiver/sender.ts';
import { nextAttemptAt, parseRetryAfter } from './retry.ts';

export interface SettleOptions {
  clock: Clock;
  /** a number in [0, 1): the jitter source, injected so tests are exact */
  random: () => number;
  retryScheduleSeconds: readonly number[];
}

/** What settling needs of a delivery: a listener's report (listen/) has no more than this. */
export type SettledDelivery = Pick<DueDelivery, 'id' | 'attempts' | 'retryBase'> & { callback: Pick<DueDelivery['callback'], 'id'> };

export function settle(delivery: SettledDelivery, result: SendResult, options: SettleOptions): AttemptOutcome {
  return isSuccess(result) ? succeeded(delivery, result, options.clock) : failed(delivery, result, options);
}

/** An attempt that sent nothing: it does not count as an attempt, nor bear on the callback. */
export function unsent(delivery: DueDelivery, status: 'exhausted' | 'skipped', error: string, clock: Clock): AttemptOutcome {
  return {
    deliveryId: delivery.id,
    callbackId: delivery.callback.id,
    sent: false,
    attempt: { time: formatTimestamp(clock.now()), statusCode: null, durationMs: 0, error, response: null },
    status,
    nextAttemptAt: null,
    disableCallback: null,
  };
}

function succeeded(delivery: SettledDelivery, result: SendResult, clock: Clock): AttemptOutcome {
  return {
    deliveryId: delivery.id,
    callbackId: delivery.callback.id,
    sent: true,
    attempt: attemptRecord(result, clock),
    status: 'succeeded',
    nextAttemptAt: null,
    disableCallback: null,
  };
}

/**
 * A failure's retry. Whether the callback has now failed for too long is not decided here: the store
 * does that when it records the outcome, from the callback as it is then (see AttemptOutcome).
 */
function failed(delivery: SettledDelivery, result: SendResult, options: SettleOptions): AttemptOutcome {
  const now = options.clock.now();
  const disableCallback = result.statusCode === 410 ? `disabled after the receiver answered 410 Gone at ${formatTimestamp(now)}` : null;
  const next =
    disableCallback === null
      ? nextAttemptAt({
          schedule: options.retryScheduleSeconds,
          attemptsMade: delivery.attempts - delivery.retryBase + 1,
          nowMs: now,
          random: options.random,
          retryAfterSeconds: result.statusCode === 429 || result.statusCode === 503 ? parseRetryAfter(result.retryAfter, now) : null,
        })
      : null;
  return {
    deliveryId: delivery.id,
    callbackId: delivery.callback.id,
    sent: true,
    attempt: attemptRecord(result, options.clock),
    status: next === null ? 'exhausted' : 'failed',
    nextAttemptAt: next,
    disableCallback,
  };
}

function attemptRecord(result: SendResult, clock: Clock): AttemptOutcome['attempt'] {
  const redirect = result.statusCode !== null && result.statusCode >= 300 && result.statusCode < 400;
  return {
    time: formatTimestamp(clock.now()),
    statusCode: result.statusCode,
    durationMs: result.durationMs,
    error: result.error ?? (redirect ? 'redirects are not followed; point the callback at the final URL' : null),
    response: result.response,
  };
}

function isSuccess(result: SendResult): boolean {
  return result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
}
