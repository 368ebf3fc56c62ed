// The graphile-worker peer: `node graphile.ts api` is the endpoint (Hono on @hono/node-server) that
// updates a profile and adds one job per matching callback in the same PostgreSQL transaction;
// `node graphile.ts worker` runs graphile-worker, which signs and POSTs each job (message.ts).
// Environment: DATABASE_URL; PEER_SINK_URL and PEER_PROFILES (api: the schema and seed, when the
// tables are new); PEER_CONCURRENCY, PEER_LOCAL_QUEUE and PEER_COMPLETE_DELAY (worker: what sweep.ts
// varies). README.md says how its options were chosen.
import { serve } from '@hono/node-server';
import { Logger, run } from 'graphile-worker';
import { Hono } from 'hono';
import pg from 'pg';
import { bearerToken, deliver, jobsFor, newSecret, requiredEnv, seedProfile, type DeliveryJob, type Fields } from './message.ts';

const databaseUrl = requiredEnv('DATABASE_URL');
const role = process.argv[2];

const schema = `
create table if not exists profiles (
  id bigserial primary key,
  database_id int not null,
  fields jsonb not null,
  created timestamptz not null default now(),
  modified timestamptz not null default now()
);
create table if not exists callbacks (
  id bigserial primary key,
  database_id int not null,
  url text not null,
  secret text not null,
  action text not null
);
create index if not exists callbacks_by_database on callbacks (database_id, action);
`;

async function seed(pool: pg.Pool): Promise<void> {
  await pool.query(schema);
  const { rows } = await pool.query<{ count: string }>('select count(*) from profiles');
  if (Number(rows[0]?.count) > 0) return;
  const profiles = Number(requiredEnv('PEER_PROFILES'));
  await pool.query('insert into callbacks (database_id, url, secret, action) values (1, $1, $2, $3)', [
    requiredEnv('PEER_SINK_URL'),
    newSecret(),
    'update',
  ]);
  for (let index = 0; index < profiles; index++) {
    await pool.query('insert into profiles (database_id, fields) values (1, $1)', [JSON.stringify(seedProfile(index))]);
  }
}

// One round trip locks, merges and returns the row before and after, with the callbacks it triggers.
const updateProfile = `
with old as (select id, fields from profiles where id = $1 for update),
changed as (
  update profiles p set fields = old.fields || $2::jsonb, modified = now()
  from old where p.id = old.id
  returning p.id, p.database_id, p.fields, old.fields as before, p.created, p.modified
)
select changed.*, coalesce((
  select json_agg(json_build_object('id', c.id, 'url', c.url))
  from callbacks c where c.database_id = changed.database_id and c.action = 'update'
), '[]') as callbacks
from changed`;

const addJobs = `
select count(*) from graphile_worker.add_jobs(array(
  select row('deliver', job, null, null, 25, null, null, null)::graphile_worker.job_spec
  from json_array_elements($1::json) job
))`;

interface ChangedRow {
  id: string;
  database_id: number;
  fields: Fields;
  before: Fields;
  created: Date;
  modified: Date;
  callbacks: Array<{ id: number; url: string }>;
}

async function api(): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 32 });
  await seed(pool);
  const app = new Hono();
  app.put('/v1/profile/:id', async (c) => {
    if (c.req.header('authorization') !== `Bearer ${bearerToken}`) return c.json({ error: 'unauthorized' }, 401);
    const id = Number(c.req.param('id'));
    const input = (await c.req.json()) as { fields?: Fields };
    if (!Number.isSafeInteger(id) || typeof input.fields !== 'object' || input.fields === null) {
      return c.json({ error: 'bad request' }, 400);
    }
    const client = await pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<ChangedRow>({ name: 'update-profile', text: updateProfile, values: [id, JSON.stringify(input.fields)] });
      const row = rows[0];
      if (!row) {
        await client.query('rollback');
        return c.json({ error: 'not found' }, 404);
      }
      const jobs = jobsFor(row.callbacks, {
        database: row.database_id,
        profile: Number(row.id),
        created: row.created.toISOString(),
        modified: row.modified.toISOString(),
        fields: row.fields,
        before: row.before,
      });
      if (jobs.length > 0) await client.query({ name: 'add-jobs', text: addJobs, values: [JSON.stringify(jobs)] });
      await client.query('commit');
      return c.json({ ID: row.id, fields: row.fields, created: row.created, modified: row.modified });
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  });
  serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    console.log(`listening on http://127.0.0.1:${info.port}`);
  });
}

async function worker(): Promise<void> {
  const concurrency = Number(process.env.PEER_CONCURRENCY ?? 32);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: concurrency + 4 });
  const secrets = new Map<number, string>();
  const secretOf = async (callbackId: number): Promise<string> => {
    let secret = secrets.get(callbackId);
    if (secret === undefined) {
      const { rows } = await pool.query<{ secret: string }>('select secret from callbacks where id = $1', [callbackId]);
      if (!rows[0]) throw new Error(`callback ${callbackId} is gone`);
      secret = rows[0].secret;
      secrets.set(callbackId, secret);
    }
    return secret;
  };
  const runner = await run({
    pgPool: pool,
    concurrency,
    noHandleSignals: false,
    pollInterval: 2000,
    preset: {
      worker: {
        // fetch and lock a batch of jobs at once, and mark finished jobs complete in batches
        localQueue: { size: Number(process.env.PEER_LOCAL_QUEUE ?? concurrency * 2) },
        completeJobBatchDelay: Number(process.env.PEER_COMPLETE_DELAY ?? 0),
        failJobBatchDelay: Number(process.env.PEER_COMPLETE_DELAY ?? 0),
        preparedStatements: true,
      },
    },
    taskList: {
      deliver: async (payload) => {
        const job = payload as DeliveryJob;
        await deliver(job, await secretOf(job.callbackId));
      },
    },
    // warnings and errors only: the default logs a line per finished job, which no team keeps at this volume
    logger: new Logger(() => (level, message) => {
      if (level === 'error' || level === 'warning') console.error(message);
    }),
  });
  console.log('worker ready');
  await runner.promise;
}

if (role === 'api') await api();
else if (role === 'worker') await worker();
else throw new Error('usage: node graphile.ts api|worker');
