// PostgreSQL only: the store's connections run without JIT compilation, and parking a large backlog
// (queue/parking.ts) vacuums the deliveries table at once, so the claims do not walk the dead row
// versions the parking left in the due index.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../clock.ts';
import { configureConnection, openPostgresStore } from '../../db/postgres/index.ts';
import type { KyselyStore } from '../../records/kysely-store.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.ts';
import { eventually } from '../../../test/support/receiver.ts';
import type { AttemptOutcome } from '../types.ts';

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function opened(): Promise<{ store: KyselyStore; database: TestDatabase }> {
  const database = await createTestDatabase();
  cleanups.push(() => database.drop());
  const store = await openPostgresStore(database.url, systemClock, { poolSize: 3 });
  cleanups.push(() => store.close());
  return { store, database };
}

describe('PostgreSQL connections and parking', () => {
  it('configures every connection of the pool to run without JIT compilation', async () => {
    const { database } = await opened();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    cleanups.push(() => client.end());
    const errors: string[] = [];
    configureConnection(client, (message) => errors.push(message));
    expect((await client.query<{ jit: string }>('SHOW jit')).rows[0]?.jit).toBe('off');
    expect(errors).toEqual([]);
  });

  it('vacuums the deliveries table after parking a backlog of more than 10,000', async () => {
    const { store, database } = await opened();
    const account = await store.createAccount('acme');
    const created = await store.createDatabase(account!.id, { name: 'customers' });
    const result = await store.createDatabaseCallback(
      account!.id,
      Number(created.ID),
      { url: 'https://hooks.example.org/down', expression: '', action: 'all', method: 'json', disabled: false, ordering: 'none', secret: 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=' },
      100,
    );
    const callbackId = Number((result as { callback: { ID: string } }).callback.ID);
    const now = Date.now();
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    cleanups.push(() => admin.end());
    // a backlog of 12,000 due deliveries, written in one statement
    const event = await admin.query<{ id: string }>(
      'INSERT INTO events (account_id, database_id, payload, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
      [account!.id, Number(created.ID), '{}', now],
    );
    await admin.query(
      `INSERT INTO deliveries (account_id, callback_id, event_id, event_key, webhook_id, status, attempts, retry_base, next_attempt_at, created, modified, created_at)
       SELECT $1, $2, $3, 'evt_' || n, 'msg_' || n, 'pending', 0, 0, $4, 'x', 'x', $4 FROM generate_series(1, 12000) AS n`,
      [account!.id, callbackId, Number(event.rows[0]?.id), now - 1000],
    );
    // five unanswered attempts recorded: the breaker trips and parks the backlog
    const unanswered: AttemptOutcome[] = Array.from({ length: 5 }, () => ({
      deliveryId: 0,
      leaseUntil: 0,
      callbackId,
      sent: true,
      attempt: { time: 'x', statusCode: null, durationMs: 1, error: 'ECONNREFUSED', response: null },
      status: 'failed',
      nextAttemptAt: now + 60_000,
      disableCallback: null,
      throttle: { slowDown: false, succeeded: false, pauseUntil: null, unanswered: true, answeredAgain: false },
    }));
    await store.throttles.adjust(unanswered, now);
    const parked = await admin.query<{ n: string }>('SELECT count(*) AS n FROM deliveries WHERE callback_id = $1 AND next_attempt_at IS NULL', [callbackId]);
    expect(Number(parked.rows[0]?.n)).toBe(11_999);
    const vacuumed = await eventually(async () => {
      const { rows } = await admin.query<{ last_vacuum: Date | null }>("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'deliveries'");
      return rows[0]?.last_vacuum ?? undefined;
    }, 20_000);
    expect(vacuumed).toBeInstanceOf(Date);
  }, 30_000);
});
