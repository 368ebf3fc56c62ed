import { describe, expect, it } from 'vitest';
import { randomText } from './random.ts';

describe('random text from the pool', () => {
  it('never hands out the same bytes twice, across refills of the pool', () => {
    const seen = new Set<string>();
    // 1,000 × 24 bytes is almost six pools
    for (let i = 0; i < 1000; i++) seen.add(randomText(24, 'base64'));
    expect(seen.size).toBe(1000);
    expect(randomText(15, 'base64url')).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(() => randomText(4097, 'base64')).toThrow(RangeError);
  });
});
