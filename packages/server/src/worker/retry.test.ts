import { describe, expect, it } from 'vitest';
import { jitterFactor, nextAttemptAt, parseRetryAfter } from './retry.ts';

const schedule = [0, 5, 300, 1800];

describe('the retry schedule', () => {
  it('uses the entry after the attempts made, with ±20% jitter from the injected random source', () => {
    expect(nextAttemptAt({ schedule, attemptsMade: 1, nowMs: 0, random: () => 0.5, retryAfterSeconds: null })).toBe(5000);
    expect(nextAttemptAt({ schedule, attemptsMade: 2, nowMs: 0, random: () => 0, retryAfterSeconds: null })).toBe(240_000);
    expect(nextAttemptAt({ schedule, attemptsMade: 2, nowMs: 0, random: () => 0.75, retryAfterSeconds: null })).toBe(330_000);
    expect(jitterFactor(() => 0)).toBe(0.8);
  });

  it('ends when the schedule is used up', () => {
    expect(nextAttemptAt({ schedule, attemptsMade: 4, nowMs: 0, random: () => 0.5, retryAfterSeconds: null })).toBeNull();
  });

  it('lets Retry-After postpone up to a day but never hurry', () => {
    expect(nextAttemptAt({ schedule, attemptsMade: 1, nowMs: 0, random: () => 0.5, retryAfterSeconds: 60 })).toBe(60_000);
    expect(nextAttemptAt({ schedule, attemptsMade: 2, nowMs: 0, random: () => 0.5, retryAfterSeconds: 1 })).toBe(300_000);
    expect(nextAttemptAt({ schedule, attemptsMade: 1, nowMs: 0, random: () => 0.5, retryAfterSeconds: 10 ** 9 })).toBe(86_400_000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120', 0)).toBe(120);
    expect(parseRetryAfter(new Date(90_000).toUTCString(), 0)).toBe(90);
    expect(parseRetryAfter('soon', 0)).toBeNull();
    expect(parseRetryAfter(undefined, 0)).toBeNull();
  });
});
