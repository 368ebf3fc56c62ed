// A worker's finished attempts recorded on PostgreSQL in one statement (record.sql), with no
// transaction around it. Answers the outcomes recorded (those whose lease held: `ID:lease until`,
// as outcomeKey writes them) and the callbacks that got a delivery queued again (a retry asked for
// during an attempt that failed).
import type { AttemptOutcome } from '../types.ts';
import { isTransientConflict, sqlStatement, type Runner, type Signal } from '../../db/postgres/prepared.ts';

const record = sqlStatement(new URL('record.sql', import.meta.url));

export async function recordAttempts(
  run: Runner,
  signal: Signal,
  now: { ms: number; stamp: string },
  failingDaysBeforeDisable: number,
  outcomes: readonly AttemptOutcome[],
): Promise<{ recorded: Set<string>; requeued: number[] }> {
  if (outcomes.length === 0) return { recorded: new Set(), requeued: [] };
  const values = [
    outcomes.map((outcome) => outcome.deliveryId),
    outcomes.map((outcome) => outcome.sent),
    outcomes.map((outcome) => outcome.callbackId),
    outcomes.map((outcome) => outcome.status),
    outcomes.map((outcome) => outcome.nextAttemptAt),
    outcomes.map((outcome) => outcome.attempt.statusCode),
    outcomes.map((outcome) => outcome.attempt.time),
    outcomes.map((outcome) => outcome.attempt.durationMs),
    outcomes.map((outcome) => outcome.attempt.error),
    outcomes.map((outcome) => outcome.attempt.response),
    outcomes.map((outcome) => (outcome.sent ? outcome.disableCallback : null)),
    now.ms,
    now.stamp,
    failingDaysBeforeDisable,
    signal.channel,
    signal.origin,
    outcomes.map((outcome) => outcome.leaseUntil),
    outcomes.map((outcome) => outcome.attempt.via ?? null),
  ];
  for (let attempt = 1; ; attempt++) {
    try {
      const [row] = await run<{ recorded: string[]; requeued: Array<number | string> }>(record, values);
      return { recorded: new Set(row?.recorded ?? []), requeued: (row?.requeued ?? []).map(Number) };
    } catch (error) {
      // two workers' records that lock the same callbacks in another order: one is rolled back whole
      if (attempt < 3 && isTransientConflict(error)) continue;
      throw error;
    }
  }
}
