// A change goes to the enabled callbacks of its scope that listen to its action, found through the
// index of listening callbacks (migration 4) rather than by reading every callback of the scope; the
// disabled ones that listen keep a `missed` delivery, found through the index of those (migration 8).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../clock.ts';
import type { NewCallback } from '../../records/store.ts';
import type { KyselyStore } from '../../records/kysely-store.ts';
import { openSqliteStore } from './index.ts';

let dataDir: string;
let store: KyselyStore;
let other: DatabaseSync;
/** the SQL of every hot query the store compiled */
let compiled: string[];

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tidings-listening-'));
  compiled = [];
  store = await openSqliteStore(dataDir, systemClock, { onHotQuery: (sql) => compiled.push(sql) });
  other = new DatabaseSync(join(dataDir, 'tidings.sqlite'));
});

afterEach(async () => {
  other.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the callbacks a change goes to', () => {
  it('are the ones of its scope that listen to its action, in the order they were made; a disabled one misses it', async () => {
    const accountId = (await store.createAccount('acme'))!.id;
    const databaseId = Number((await store.createDatabase(accountId, { name: 'customers' })).ID);
    const collectionId = Number((await store.createCollection(accountId, databaseId, { name: 'orders' }))!.ID);
    const make = async (input: Partial<NewCallback>, collection = false) => {
      const full = { url: 'https://hooks.example.org/t', secret: 's'.repeat(32), ...input };
      const made = collection
        ? await store.createCollectionCallback(accountId, collectionId, full, 100)
        : await store.createDatabaseCallback(accountId, databaseId, full, 100);
      if (made === null || 'limitReached' in made) throw new Error('not created');
      return Number(made.callback.ID);
    };
    const updates = await make({ action: 'update' });
    const creates = await make({ action: 'create' });
    const all = await make({ action: 'all' });
    const disabled = await make({ action: 'update' });
    await store.updateCallback(accountId, disabled, { disabled: true });
    await make({ action: 'update' }, true);
    const later = await make({ action: 'update' });

    const profile = await store.createProfile(accountId, databaseId, { fields: { n: '1' } });
    await store.updateProfile(accountId, Number(profile!.ID), { fields: { n: '2' } });
    const queued = other
      .prepare('SELECT d.callback_id AS callback, d.status AS status, e.payload AS payload FROM deliveries d JOIN events e ON e.id = d.event_id ORDER BY d.id')
      .all() as Array<{ callback: number; status: string; payload: string }>;
    const byAction = (action: string) =>
      queued.filter((row) => (JSON.parse(row.payload) as { action: string }).action === action).map((row) => row.callback);
    expect(byAction('create')).toEqual([creates, all]);
    expect(byAction('update')).toEqual([updates, all, disabled, later]);
    expect(queued.filter((row) => row.status === 'missed').map((row) => row.callback)).toEqual([disabled]);
  });

  it('are found through the indexes of listening and of disabled callbacks, not by reading all of the scope', async () => {
    const accountId = (await store.createAccount('acme'))!.id;
    const databaseId = Number((await store.createDatabase(accountId, { name: 'customers' })).ID);
    const collectionId = Number((await store.createCollection(accountId, databaseId, { name: 'orders' }))!.ID);
    const profile = await store.createProfile(accountId, databaseId, { fields: { n: '1' } });
    await store.createSubprofile(accountId, Number(profile!.ID), collectionId, { fields: { n: '1' } });
    // the queries the store itself compiled to find a change's callbacks, at a database's level and a collection's
    const targets = compiled.filter((sql) => /^select "id", "ordering", "disabled" from "callbacks"/i.test(sql));
    expect(targets).toHaveLength(4);
    for (const sql of targets) {
      const parameters = Array.from({ length: sql.split('?').length - 1 }, () => 1);
      const plan = (other.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as Array<{ detail: string }>).map((row) => row.detail);
      expect(plan.join('; ')).toMatch(sql.includes('disabled = 0') ? /USING INDEX callbacks_listening/ : /USING INDEX callbacks_disabled/);
    }
  });
});
