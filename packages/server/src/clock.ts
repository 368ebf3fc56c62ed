/** Time as a dependency, so tests can move it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The API's timestamp form, as in Copernica: `YYYY-MM-DD HH:MM:SS`, UTC. */
export function formatTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}
