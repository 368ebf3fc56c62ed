/** Time as a dependency, so tests can move it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

let cachedSecond = Number.NaN;
let cachedStamp = '';

/** The API's timestamp form, as in Copernica: `YYYY-MM-DD HH:MM:SS`, UTC. */
export function formatTimestamp(epochMs: number): string {
  // most calls in a busy second ask for the same second
  const second = Math.floor(epochMs / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedStamp = new Date(second * 1000).toISOString().slice(0, 19).replace('T', ' ');
  }
  return cachedStamp;
}
