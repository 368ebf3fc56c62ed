import type { Clock } from '../clock.ts';

const IDLE_BUCKETS_KEPT = 10_000;

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

  /** Takes one request from the key's bucket; returns 0 when allowed, else the ms to wait. */
  take(key: string): number {
    if (this.#perSecond === 0) return 0;
    const now = this.#clock.now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.#perSecond, at: now };
    bucket.tokens = Math.min(this.#perSecond, bucket.tokens + ((now - bucket.at) * this.#perSecond) / 1000);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.#buckets.set(key, bucket);
      return Math.ceil(((1 - bucket.tokens) * 1000) / this.#perSecond);
    }
    bucket.tokens -= 1;
    if (!this.#buckets.has(key) && this.#buckets.size >= IDLE_BUCKETS_KEPT) this.#dropFullBuckets(now);
    this.#buckets.set(key, bucket);
    return 0;
  }

  #dropFullBuckets(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) * this.#perSecond) / 1000 >= this.#perSecond) this.#buckets.delete(key);
    }
  }
}
