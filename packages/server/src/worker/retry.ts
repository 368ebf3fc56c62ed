// The retry policy as data: the schedule, jitter and clock are parameters, so tests are exact.

const MAX_RETRY_AFTER_SECONDS = 24 * 3600;

/** ±20% jitter: a factor in [0.8, 1.2) from a random number in [0, 1). */
export function jitterFactor(random: () => number): number {
  return 0.8 + random() * 0.4;
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date); null when absent or unusable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d{1,10}$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/**
 * When the next attempt is due after failed attempt number `attemptsMade` (1-based within the
 * current round), or null when the schedule is used up. A receiver's Retry-After can postpone an
 * attempt (up to a day), never bring it forward.
 */
export function nextAttemptAt(options: {
  schedule: readonly number[];
  attemptsMade: number;
  nowMs: number;
  random: () => number;
  retryAfterSeconds: number | null;
}): number | null {
  const delaySeconds = options.schedule[options.attemptsMade];
  if (delaySeconds === undefined) return null;
  let delayMs = delaySeconds * 1000 * jitterFactor(options.random);
  if (options.retryAfterSeconds !== null) {
    delayMs = Math.max(delayMs, Math.min(options.retryAfterSeconds, MAX_RETRY_AFTER_SECONDS) * 1000);
  }
  return options.nowMs + Math.round(delayMs);
}
