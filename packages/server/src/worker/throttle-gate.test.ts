// What a worker claims of rate-limited, paused and held callbacks (CallbackCaps): the busy counts its
// claims go by.
import { describe, expect, it } from 'vitest';
import type { DueDelivery } from '../queue/types.ts';
import { CallbackCaps } from './throttle-gate.ts';

const now = 1_800_000_000_000;

function callback(id: number, parts: Partial<DueDelivery['callback']> = {}): DueDelivery['callback'] {
  return { id, url: 'https://hooks.example.org/t', method: 'json', expression: '', disabled: false, secrets: [], rateLimit: null, rate: null, pausedUntil: null, unreachable: false, ...parts };
}

describe('callback caps', () => {
  it('count a slow rate, an unreachable receiver and a pause as slots busy, and forget them once normal', () => {
    const caps = new CallbackCaps(4);
    caps.note(callback(1, { rateLimit: 10, rate: 0.5 }), now);
    caps.note(callback(2, { unreachable: true }), now);
    caps.note(callback(3, { pausedUntil: now + 60_000 }), now);
    caps.note(callback(4), now);
    expect(caps.busy(new Map([[1, 1]]), now)).toEqual(new Map([[1, 4], [2, 3], [3, 4]]));
    caps.note(callback(2), now);
    expect(caps.busy(new Map(), now + 60_001)).toEqual(new Map([[1, 3], [3, 0]]));
  });

  it('hold a callback until a time, through what a claim begun before the hold says of it', () => {
    const caps = new CallbackCaps(4);
    const nothing = new Map<number, number>();
    expect(caps.busy(nothing, now)).toBe(nothing);
    caps.hold(7, now + 10_000);
    expect(caps.busy(nothing, now)).toEqual(new Map([[7, 4]]));
    // a claim that began before the hold took another of its deliveries: the hold stands
    caps.note(callback(7, { rateLimit: 1, rate: 0.1 }), now + 1);
    expect(caps.busy(nothing, now + 9_999)).toEqual(new Map([[7, 4]]));
    // over: the rate's cap is left, one at a time
    expect(caps.busy(nothing, now + 10_000)).toEqual(new Map([[7, 3]]));
  });
});
