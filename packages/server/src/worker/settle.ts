// Settle: what a finished attempt means for its delivery (succeeded, retried when, exhausted) and,
// on 410 Gone, for its callback. The outcome is recorded afterwards (recorder.ts).
import { formatTimestamp, type Clock } from '../clock.ts';
import { MAX_PAUSE_MS, MIN_RATE } from '../queue/throttle.ts';
import type { AttemptOutcome, DueDelivery, ThrottleSignal } from '../queue/types.ts';
import type { SendResult } from '../receiver/sender.ts';
import { nextAttemptAt, parseRetryAfter } from './retry.ts';

export interface SettleOptions {
  clock: Clock;
  /** a number in [0, 1): the jitter source, injected so tests are exact */
  random: () => number;
  retryScheduleSeconds: readonly number[];
}

/** What settling needs of a delivery: a listener's report (listen/) has no more than this. */
export type SettledDelivery = Pick<DueDelivery, 'id' | 'attempts' | 'retryBase' | 'leaseUntil'> & {
  callback: Pick<DueDelivery['callback'], 'id' | 'rateLimit' | 'rate' | 'unreachable'>;
};

export function settle(delivery: SettledDelivery, result: SendResult, options: SettleOptions): AttemptOutcome {
  return isSuccess(result) ? succeeded(delivery, result, options.clock) : failed(delivery, result, options);
}

/** An attempt that sent nothing: it does not count as an attempt, nor bear on the callback. */
export function unsent(delivery: DueDelivery, status: 'exhausted' | 'skipped', error: string, clock: Clock): AttemptOutcome {
  return {
    deliveryId: delivery.id,
    leaseUntil: delivery.leaseUntil,
    callbackId: delivery.callback.id,
    sent: false,
    attempt: { time: formatTimestamp(clock.now()), statusCode: null, durationMs: 0, error, response: null },
    status,
    nextAttemptAt: null,
    disableCallback: null,
    throttle: null,
  };
}

function succeeded(delivery: SettledDelivery, result: SendResult, clock: Clock): AttemptOutcome {
  return {
    deliveryId: delivery.id,
    leaseUntil: delivery.leaseUntil,
    callbackId: delivery.callback.id,
    sent: true,
    attempt: attemptRecord(result, clock),
    status: 'succeeded',
    nextAttemptAt: null,
    disableCallback: null,
    throttle: throttleSignal(delivery, result, null, clock.now()),
  };
}

/**
 * A failure's retry. Whether the callback has now failed for too long is not decided here: the store
 * does that when it records the outcome, from the callback as it is then (see AttemptOutcome).
 */
function failed(delivery: SettledDelivery, result: SendResult, options: SettleOptions): AttemptOutcome {
  const now = options.clock.now();
  const disableCallback = result.statusCode === 410 ? `disabled after the receiver answered 410 Gone at ${formatTimestamp(now)}` : null;
  const retryAfterSeconds = result.statusCode === 429 || result.statusCode === 503 ? parseRetryAfter(result.retryAfter, now) : null;
  const next =
    disableCallback === null
      ? nextAttemptAt({
          schedule: options.retryScheduleSeconds,
          attemptsMade: delivery.attempts - delivery.retryBase + 1,
          nowMs: now,
          random: options.random,
          retryAfterSeconds,
        })
      : null;
  const throttle = throttleSignal(delivery, result, retryAfterSeconds, now);
  const attempt = attemptRecord(result, options.clock);
  if (throttle !== null && (throttle.slowDown || throttle.pauseUntil !== null)) attempt.error = [attempt.error, throttleNote(delivery, throttle)].filter((part) => part !== null).join('; ');
  return {
    deliveryId: delivery.id,
    leaseUntil: delivery.leaseUntil,
    callbackId: delivery.callback.id,
    sent: true,
    attempt,
    status: next === null ? 'exhausted' : 'failed',
    nextAttemptAt: next,
    disableCallback,
    throttle,
  };
}

/**
 * What an answer means for its callback's sending (queue/throttle.ts), or null for nothing, as for
 * most answers: 429, 502, 503, 504 and time-outs ask a rate-limited callback to slow down, and a
 * success raises its lowered rate; a Retry-After pauses any callback; no answer at all counts toward
 * the circuit breaker, and an answer after such attempts ends their streak.
 */
function throttleSignal(delivery: SettledDelivery, result: SendResult, retryAfterSeconds: number | null, now: number): ThrottleSignal | null {
  const { rateLimit, rate, unreachable } = delivery.callback;
  const answered = result.statusCode !== null;
  const slowDown = rateLimit !== null && (result.timedOut === true || SLOW_DOWN_STATUSES.has(result.statusCode ?? 0));
  const succeeded = isSuccess(result) && rate !== null && rate < (rateLimit ?? 0);
  const pauseUntil = retryAfterSeconds !== null && retryAfterSeconds > 0 ? now + Math.min(retryAfterSeconds * 1000, MAX_PAUSE_MS) : null;
  const answeredAgain = answered && unreachable;
  if (!slowDown && !succeeded && pauseUntil === null && answered && !answeredAgain) return null;
  return { slowDown, succeeded, pauseUntil, unanswered: !answered, answeredAgain };
}

/** What the attempt log says of it: the rate it lowers and the pause it starts. */
function throttleNote(delivery: SettledDelivery, throttle: ThrottleSignal): string {
  const parts: string[] = [];
  if (throttle.slowDown) {
    const lowered = Math.max((delivery.callback.rate ?? 0) / 2, MIN_RATE);
    parts.push(`the callback's rate is lowered to ${Math.round(lowered * 100) / 100}/s (limit ${delivery.callback.rateLimit}/s)`);
  }
  if (throttle.pauseUntil !== null) parts.push(`the callback is paused until ${formatTimestamp(throttle.pauseUntil)} (Retry-After)`);
  return parts.join('; ');
}

const SLOW_DOWN_STATUSES = new Set([429, 502, 503, 504]);

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
