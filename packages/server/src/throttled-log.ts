// A condition that lasts (the store away, the disk full) is logged when it begins and then at most
// once per interval with the number of times it happened meanwhile, not once per request or per
// retry: 1,000 requests during an outage make a few lines, not 1,000 stack traces.

export class ThrottledLog {
  readonly #intervalMs: number;
  readonly #write: (line: string) => void;
  readonly #now: () => number;
  readonly #conditions = new Map<string, { loggedAt: number; since: number; unlogged: number }>();

  constructor(write: (line: string) => void, options: { intervalMs?: number; now?: () => number } = {}) {
    this.#write = write;
    this.#intervalMs = options.intervalMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Notes one occurrence of `key`; writes `line` unless the key was written less than an interval ago. */
  report(key: string, line: string): void {
    const now = this.#now();
    const condition = this.#conditions.get(key);
    if (condition !== undefined && now - condition.loggedAt < this.#intervalMs) {
      condition.unlogged++;
      return;
    }
    const more = condition !== undefined && condition.unlogged > 0 ? ` (${condition.unlogged} more in the last ${Math.round((now - condition.loggedAt) / 1000)} s)` : '';
    this.#conditions.set(key, { loggedAt: now, since: condition?.since ?? now, unlogged: 0 });
    this.#write(`${line}${more}`);
  }

  /** Ends the condition `key`: writes `line` once if it had been reported. */
  resolve(key: string, line: string): void {
    const condition = this.#conditions.get(key);
    if (condition === undefined) return;
    this.#conditions.delete(key);
    const lasted = Math.round((this.#now() - condition.since) / 1000);
    this.#write(`${line} (after ${lasted} s${condition.unlogged > 0 ? `; ${condition.unlogged} more occurrences since the last line` : ''})`);
  }

  /** Whether `key` is reported and not resolved. */
  active(key: string): boolean {
    return this.#conditions.has(key);
  }
}
