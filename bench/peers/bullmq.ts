// The BullMQ peer: `node bullmq.ts api` is the endpoint (Hono on @hono/node-server) that commits a
// profile update to SQLite and then adds one job per matching callback to a BullMQ queue in Redis,
// as teams do; `node bullmq.ts worker` runs a BullMQ Worker that signs and POSTs each job (message.ts).
// The two writes are not atomic: a crash after the SQLite commit and before Redis acknowledges
// addBulk loses those messages, and Redis (appendfsync everysec) may lose the last second of
// acknowledged jobs if the machine goes down. Environment: PEER_SQLITE (the database file),
// REDIS_PORT, PEER_SINK_URL and PEER_PROFILES (api: the seed, when the file is new),
// PEER_CONCURRENCY (worker). README.md says how its options were chosen.
import { serve } from '@hono/node-server';
import { Queue, Worker } from 'bullmq';
import { Hono } from 'hono';
import { Redis } from 'ioredis';
import { DatabaseSync } from 'node:sqlite';
import { bearerToken, deliver, jobsFor, newSecret, requiredEnv, seedProfile, type DeliveryJob, type Fields, type ProfileChange } from './message.ts';

const role = process.argv[2];
// BullMQ needs maxRetriesPerRequest null for its blocking commands; it duplicates the client where it blocks
const redis = () => new Redis({ host: '127.0.0.1', port: Number(requiredEnv('REDIS_PORT')), maxRetriesPerRequest: null });
const queueName = 'webhooks';

function open(): DatabaseSync {
  const db = new DatabaseSync(requiredEnv('PEER_SQLITE'));
  // the settings Tidings' embedded store uses too
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec(`
    create table if not exists profiles (
      id integer primary key, database_id integer not null, fields text not null, created text not null, modified text not null);
    create table if not exists callbacks (
      id integer primary key, database_id integer not null, url text not null, secret text not null, action text not null);
    create index if not exists callbacks_by_database on callbacks (database_id, action);
  `);
  return db;
}

function seed(db: DatabaseSync): void {
  const count = db.prepare('select count(*) as count from profiles').get() as { count: number };
  if (count.count > 0) return;
  const now = new Date().toISOString();
  db.prepare('insert into callbacks (database_id, url, secret, action) values (1, ?, ?, ?)').run(requiredEnv('PEER_SINK_URL'), newSecret(), 'update');
  const insert = db.prepare('insert into profiles (database_id, fields, created, modified) values (1, ?, ?, ?)');
  const profiles = Number(requiredEnv('PEER_PROFILES'));
  for (let index = 0; index < profiles; index++) insert.run(JSON.stringify(seedProfile(index)), now, now);
}

async function api(): Promise<void> {
  const db = open();
  seed(db);
  const read = db.prepare('select id, database_id, fields, created from profiles where id = ?');
  const write = db.prepare('update profiles set fields = ?, modified = ? where id = ?');
  const matching = db.prepare("select id, url from callbacks where database_id = ? and action = 'update'");
  const queue = new Queue<DeliveryJob>(queueName, {
    connection: redis(),
    defaultJobOptions: {
      attempts: 25,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: true,
      removeOnFail: 10_000,
    },
  });
  const app = new Hono();
  app.put('/v1/profile/:id', async (c) => {
    if (c.req.header('authorization') !== `Bearer ${bearerToken}`) return c.json({ error: 'unauthorized' }, 401);
    const id = Number(c.req.param('id'));
    const input = (await c.req.json()) as { fields?: Fields };
    if (!Number.isSafeInteger(id) || typeof input.fields !== 'object' || input.fields === null) {
      return c.json({ error: 'bad request' }, 400);
    }
    // synchronous node:sqlite: nothing else runs between the read and the write
    db.exec('begin immediate');
    let change: ProfileChange;
    let callbacks: Array<{ id: number; url: string }>;
    try {
      const row = read.get(id) as { id: number; database_id: number; fields: string; created: string } | undefined;
      if (!row) {
        db.exec('rollback');
        return c.json({ error: 'not found' }, 404);
      }
      const before = JSON.parse(row.fields) as Fields;
      const fields = { ...before, ...input.fields };
      const modified = new Date().toISOString();
      write.run(JSON.stringify(fields), modified, id);
      callbacks = matching.all(row.database_id) as Array<{ id: number; url: string }>;
      db.exec('commit');
      change = { database: row.database_id, profile: row.id, created: row.created, modified, fields, before };
    } catch (error) {
      if (db.isTransaction) db.exec('rollback');
      throw error;
    }
    // the profile is committed; until Redis acknowledges the jobs, a crash loses these messages
    const jobs = jobsFor(callbacks, change);
    if (jobs.length > 0) await queue.addBulk(jobs.map((job) => ({ name: 'deliver', data: job })));
    return c.json({ ID: String(change.profile), fields: change.fields, created: change.created, modified: change.modified });
  });
  serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    console.log(`listening on http://127.0.0.1:${info.port}`);
  });
}

async function worker(): Promise<void> {
  const db = open();
  const secretOf = db.prepare('select secret from callbacks where id = ?');
  const secrets = new Map<number, string>();
  const worker = new Worker<DeliveryJob>(
    queueName,
    async (job) => {
      let secret = secrets.get(job.data.callbackId);
      if (secret === undefined) {
        const row = secretOf.get(job.data.callbackId) as { secret: string } | undefined;
        if (!row) throw new Error(`callback ${job.data.callbackId} is gone`);
        secret = row.secret;
        secrets.set(job.data.callbackId, secret);
      }
      await deliver(job.data, secret);
    },
    { connection: redis(), concurrency: Number(process.env.PEER_CONCURRENCY ?? 32) },
  );
  worker.on('error', (error) => console.error(error));
  await worker.waitUntilReady();
  console.log('worker ready');
  const stop = () => void worker.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (role === 'api') await api();
else if (role === 'worker') await worker();
else throw new Error('usage: node bullmq.ts api|worker');
