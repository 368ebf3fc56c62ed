// The SQL that runs, readable in the repository: this walks every hot query of the store through the
// API and the worker (changes, callbacks, claims, successes, failures, a 410, the 5-day disable, a
// retry by hand) and compares what the store compiled with src/db/queries/<dialect>.sql. A change to a
// query shows in the diff; a stale file fails CI (vitest compares, and writes only with -u outside CI).
// PostgreSQL's one-statement hot path is hand-written SQL already: queue/postgres/*.sql, records/postgres/*.sql.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/support/harness.ts';
import { eventually, startReceiver, type Receiver } from '../../test/support/receiver.ts';
import type { KyselyStore } from '../records/kysely-store.ts';

let h: Harness;
let receiver: Receiver;

beforeEach(async () => {
  h = await createHarness({ TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8', TIDINGS_RETRY_SCHEDULE: '0,1,1,1,1,1,1,1,1,1' }, { clockStart: Date.now() });
  receiver = await startReceiver();
});

afterEach(async () => {
  await h.close();
  await receiver.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ ID: string }> {
  const response = await h.request(method, path, body === undefined ? {} : { body });
  expect(response.status, `${method} ${path}: ${response.text}`).toBeLessThan(300);
  return response.body as { ID: string };
}

async function statuses(callbackId: string): Promise<string[]> {
  const list = (await h.request('GET', `/v1/callback/${callbackId}/deliveries`)).body as { data: Array<{ status: string }> };
  return list.data.map((delivery) => delivery.status);
}

it('runs the hot queries that src/db/queries/ holds for its dialect', async () => {
  receiver.respond((request, _index, response) => {
    const status = request.path === '/gone' ? 410 : request.path === '/failing' ? 500 : 200;
    response.writeHead(status).end();
  });
  await call('POST', '/v1/databases', { name: 'customers' });
  await call('POST', '/v1/database/1/collections', { name: 'orders' });
  const healthy = await call('POST', '/v1/database/1/callbacks', { url: `${receiver.url}/ok`, ordering: 'profile' });
  const gone = await call('POST', '/v1/database/1/callbacks', { url: `${receiver.url}/gone`, action: 'update' });
  const failing = await call('POST', '/v1/collection/1/callbacks', { url: `${receiver.url}/failing` });
  await call('GET', `/v1/callback/${healthy.ID}`);
  await call('GET', '/v1/database/1/callbacks');
  await call('GET', '/v1/collection/1/callbacks');
  const worker = h.startWorker({ pollIntervalMs: 20 });
  const profile = await call('POST', '/v1/database/1/profiles', { fields: { city: 'Utrecht' } });
  await call('PUT', `/v1/profile/${profile.ID}`, { fields: { city: 'Amsterdam' } });
  await call('POST', `/v1/profile/${profile.ID}/subprofiles/1`, { fields: { item: 'book' } });
  await call('GET', `/v1/profile/${profile.ID}`);
  await eventually(async () => (await statuses(healthy.ID)).every((status) => status === 'succeeded') && (await statuses(gone.ID)).length === 1);
  await eventually(async () => (await statuses(failing.ID))[0] === 'failed');
  // the failing callback: a spell begins, lasts past five days, and disables it
  h.clock.advance(6 * 86400_000);
  worker.wake();
  await eventually(async () => ((await h.request('GET', `/v1/callback/${failing.ID}`)).body as { disabled: boolean }).disabled);
  const [delivery] = ((await h.request('GET', `/v1/callback/${failing.ID}/deliveries`)).body as { data: Array<{ ID: string }> }).data;
  await h.request('POST', `/v1/delivery/${delivery?.ID}/retry`);
  await call('DELETE', `/v1/profile/${profile.ID}`);
  await eventually(async () => (await statuses(healthy.ID)).length === 3 && (await statuses(healthy.ID)).every((status) => status === 'succeeded'));
  // a claim behind a backlog it cannot take from looks callback by callback (queue/sqlite/choose.ts)
  await worker.stop();
  for (let i = 0; i < 10; i++) await call('POST', '/v1/database/1/profiles', { fields: {} });
  await call('POST', '/v1/databases', { name: 'prospects' });
  const behind = await call('POST', '/v1/database/2/callbacks', { url: `${receiver.url}/ok` });
  await call('POST', '/v1/database/2/profiles', { fields: {} });
  const claimed = await h.store.claimDueDeliveries(100, 60_000, 1);
  expect(claimed.map((due) => due.callback.id).sort((a, b) => a - b)).toEqual([Number(healthy.ID), Number(behind.ID)]);

  const queries = [...(h.store as KyselyStore).compiledQueries()].sort(([a], [b]) => a.localeCompare(b));
  const text = queries.map(([key, sql]) => `-- ${key}\n${sql.replace(/\s+/g, ' ').trim()};\n`).join('\n');
  await expect(`-- The hot queries of the ${h.store.dialect} store, as compiled by Kysely (src/db/queries.test.ts writes this file).\n\n${text}`).toMatchFileSnapshot(
    `./queries/${h.store.dialect}.sql`,
  );
}, 60_000);
