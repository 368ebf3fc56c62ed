import { describe, expect, it } from 'vitest';
import { DueTimes } from './due-times.ts';

/** what is left, earliest first, taken out one time at a time */
function drain(times: DueTimes): number[] {
  const out: number[] = [];
  for (let next = times.earliest; next !== undefined; next = times.earliest) {
    out.push(next);
    times.dropThrough(next);
  }
  return out;
}

describe('the due times of retries', () => {
  it('give the earliest time whatever the order they were added in', () => {
    const times = new DueTimes();
    expect(times.earliest).toBeUndefined();
    for (const time of [50, 20, 90, 20, 10, 70]) times.add(time);
    expect(times.earliest).toBe(10);
    expect(drain(times)).toEqual([10, 20, 50, 70, 90]);
  });

  it('forget the times that have come, and keep every later one', () => {
    const times = new DueTimes();
    // a random walk of adds and drops, checked against a sorted list
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const expected: number[] = [];
    for (let round = 0; round < 2000; round++) {
      const time = Math.floor(random() * 1000);
      if (random() < 0.7) {
        times.add(time);
        expected.push(time);
      } else {
        times.dropThrough(time);
        expected.splice(0, expected.length, ...expected.filter((kept) => kept > time));
      }
      expect(times.earliest).toBe(expected.length === 0 ? undefined : Math.min(...expected));
    }
    expect(drain(times)).toEqual([...new Set(expected)].sort((a, b) => a - b));
  });

  it('hold at most 100,000 times, leaving the rest to the poll', () => {
    const times = new DueTimes();
    for (let i = 0; i < 100_000; i++) times.add(10 + i);
    times.add(1);
    expect(times.earliest).toBe(10);
  });
});
