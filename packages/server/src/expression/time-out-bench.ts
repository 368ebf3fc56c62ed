// The sandbox's one worker thread is shared by every account, so an expression that runs out of time
// on every record (a loop, a catastrophic regular expression) would cost everyone its 100 ms (200 ms
// and a new thread when the backstop has to fire) on every change. After `timeOutsBeforeBench`
// time-outs in a row of one owner's source it is *benched*: its evaluations answer at once with an
// error saying so (the delivery is skipped and the reason recorded, as for a time-out) until the bench
// ends; then one evaluation runs again (the others are skipped until its outcome is known), and another
// time-out benches it twice as long (10 s, 20 s, … at most 10 min), while an evaluation that finishes
// in time ends it.
import { timeLimitMessage, type ExpressionOutcome } from './types.ts';

/** Time-outs in a row after which an owner's source is benched, and the first and longest bench. */
export const timeOutsBeforeBench = 3;
export const firstBenchMs = 10_000;
export const longestBenchMs = 10 * 60_000;
/** Owners' sources with time-outs remembered at most; the oldest is forgotten first. */
const largestBenchRecords = 10_000;

/**
 * Time-outs in a row of one owner's source, and its bench (`until` 0 while it is not benched);
 * `probing` while the one evaluation allowed after a bench runs.
 */
interface TimeOuts {
  inARow: number;
  benchMs: number;
  until: number;
  probing: boolean;
}

export class TimeOutBench {
  readonly #timeOuts = new Map<string, TimeOuts>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** The answer for an evaluation of a benched source (it is not run), or undefined to run it. */
  skip(source: string, owner: string | undefined): ExpressionOutcome | undefined {
    if (this.#timeOuts.size === 0) return undefined;
    const record = this.#timeOuts.get(benchKey(source, owner));
    if (record === undefined || record.inARow < timeOutsBeforeBench) return undefined;
    const waitMs = record.until - this.#now();
    if (waitMs <= 0 && !record.probing) {
      // the bench is over: this evaluation tries the source again, alone (the others wait for its outcome)
      record.probing = true;
      return undefined;
    }
    const again = waitMs > 0 ? `is evaluated again in ${Math.ceil(waitMs / 1000)} s` : 'is being tried again';
    return { matched: false, error: `expression skipped: it ran out of time ${record.inARow} times in a row, and ${again}` };
  }

  /** Notes how an evaluation that ran ended, and answers it. */
  note(source: string, owner: string | undefined, outcome: ExpressionOutcome): ExpressionOutcome {
    if (this.#timeOuts.size === 0 && outcome.error !== timeLimitMessage) return outcome;
    const key = benchKey(source, owner);
    const record = this.#timeOuts.get(key);
    if (outcome.error !== timeLimitMessage) {
      if (record !== undefined) this.#timeOuts.delete(key);
      return outcome;
    }
    if (record === undefined) {
      if (this.#timeOuts.size >= largestBenchRecords) this.#timeOuts.delete(this.#timeOuts.keys().next().value as string);
      this.#timeOuts.set(key, { inARow: 1, benchMs: 0, until: 0, probing: false });
      return outcome;
    }
    record.probing = false;
    record.inARow++;
    // evaluations that were under way when the bench began do not lengthen it
    if (record.inARow >= timeOutsBeforeBench && record.until <= this.#now()) {
      record.benchMs = record.benchMs === 0 ? firstBenchMs : Math.min(2 * record.benchMs, longestBenchMs);
      record.until = this.#now() + record.benchMs;
    }
    return outcome;
  }
}

function benchKey(source: string, owner: string | undefined): string {
  return owner === undefined ? source : `${owner}\u0000${source}`;
}
