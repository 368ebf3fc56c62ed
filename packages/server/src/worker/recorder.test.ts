// The recorder when the store fails between recording outcomes and adjusting their callbacks' breakers:
// the outcomes count as recorded, once. SQLite only: a trigger on the store's own file makes the
// adjustment fail there (what the recorder does with it does not depend on the store).
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { formatTimestamp } from '../clock.ts';
import { RecordedButNotAdjusted } from '../queue/outcomes.ts';
import type { AttemptOutcome, DueDelivery } from '../queue/types.ts';
import { createHarness, type Harness } from '../../test/support/harness.ts';
import { Recorder } from './recorder.ts';

let h: Harness;

beforeEach(async () => {
  h = await createHarness();
  await h.request('POST', '/v1/databases', { body: { name: 'customers' } });
  await h.request('POST', '/v1/database/1/callbacks', { body: { url: 'https://hooks.example.org/t' } });
});

afterEach(async () => {
  await h.close();
});

function unanswered(delivery: DueDelivery): AttemptOutcome {
  return {
    deliveryId: delivery.id,
    leaseUntil: delivery.leaseUntil,
    callbackId: delivery.callback.id,
    sent: true,
    attempt: { time: formatTimestamp(h.clock.now()), statusCode: null, durationMs: 3, error: 'connection refused', response: null },
    status: 'failed',
    nextAttemptAt: h.clock.now() + 60_000,
    disableCallback: null,
    throttle: { slowDown: false, succeeded: false, pauseUntil: null, unanswered: true, answeredAgain: false },
  };
}

describe.skipIf(inject('tidingsStore') === 'postgres')('recording outcomes', () => {
  it('takes outcomes as recorded, once, when adjusting their callbacks fails after the record committed', async () => {
    // what adjusting writes (the breaker's streak) fails; what recording writes does not
    const file = new DatabaseSync(join(h.dataDir, 'tidings.sqlite'));
    file.exec(`CREATE TRIGGER fail_streak BEFORE UPDATE OF unreachable_streak ON callbacks
               BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    const [delivery] = await h.store.claimDueDeliveries(100, 60_000, 100);
    const errors: unknown[] = [];
    const recorder = new Recorder(h.store, (error) => errors.push(error));
    await recorder.record(unanswered(delivery as DueDelivery));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RecordedButNotAdjusted);
    file.exec('DROP TRIGGER fail_streak');
    file.close();
    const listed = await h.request('GET', '/v1/callback/1/deliveries');
    expect((listed.body as { data: Array<{ status: string; attempts: number }> }).data).toMatchObject([{ status: 'failed', attempts: 1 }]);
    const shown = await h.request('GET', `/v1/delivery/${delivery?.id}`);
    expect(shown.status).toBe(200);
    expect((shown.body as { attemptLog: unknown[] }).attemptLog).toHaveLength(1);
  });
});
