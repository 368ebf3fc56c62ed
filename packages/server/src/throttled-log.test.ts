import { describe, expect, it } from 'vitest';
import { ThrottledLog } from './throttled-log.ts';

describe('ThrottledLog', () => {
  it('writes a lasting condition when it begins, then once per interval with the count, and its end once', () => {
    let now = 0;
    const lines: string[] = [];
    const log = new ThrottledLog((line) => lines.push(line), { intervalMs: 10_000, now: () => now });
    for (let i = 0; i < 1000; i++) {
      log.report('api unavailable', 'store away');
      now += 25;
    }
    // 25 s of reports every 25 ms: at 0, 10 s and 20 s
    expect(lines).toEqual(['store away', 'store away (399 more in the last 10 s)', 'store away (399 more in the last 10 s)']);
    expect(log.active('api unavailable')).toBe(true);
    log.resolve('api unavailable', 'store back');
    expect(lines.at(-1)).toBe('store back (after 25 s; 199 more occurrences since the last line)');
    expect(log.active('api unavailable')).toBe(false);
    log.resolve('api unavailable', 'store back');
    expect(lines).toHaveLength(4);
  });

  it('keeps conditions apart by key', () => {
    const lines: string[] = [];
    const log = new ThrottledLog((line) => lines.push(line), { now: () => 0 });
    log.report('a', 'first');
    log.report('b', 'second');
    log.report('a', 'first');
    expect(lines).toEqual(['first', 'second']);
  });
});
