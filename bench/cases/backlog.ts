// backlog: a healthy callback's delivery rate on a store that carries a large history and another
// callback's backlog (many finished deliveries, and many pending ones to a receiver that refuses
// connections), against the same case on a clean store, in the same run. On both stores.
//
// The loaded store is set up through the API (the callbacks, the profiles), then filled with bulk SQL
// while Tidings is stopped, then Tidings starts again on it: so its worker meets the refusing
// callback's deliveries due at once, as after an outage. While one side is measured the other is
// paused (SIGSTOP), with its PostgreSQL cluster: the loaded side keeps working through its backlog
// whenever it runs, and that work must not be charged to the clean side's run.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { SQLITE_FILE } from '../../packages/server/src/db/sqlite/connection.ts';
import { PartialFailure, type BenchContext } from '../lib/context.ts';
import { childPids, processTreeCpuSeconds } from '../lib/proc.ts';
import { costRatio, rateRatio, row, statusRow, type CaseRow } from '../lib/report.ts';
import { median } from '../lib/stats.ts';
import { createDeliveryRig, deliverThroughTidings, type ClosedLoopDelivery, type DeliveryRig } from './delivery.ts';
import { startCluster, type Cluster } from './postgres.ts';

/** the target: the loaded store's rate at least this fraction of the clean store's */
const allowedRatio = 0.8;

interface Fill {
  finished: number;
  pending: number;
}

/**
 * How long one run may take: behind a backlog due earlier than they are, the healthy callback's
 * messages can wait for much of it, which is what this case measures, not a lost message.
 */
function runTimeoutMs(context: BenchContext): number {
  return context.settings.quick ? 180_000 : 900_000;
}

/**
 * Messages per run: about deliveryRunSeconds at the slower side's rate. Fewer than the delivery cases'
 * floor, which is there for the raw loop's clock ticks: here both sides are Tidings, hundreds of
 * ticks even for a few hundred messages.
 */
function messagesForBacklog(context: BenchContext, rate: number): number {
  const { deliveryRunSeconds, deliveryMessages, quick } = context.settings;
  return Math.min(deliveryMessages, Math.max(quick ? 300 : 500, Math.round((rate * deliveryRunSeconds) / 100) * 100));
}

function fillFor(context: BenchContext): Fill {
  return context.settings.quick ? { finished: 20_000, pending: 5_000 } : { finished: 1_000_000, pending: 100_000 };
}

/** A loopback port nothing listens on: the refusing receiver. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Refusing {
  accountId: number;
  databaseId: number;
  profileId: number;
  callbackId: number;
}

function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not an integer: ${value}`);
  return String(value);
}

/**
 * The fill as SQL for one dialect, every number written in: events 1…total (a message as the worker
 * sends it), a delivery of the refusing callback for each, the first `finished` of them succeeded
 * (spread over the last days, each with its attempt) and the rest pending and due `now`. Rows get ids
 * after the largest in use (`base`), so the statements need no ids back.
 */
function fillStatements(dialect: 'sqlite' | 'postgres', target: Refusing, fill: Fill, now: number, base: Record<string, number>): string[] {
  const total = integer(fill.finished + fill.pending);
  const finished = integer(fill.finished);
  const sqlite = dialect === 'sqlite';
  const series = sqlite
    ? `(WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${total}) SELECT n FROM seq)`
    : `(SELECT n FROM generate_series(1, ${total}) AS n)`;
  // finished rows one every 500 ms back from now, well inside the retention time
  const rows = `(SELECT n, CASE WHEN n <= ${finished} THEN ${integer(now)} - (${finished} - n) * 500 ELSE ${integer(now)} END AS at FROM ${series} AS s) AS r`;
  const padded = (expression: string) => (sqlite ? `printf('%011d', ${expression})` : `lpad((${expression})::text, 11, '0')`);
  const stamp = (ms: string) =>
    sqlite ? `strftime('%Y-%m-%d %H:%M:%S', ${ms} / 1000, 'unixepoch')` : `to_char(to_timestamp(${ms} / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')`;
  const concat = (...parts: string[]) => parts.join(' || ');
  const text = (value: string) => `'${value.replaceAll("'", "''")}'`;
  const payload = concat(
    text('{"id":"evt_bench'),
    padded('n'),
    text('","type":"profile","action":"update","timestamp":"'),
    stamp('at'),
    text('","time":'),
    sqlite ? 'at / 1000' : '(at / 1000)::text',
    text(`,"database":"${target.databaseId}","collection":null,"profile":"${target.profileId}","subprofile":null,"created":"`),
    stamp('at'),
    text('","modified":"'),
    stamp('at'),
    text('","fields":{"n":"'),
    sqlite ? 'n' : 'n::text',
    text('","firstname":"Johanna","lastname":"van der Berg","email":"johanna@example.com","company":"Apple","city":"Amsterdam"},"previous":{"n":"'),
    sqlite ? '(n - 1)' : '(n - 1)::text',
    text('"},"interests":[]}'),
  );
  const done = `n <= ${finished}`;
  const statements = [
    `INSERT INTO events (id, account_id, database_id, payload, created_at)
       SELECT ${integer(base.events as number)} + n, ${integer(target.accountId)}, ${integer(target.databaseId)}, ${payload}, at FROM ${rows} ORDER BY n`,
    `INSERT INTO deliveries (id, account_id, callback_id, event_id, event_key, webhook_id, ordering_key, status, attempts, retry_base,
                             next_attempt_at, lease_until, last_status_code, created, modified, created_at)
       SELECT ${integer(base.deliveries as number)} + n, ${integer(target.accountId)}, ${integer(target.callbackId)}, ${integer(base.events as number)} + n,
              ${concat(text('evt_bench'), padded('n'))}, ${concat(text('msg_bench'), padded('n'))}, NULL,
              CASE WHEN ${done} THEN 'succeeded' ELSE 'pending' END, CASE WHEN ${done} THEN 1 ELSE 0 END, 0,
              CASE WHEN ${done} THEN NULL ELSE at END, NULL, CASE WHEN ${done} THEN 200 ELSE NULL END,
              ${stamp('at')}, ${stamp('at')}, at
       FROM ${rows} ORDER BY n`,
    `INSERT INTO delivery_attempts (id, delivery_id, time, status_code, duration_ms, error, response)
       SELECT ${integer(base.delivery_attempts as number)} + n, ${integer(base.deliveries as number)} + n, ${stamp('at')}, 200, 3, NULL, NULL
       FROM ${rows} WHERE ${done} ORDER BY n`,
  ];
  if (!sqlite) {
    // explicit ids leave the identity sequences behind; a store grown by Tidings has them past its rows
    for (const table of ['events', 'deliveries', 'delivery_attempts']) {
      statements.push(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`);
    }
  }
  return statements;
}

const grouped = (value: number) => value.toLocaleString('en-US');

const filledTables = ['events', 'deliveries', 'delivery_attempts'] as const;

async function fillSqlite(dataDirectory: string, refusing: Omit<Refusing, 'accountId'>, fill: Fill): Promise<void> {
  const db = new DatabaseSync(join(dataDirectory, SQLITE_FILE));
  try {
    const accountId = (db.prepare('SELECT account_id FROM callbacks WHERE id = ?').get(refusing.callbackId) as { account_id: number }).account_id;
    const base: Record<string, number> = {};
    for (const table of filledTables) base[table] = Number((db.prepare(`SELECT coalesce(max(id), 0) AS id FROM ${table}`).get() as { id: number }).id);
    db.exec('BEGIN');
    for (const statement of fillStatements('sqlite', { ...refusing, accountId }, fill, Date.now(), base)) db.exec(statement);
    db.exec('COMMIT');
  } finally {
    db.close();
  }
}

async function fillPostgres(url: string, refusing: Omit<Refusing, 'accountId'>, fill: Fill): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: 'bench backlog fill' });
  await client.connect();
  try {
    const account = await client.query<{ account_id: string }>('SELECT account_id FROM callbacks WHERE id = $1', [refusing.callbackId]);
    const accountId = Number(account.rows[0]?.account_id);
    const base: Record<string, number> = {};
    for (const table of filledTables) {
      base[table] = Number((await client.query<{ id: string }>(`SELECT coalesce(max(id), 0) AS id FROM ${table}`)).rows[0]?.id);
    }
    await client.query('BEGIN');
    for (const statement of fillStatements('postgres', { ...refusing, accountId }, fill, Date.now(), base)) await client.query(statement);
    await client.query('COMMIT');
    // what autovacuum would have done to tables that grew this much: statistics, and no vacuum to come
    // in the middle of a measured run
    await client.query(`VACUUM (ANALYZE) ${filledTables.join(', ')}`);
  } finally {
    await client.end();
  }
}

/**
 * The refusing callback's breaker trips so far and, on PostgreSQL, the dead row versions in deliveries
 * (as the statistics collector last counted them; null on SQLite, which updates rows in place).
 */
async function breakerOf(store: Store, callbackId: number): Promise<{ trips: number; deadRows: number | null }> {
  if ('dataDirectory' in store) {
    const db = new DatabaseSync(join(store.dataDirectory, SQLITE_FILE), { readOnly: true });
    try {
      const row = db.prepare('SELECT breaker_trips FROM callbacks WHERE id = ?').get(callbackId) as { breaker_trips: number } | undefined;
      return { trips: Number(row?.breaker_trips ?? 0), deadRows: null };
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: store.cluster.url, application_name: 'bench backlog state' });
  await client.connect();
  try {
    const trips = await client.query<{ breaker_trips: number }>('SELECT breaker_trips FROM callbacks WHERE id = $1', [callbackId]);
    const dead = await client.query<{ n_dead_tup: string }>("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'deliveries'");
    return { trips: Number(trips.rows[0]?.breaker_trips ?? 0), deadRows: Number(dead.rows[0]?.n_dead_tup ?? 0) };
  } finally {
    await client.end();
  }
}

/** the loaded or the clean side's store: a data directory, or a PostgreSQL cluster of its own */
type Store = { dataDirectory: string } | { cluster: Cluster };

interface Side {
  rig: DeliveryRig;
  /** the refusing callback's ID in the API */
  refusingId: string;
  /** the processes SIGSTOP pauses: Tidings, and its PostgreSQL cluster */
  pids(): number[];
}

function signal(pids: number[], name: 'SIGSTOP' | 'SIGCONT'): void {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // gone already
    }
  }
}

/** Runs `work` with the other side paused. */
async function alone<T>(other: Side, work: () => Promise<T>): Promise<T> {
  const paused = other.pids();
  signal(paused, 'SIGSTOP');
  try {
    return await work();
  } finally {
    signal([...paused].reverse(), 'SIGCONT');
  }
}

async function makeSide(
  context: BenchContext,
  label: string,
  fill: Fill | null,
  store: Store,
): Promise<Side> {
  const cluster = 'cluster' in store ? store.cluster : null;
  const rig = await createDeliveryRig(context, {
    name: `tidings (backlog, ${label})`,
    ...('cluster' in store
      ? { databaseUrl: store.cluster.url, extraCpuSeconds: () => processTreeCpuSeconds(store.cluster.postmasterPid) }
      : { dataDirectory: store.dataDirectory }),
  });
  try {
    // the refusing callback in a database of its own: the measured updates do not queue messages for it
    const { api } = rig.tidings;
    const databaseId = await api.createDatabase('bench backlog');
    const profileId = await api.createProfile(databaseId, { n: '0', firstname: 'Johanna', company: 'Apple' });
    const refusingUrl = `http://127.0.0.1:${await closedPort()}/hook`;
    const refusingId = await api.createCallback(databaseId, { url: refusingUrl, action: 'update' });
    if (fill !== null) {
      const refusing = { databaseId: Number(databaseId), profileId: Number(profileId), callbackId: Number(refusingId) };
      const started = Date.now();
      await rig.restart(() =>
        'cluster' in store ? fillPostgres(store.cluster.url, refusing, fill) : fillSqlite(store.dataDirectory, refusing, fill),
      );
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      context.log(`backlog (${label}): ${fill.finished} finished and ${fill.pending} pending deliveries written in ${seconds} s (Tidings restarted)`);
    }
    return {
      rig,
      refusingId,
      pids: () => [rig.tidings.process.pid, ...(cluster ? [cluster.postmasterPid, ...childPids(cluster.postmasterPid)] : [])],
    };
  } catch (error) {
    await rig.stop();
    throw error;
  }
}

async function measureStore(context: BenchContext, store: 'embedded' | 'postgres'): Promise<CaseRow[]> {
  const { settings } = context;
  const fill = fillFor(context);
  const prefix = store === 'embedded' ? 'backlog' : 'backlog postgres';
  const cleanup: Array<() => Promise<void> | void> = [];
  try {
    const storeFor = (): Store => {
      if (store === 'postgres') {
        const cluster = startCluster();
        cleanup.push(() => cluster.stop());
        return { cluster };
      }
      const dataDirectory = mkdtempSync(join(tmpdir(), 'tidings-bench-backlog-'));
      cleanup.push(() => rmSync(dataDirectory, { recursive: true, force: true }));
      return { dataDirectory };
    };
    let cleanStore: Store;
    let loadedStore: Store;
    try {
      cleanStore = storeFor();
      loadedStore = storeFor();
    } catch (error) {
      return [statusRow(prefix, `skipped: no PostgreSQL cluster (${((error as Error).message ?? String(error)).split('\n')[0]})`)];
    }
    const clean = await makeSide(context, `${store}, clean`, null, cleanStore);
    cleanup.push(() => clean.rig.stop());
    const loaded = await makeSide(context, `${store}, loaded`, fill, loadedStore);
    cleanup.push(() => loaded.rig.stop());

    context.log(`${prefix}: warm-up`);
    const run = (side: Side, other: Side, count: number) =>
      alone(other, () => deliverThroughTidings(context, side.rig, count, runTimeoutMs(context)));
    const cleanWarmup = await run(clean, loaded, settings.deliveryWarmupMessages);
    // a fifth of the usual warm-up: behind its backlog the loaded side may deliver only tens a second,
    // and its restarted process warms up on the backlog's attempts too
    const loadedWarmup = await run(loaded, clean, Math.round(settings.deliveryWarmupMessages / 5));
    const count = messagesForBacklog(context, Math.min(cleanWarmup.messagesPerSecond, loadedWarmup.messagesPerSecond));
    const neverAttempted = () => loaded.rig.tidings.api.deliveryCount(loaded.refusingId, 'pending');
    const pendingBefore = await neverAttempted();
    const breakerBefore = await breakerOf(loadedStore, Number(loaded.refusingId));
    const rounds: Array<{ clean: ClosedLoopDelivery; loaded: ClosedLoopDelivery }> = [];
    for (let round = 1; round <= settings.rounds; round++) {
      const measured = {
        clean: await run(clean, loaded, count),
        loaded: await run(loaded, clean, count),
      };
      rounds.push(measured);
      context.log(
        `${prefix}: round ${round}, ${count} messages: clean ${Math.round(measured.clean.messagesPerSecond)} msg/s ` +
          `(${measured.clean.cpuMicrosPerMessage.toFixed(0)} µs CPU/msg), loaded ${Math.round(measured.loaded.messagesPerSecond)} msg/s ` +
          `(${measured.loaded.cpuMicrosPerMessage.toFixed(0)} µs CPU/msg)`,
      );
    }
    const pendingAfter = await neverAttempted();
    const breakerAfter = await breakerOf(loadedStore, Number(loaded.refusingId));
    const pick = (select: (run: ClosedLoopDelivery) => number) => ({
      clean: median(rounds.map((entry) => select(entry.clean))),
      loaded: median(rounds.map((entry) => select(entry.loaded))),
    });
    const rate = pick((run) => run.messagesPerSecond);
    const cpu = pick((run) => run.cpuMicrosPerMessage);
    const ratio = rateRatio(rate.clean, rate.loaded);
    return [
      row({
        name: prefix,
        baseline: rate.clean,
        service: rate.loaded,
        ratio,
        unit: 'messages/s',
        target: `≥ ${allowedRatio.toFixed(2)}`,
        met: ratio >= allowedRatio,
      }),
      // the loaded side's CPU includes the attempts at the refusing callback's backlog made meanwhile
      row({
        name: `${prefix} CPU`,
        baseline: cpu.clean,
        service: cpu.loaded,
        ratio: costRatio(cpu.clean, cpu.loaded),
        unit: 'µs CPU/message',
      }),
      // whether the backlog was still there while the loaded side was measured
      row({
        name: `${prefix}: of the refusing callback's ${grouped(fill.pending)} pending (${grouped(fill.finished)} finished), never attempted before and after the loaded runs`,
        baseline: pendingBefore,
        service: pendingAfter,
        ratio: null,
        unit: 'deliveries',
      }),
      // each trip of the circuit breaker moves the backlog's due deliveries to the pause's end (queue/throttle.ts)
      row({
        name: `${prefix}: the refusing callback's circuit breaker trips, before and after the loaded runs`,
        baseline: breakerBefore.trips,
        service: breakerAfter.trips,
        ratio: null,
        unit: 'trips',
      }),
      // on PostgreSQL a moved row leaves a dead version, and its entry in the due index, until a vacuum
      ...(breakerAfter.deadRows === null
        ? []
        : [
            row({
              name: `${prefix}: dead row versions in deliveries (not yet vacuumed), before and after the loaded runs`,
              baseline: breakerBefore.deadRows,
              service: breakerAfter.deadRows,
              ratio: null,
              unit: 'rows',
            }),
          ]),
    ];
  } finally {
    for (const step of cleanup.reverse()) await step();
  }
}

export async function runBacklog(context: BenchContext): Promise<CaseRow[]> {
  const rows: CaseRow[] = [];
  const failures: string[] = [];
  // one store failing does not take the other's figures with it
  for (const store of ['embedded', 'postgres'] as const) {
    try {
      rows.push(...(await measureStore(context, store)));
    } catch (error) {
      const message = `${store}: ${((error as Error).message ?? String(error)).split('\n')[0]}`;
      context.log(`backlog failed on ${message}`);
      failures.push(message);
    }
  }
  if (failures.length > 0) throw new PartialFailure(failures.join('; '), rows);
  return rows;
}
