// The line each attempt leaves in the log: which callback, delivery and attempt, how it ended and
// how long it took, and for a failure its class, a short fixed name to search and count by.
import type { Log } from '../log.ts';
import type { AttemptOutcome, DueDelivery } from '../queue/types.ts';

export function logAttempt(log: Log, delivery: DueDelivery, outcome: AttemptOutcome): void {
  const { statusCode, durationMs, error } = outcome.attempt;
  const fields = {
    callback: delivery.callback.id,
    delivery: delivery.id,
    webhookId: delivery.webhookId,
    attempt: outcome.sent ? delivery.attempts + 1 : null,
    status: outcome.status,
    statusCode,
    durationMs,
    ...(outcome.status !== 'succeeded' && { failure: failureClass(outcome), error }),
    ...(outcome.nextAttemptAt !== null && { nextAttemptAt: new Date(outcome.nextAttemptAt).toISOString() }),
    ...(outcome.disableCallback !== null && { disabled: outcome.disableCallback }),
  };
  if (outcome.status === 'succeeded') log.info(fields, 'delivery attempt succeeded');
  else log.warn(fields, outcome.sent ? 'delivery attempt failed' : 'delivery not sent');
}

/**
 * Why an attempt failed, as one of a few fixed names: `http_3xx`, `http_4xx`, `http_5xx` (the receiver
 * answered), `timeout`, `connect_timeout`, `address_refused` (the SSRF guard), an errno code such as
 * `ECONNREFUSED`, `request_failed`; for one not sent, `callback_disabled` or `expression_failed`.
 */
export function failureClass(outcome: AttemptOutcome): string {
  const { statusCode, error } = outcome.attempt;
  if (statusCode !== null) return `http_${Math.floor(statusCode / 100)}xx`;
  if (!outcome.sent) return outcome.status === 'skipped' ? 'expression_failed' : 'callback_disabled';
  if (error === null) return 'request_failed';
  if (error.startsWith('no answer within')) return 'timeout';
  if (error === 'connecting timed out') return 'connect_timeout';
  if (error.includes('the address is private or internal')) return 'address_refused';
  return /^([A-Z][A-Z0-9_]+):/.exec(error)?.[1] ?? 'request_failed';
}
