import { describe, expect, it } from 'vitest';
import type { AttemptOutcome } from '../queue/types.ts';
import { failureClass } from './attempt-log.ts';

function outcome(statusCode: number | null, error: string | null, sent = true, status: AttemptOutcome['status'] = 'failed'): AttemptOutcome {
  return {
    deliveryId: 1,
    leaseUntil: 0,
    sent,
    callbackId: 1,
    attempt: { time: '2026-12-07 06:00:00', statusCode, durationMs: 5, error, response: null },
    status,
    nextAttemptAt: null,
    disableCallback: null,
    throttle: null,
  };
}

describe('the failure class of an attempt', () => {
  it('names the status class of an answer', () => {
    expect(failureClass(outcome(302, null))).toBe('http_3xx');
    expect(failureClass(outcome(410, null))).toBe('http_4xx');
    expect(failureClass(outcome(503, null))).toBe('http_5xx');
  });

  it('names why a request got no answer, from the sender\'s error', () => {
    expect(failureClass(outcome(null, 'no answer within 15000 ms'))).toBe('timeout');
    expect(failureClass(outcome(null, 'connecting timed out'))).toBe('connect_timeout');
    expect(failureClass(outcome(null, 'connection to 10.0.0.1 refused: the address is private or internal (set TIDINGS_ALLOWED_NETWORKS to allow it)'))).toBe('address_refused');
    expect(failureClass(outcome(null, 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9'))).toBe('ECONNREFUSED');
    expect(failureClass(outcome(null, 'UND_ERR_SOCKET: other side closed'))).toBe('UND_ERR_SOCKET');
    expect(failureClass(outcome(null, 'something else'))).toBe('request_failed');
  });

  it('names why a delivery was not sent', () => {
    expect(failureClass(outcome(null, 'not sent: the expression failed: boom', false, 'skipped'))).toBe('expression_failed');
    expect(failureClass(outcome(null, 'not sent: the callback is disabled', false, 'exhausted'))).toBe('callback_disabled');
  });
});
