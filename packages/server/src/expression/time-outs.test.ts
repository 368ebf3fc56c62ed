// The time-out bench: a source that keeps running out of time stops costing the shared worker thread
// its deadline on every change, for its owner only, and comes back when it finishes in time.
import { afterAll, describe, expect, it } from 'vitest';
import { createExpressionSandbox, type ExpressionRecord } from './index.ts';
import { firstBenchMs, longestBenchMs, timeOutsBeforeBench } from './time-out-bench.ts';
import { timeLimitMessage } from './types.ts';

let clock = 1_000_000;
const sandbox = createExpressionSandbox({ timeoutMs: 50 }, { now: () => clock });
afterAll(() => sandbox.close());

function record(n: string): ExpressionRecord {
  return { fields: { n }, previous: null, action: 'update', type: 'profile', interests: [] };
}

// runs out of time on records with n == 'loop', answers at once on any other
const sometimes = "n == 'loop' ? (() => { while (true) {} })() : n == 'yes'";
const timedOut = { matched: false, error: timeLimitMessage };
const skipped = (seconds: number, times = timeOutsBeforeBench) => ({
  matched: false,
  error: `expression skipped: it ran out of time ${times} times in a row, and is evaluated again in ${seconds} s`,
});

describe('the time-out bench', () => {
  it('skips a source that ran out of time three times in a row, for its owner only, and tries it again later', async () => {
    for (let i = 0; i < timeOutsBeforeBench; i++) expect(await sandbox.evaluate(sometimes, record('loop'), 'callback 1')).toEqual(timedOut);
    // benched: answered without running, whatever the record
    expect(await sandbox.evaluate(sometimes, record('yes'), 'callback 1')).toEqual(skipped(firstBenchMs / 1000));
    // another owner of the same source, and the same owner's other sources, are not
    expect(await sandbox.evaluate(sometimes, record('yes'), 'callback 2')).toEqual({ matched: true });
    expect(await sandbox.evaluate("n == 'yes'", record('yes'), 'callback 1')).toEqual({ matched: true });

    // the bench ends; one more time-out benches it twice as long
    clock += firstBenchMs;
    expect(await sandbox.evaluate(sometimes, record('loop'), 'callback 1')).toEqual(timedOut);
    expect(await sandbox.evaluate(sometimes, record('yes'), 'callback 1')).toEqual(skipped((2 * firstBenchMs) / 1000, 4));

    // after it, an evaluation in time ends the bench for good
    clock += 2 * firstBenchMs;
    expect(await sandbox.evaluate(sometimes, record('yes'), 'callback 1')).toEqual({ matched: true });
    expect(await sandbox.evaluate(sometimes, record('loop'), 'callback 1')).toEqual(timedOut);
    expect(await sandbox.evaluate(sometimes, record('no'), 'callback 1')).toEqual({ matched: false });
  });

  it('does not lengthen a bench for the time-outs of evaluations under way when it began', async () => {
    const owner = 'callback 5';
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => sandbox.evaluate(sometimes, record('loop'), owner)));
    expect(outcomes).toEqual(Array(5).fill(timedOut));
    expect(await sandbox.evaluate(sometimes, record('yes'), owner)).toEqual(skipped(firstBenchMs / 1000, 5));
  });

  it('tries a benched source again with one evaluation when the bench ends, skipping the others meanwhile', async () => {
    const owner = 'callback 6';
    for (let i = 0; i < timeOutsBeforeBench; i++) await sandbox.evaluate(sometimes, record('loop'), owner);
    clock += firstBenchMs;
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => sandbox.evaluate(sometimes, record('loop'), owner)));
    const trying = { matched: false, error: `expression skipped: it ran out of time ${timeOutsBeforeBench} times in a row, and is being tried again` };
    expect(outcomes).toEqual([timedOut, ...Array(7).fill(trying)]);
    expect(await sandbox.evaluate(sometimes, record('yes'), owner)).toEqual(skipped((2 * firstBenchMs) / 1000, timeOutsBeforeBench + 1));
  });

  it('counts time-outs in a row only: one evaluation in time starts the count again', async () => {
    const owner = 'callback 3';
    for (const n of ['loop', 'loop', 'yes', 'loop', 'loop', 'yes']) {
      expect(await sandbox.evaluate(sometimes, record(n), owner)).toEqual(n === 'loop' ? timedOut : { matched: true });
    }
  });

  it('benches for at most ten minutes however often the source runs out of time', async () => {
    const owner = 'callback 4';
    for (let i = 0; i < timeOutsBeforeBench; i++) await sandbox.evaluate(sometimes, record('loop'), owner);
    let benchMs = firstBenchMs;
    let times = timeOutsBeforeBench;
    while (benchMs < longestBenchMs) {
      clock += benchMs;
      expect(await sandbox.evaluate(sometimes, record('loop'), owner)).toEqual(timedOut);
      benchMs = Math.min(2 * benchMs, longestBenchMs);
      expect(await sandbox.evaluate(sometimes, record('yes'), owner)).toEqual(skipped(benchMs / 1000, ++times));
    }
    clock += benchMs;
    expect(await sandbox.evaluate(sometimes, record('loop'), owner)).toEqual(timedOut);
    expect(await sandbox.evaluate(sometimes, record('yes'), owner)).toEqual(skipped(longestBenchMs / 1000, times + 1));
  });
});
