// node bench/floors.ts: the work two cases cannot do without, measured in-process on the server core
// (CPU time per operation, process.cpuUsage, 3 rounds of 3,000), next to what Tidings' store spends on
// the same operation. BENCHMARKS.md ("What the bounds say") reads these figures against the targets.
//
//   api-create: checking a new condition in the sandbox (every create sends a new one), and the
//               insert transaction (the database and its count, the count, the callback, its secret)
//               as Tidings' store runs it and as the same statements run straight on node:sqlite
//   delivery:   a profile update that queues a delivery, alone (as when messages arrive one by one),
//               through the store and as the same statements on node:sqlite; and the store again with
//               the process sleeping a millisecond between two updates
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../packages/server/src/clock.ts';
import { createExpressionSandbox } from '../packages/server/src/expression/sandbox.ts';
import { SQLITE_FILE } from '../packages/server/src/db/sqlite/connection.ts';
import { openSqliteStore } from '../packages/server/src/db/sqlite/index.ts';
import { median } from './lib/stats.ts';

const operations = 3_000;
const rounds = 3;

// pinned like the servers the harness measures, when taskset is there
const pinned = spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { encoding: 'utf8' }).status === 0;

/** CPU µs per operation of `run` (called with 0 … count-1), for each round. */
async function measure(label: string, run: (index: number) => unknown): Promise<void> {
  const figures: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const before = process.cpuUsage();
    for (let index = 0; index < operations; index++) await run(round * operations + index);
    const used = process.cpuUsage(before);
    figures.push((used.user + used.system) / operations);
  }
  console.log(`${label.padEnd(72)} ${figures.map((value) => value.toFixed(0).padStart(4)).join(' ')}  (median ${median(figures).toFixed(0)}) µs CPU`);
}

const directory = mkdtempSync(join(tmpdir(), 'tidings-floors-'));
try {
  console.log(`bench floors: ${operations} operations a round, ${rounds} rounds, CPU µs per operation${pinned ? ', on core 0' : ''}\n`);

  const sandbox = createExpressionSandbox();
  await sandbox.check("company == 'Apple' && city != 'City warm-up'");
  await measure('api-create: sandbox.check of a new condition', async (index) => {
    const result = await sandbox.check(`company == 'Apple' && city != 'City ${index}'`);
    if (!result.ok) throw new Error(result.message);
  });
  await sandbox.close();

  // the server's store, with its checkpoints in a thread of their own as in the server
  const store = await openSqliteStore(directory, systemClock, { backgroundCheckpoints: true });
  const account = await store.createAccount('floors');
  if (account === null) throw new Error('no account');
  const databaseId = Number((await store.createDatabase(account.id, { name: 'floors' })).ID);
  const secret = `whsec_${'x'.repeat(40)}`;
  await measure('api-create: store.createDatabaseCallback', async (index) => {
    const created = await store.createDatabaseCallback(
      account.id,
      databaseId,
      { url: 'http://127.0.0.1:9/hooks/created', expression: `n == '${index}'`, action: 'delete', secret },
      1_000_000,
    );
    if (created === null || 'limitReached' in created) throw new Error('not created');
  });
  // another database, with one callback that listens to updates: each update below queues one delivery
  const updatedId = Number((await store.createDatabase(account.id, { name: 'updated' })).ID);
  const listening = await store.createDatabaseCallback(account.id, updatedId, { url: 'http://127.0.0.1:9/hook', action: 'update', secret }, 1_000_000);
  if (listening === null || 'limitReached' in listening) throw new Error('not created');
  const profile = await store.createProfile(account.id, updatedId, {
    fields: { n: '0', firstname: 'Johanna', lastname: 'van der Berg', email: 'johanna@example.com', company: 'Apple', city: 'Amsterdam' },
  });
  if (profile === null) throw new Error('no profile');
  const profileId = Number(profile.ID);
  await measure('delivery: store.updateProfile, one at a time', (index) => store.updateProfile(account.id, profileId, { fields: { n: String(index) } }));
  await measure('delivery: store.updateProfile, the process asleep 1 ms between two', async (index) => {
    await store.updateProfile(account.id, profileId, { fields: { n: `slept ${index}` } });
    await sleep(1);
  });
  await store.close();

  // the same statements on node:sqlite directly, against the same file, with the server's page cache and
  // durability; its WAL checkpoints run inline every 1,000 pages (SQLite's default), where the server's
  // run in a thread of their own: if anything, that makes these figures the higher ones
  const db = new DatabaseSync(join(directory, SQLITE_FILE));
  db.exec('PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY');
  const count = db.prepare('SELECT callback_count FROM databases WHERE id = ? AND account_id = ?');
  const bump = db.prepare('UPDATE databases SET callback_count = callback_count + 1 WHERE id = ?');
  const insertCallback = db.prepare(
    'INSERT INTO callbacks (account_id, database_id, collection_id, url, expression, action, method, ordering, disabled, disabled_reason, version, failing_since, created, modified) ' +
      "VALUES (?, ?, NULL, 'http://127.0.0.1:9/hooks/created', ?, 'delete', 'json', 'none', 0, NULL, 1, NULL, ?, ?) RETURNING *",
  );
  const insertSecret = db.prepare('INSERT INTO callback_secrets (callback_id, secret, expires_at) VALUES (?, ?, NULL)');
  await measure('api-create: the same statements on node:sqlite', (index) => {
    db.exec('BEGIN IMMEDIATE');
    count.get(databaseId, account.id);
    bump.run(databaseId);
    const stamp = new Date().toISOString();
    const row = insertCallback.get(account.id, databaseId, `n == '${index}'`, stamp, stamp) as { id: number };
    insertSecret.run(row.id, secret);
    db.exec('COMMIT');
  });
  const readProfile = db.prepare('SELECT * FROM profiles WHERE id = ? AND account_id = ?');
  const updateProfile = db.prepare('UPDATE profiles SET fields = ?, interests = ?, modified = ? WHERE id = ? RETURNING *');
  const targets = db.prepare(
    "SELECT id, ordering FROM callbacks WHERE database_id = ? AND disabled = 0 AND (action = 'all' OR action = ?) AND collection_id IS NULL",
  );
  const insertEvent = db.prepare('INSERT INTO events (account_id, database_id, payload, created_at) VALUES (?, ?, ?, ?) RETURNING id');
  const insertDelivery = db.prepare(
    'INSERT INTO deliveries (account_id, callback_id, event_id, event_key, webhook_id, ordering_key, status, attempts, retry_base, next_attempt_at, created, modified, created_at) ' +
      "VALUES (?, ?, ?, ?, ?, NULL, 'pending', 0, 0, ?, ?, ?, ?)",
  );
  // the message Tidings stored for the last update, as the payload of every event below
  const stored = db.prepare('SELECT payload FROM events ORDER BY id DESC LIMIT 1').get() as { payload: string };
  const message = JSON.parse(stored.payload) as Record<string, unknown>;
  await measure('delivery: the same statements on node:sqlite, one at a time', (index) => {
    db.exec('BEGIN IMMEDIATE');
    const before = readProfile.get(profileId, account.id) as { fields: string };
    const fields = { ...(JSON.parse(before.fields) as Record<string, string>), n: `raw ${index}` };
    const now = Date.now();
    const stamp = new Date(now).toISOString();
    updateProfile.get(JSON.stringify(fields), '[]', stamp, profileId);
    const payload = JSON.stringify({ ...message, id: `evt_${index}`, fields });
    const callbacks = targets.all(updatedId, 'update') as Array<{ id: number }>;
    const event = insertEvent.get(account.id, updatedId, payload, now) as { id: number };
    for (const callback of callbacks) insertDelivery.run(account.id, callback.id, event.id, `evt_${index}`, `msg_${index}`, now, stamp, stamp, now);
    db.exec('COMMIT');
  });
  db.close();
} finally {
  rmSync(directory, { recursive: true, force: true });
}
