import type { Clock } from '../clock.ts';

const IDLE_BUCKETS_KEPT = 10_000;

/** A key's bucket after a request, as the RateLimit-* headers tell it. */
export interface RateLimitState {
  /** requests a second, which is also the largest burst */
  limit: number;
  /** whole requests the bucket holds now */
  remaining: number;
  /** seconds until the bucket is full again */
  resetSeconds: number;
  /** 0 when the request was allowed, else the ms until one is */
  waitMs: number;
}

/**
 * A token bucket per key: `perSecond` requests a second with bursts of as many. 0 turns it off.
 * Buckets that are full again are dropped when the map grows, so memory stays bounded.
 */
export class RateLimiter {
  readonly #perSecond: number;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(perSecond: number, clock: Clock) {
    this.#perSecond = perSecond;
    this.#clock = clock;
  }

  /** Takes one request from the key's bucket; null when the limiter is off. */
  take(key: string): RateLimitState | null {
    if (this.#perSecond === 0) return null;
    const now = this.#clock.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.#perSecond, at: now };
    bucket.tokens = Math.min(this.#perSecond, bucket.tokens + ((now - bucket.at) * this.#perSecond) / 1000);
    bucket.at = now;
    let waitMs = 0;
    if (bucket.tokens < 1) {
      waitMs = Math.ceil(((1 - bucket.tokens) * 1000) / this.#perSecond);
    } else {
      bucket.tokens -= 1;
      if (!this.#buckets.has(key) && this.#buckets.size >= IDLE_BUCKETS_KEPT) this.#dropFullBuckets(now);
    }
    this.#buckets.set(key, bucket);
    return {
      limit: this.#perSecond,
      remaining: Math.floor(bucket.tokens),
      resetSeconds: Math.ceil((this.#perSecond - bucket.tokens) / this.#perSecond),
      waitMs,
    };
  }

  #dropFullBuckets(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) * this.#perSecond) / 1000 >= this.#perSecond) this.#buckets.delete(key);
    }
  }
}

/** The headers every answer to a limited token carries (the widespread RateLimit-Limit/-Remaining/-Reset set). */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'ratelimit-limit': String(state.limit),
    'ratelimit-remaining': String(state.remaining),
    'ratelimit-reset': String(state.resetSeconds),
  };
}
