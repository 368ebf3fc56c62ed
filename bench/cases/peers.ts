// peers: Tidings (embedded, and on PostgreSQL) against what a Node team would build instead
// (bench/peers/: graphile-worker on PostgreSQL, BullMQ on Redis), in the same run, through the
// same load generator and sink: delivery throughput and CPU per message, commit-to-receipt latency
// at half of each one's own maximum, and a kill -9 of the delivering process during a run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { BenchContext } from '../lib/context.ts';
import { startBullmqPeer, startGraphilePeer, startRedis, type DeliveryService, type PeerSettings, type Redis } from '../lib/peers.ts';
import type { BenchProcess } from '../lib/processes.ts';
import { processTreeCpuSeconds } from '../lib/proc.ts';
import { startTidings, type Tidings } from '../lib/tidings.ts';
import { costRatio, rateRatio, row, statusRow, type CaseRow } from '../lib/report.ts';
import { median } from '../lib/stats.ts';
import type { OpenLoopResult } from '../processes/requester.ts';
import { closedLoop, createDeliveryRig, messagesPerRun, openLoop, type ClosedLoopDelivery, type Latencies } from './delivery.ts';
import { startCluster, type Cluster } from './postgres.ts';

/** The peers' worker concurrency, the best of the sweep README.md describes (bench/peers/README.md). */
export const peerConcurrency = { graphile: 32, bullmq: 64 };

/** Tidings' lease on what a worker claimed: the delivery time-out (15 s) and 10 s more (README, Scaling out) */
const TIDINGS_LEASE_MS = 25_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function firstLine(error: unknown): string {
  return ((error as Error).message ?? String(error)).split('\n')[0] as string;
}

/**
 * Tidings as the case runs it. Embedded: one process that answers and delivers (TIDINGS_ROLE=all), so
 * its kill takes the API down too. On PostgreSQL: an `api` process and a `worker` process, deployed as
 * the peers are, so the kill takes the worker alone and the API keeps confirming updates.
 */
async function tidingsService(context: BenchContext, name: string, cluster: Cluster | null): Promise<DeliveryService> {
  const dataDirectory = mkdtempSync(join(tmpdir(), 'tidings-bench-peers-'));
  const rig = await createDeliveryRig(context, {
    name,
    dataDirectory,
    ...(cluster && { databaseUrl: cluster.url, extraCpuSeconds: () => processTreeCpuSeconds(cluster.postmasterPid), role: 'api' as const }),
  });
  const startWorker = (url: string) => startTidings({ name: `${name} worker`, dataDirectory, databaseUrl: url, role: 'worker' });
  let worker: Tidings | null = null;
  try {
    if (cluster) worker = await startWorker(cluster.url);
  } catch (error) {
    await rig.stop();
    throw error;
  }
  // a killed process's CPU time is gone from /proc: what it used is kept here
  let killedCpu = 0;
  return {
    name,
    updates: rig.updates,
    cpuSeconds: () => rig.serviceCpuSeconds() + (worker?.process.cpuSeconds() ?? 0) + killedCpu,
    async killWorker() {
      if (cluster === null || worker === null) {
        const used = rig.tidings.process.cpuSeconds();
        await rig.restart(async () => {
          killedCpu += used;
        }, 'kill');
        return;
      }
      const used = worker.process.cpuSeconds();
      await worker.process.kill();
      await worker.stop();
      killedCpu += used;
      worker = await startWorker(cluster.url);
    },
    async stop() {
      await worker?.stop();
      await rig.stop();
      rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}

/**
 * Before each measured run: a CHECKPOINT, then a wait (at most 10 s) until the cluster uses less than
 * a tenth of a core, so that what one service left behind in PostgreSQL (dirty pages, autovacuum) is
 * not counted to the next one. The run order also rotates each round.
 */
async function quiet(cluster: Cluster | null): Promise<void> {
  if (cluster === null) return;
  const client = new pg.Client({ connectionString: cluster.url });
  await client.connect();
  try {
    await client.query('checkpoint');
  } finally {
    await client.end();
  }
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const before = processTreeCpuSeconds(cluster.postmasterPid);
    await sleep(500);
    if (processTreeCpuSeconds(cluster.postmasterPid) - before < 0.05) return;
  }
}

/** The services in the order of round `round` (1-based): each round starts one further along. */
function rotated<T>(entries: readonly T[], round: number): T[] {
  const shift = (round - 1) % entries.length;
  return [...entries.slice(shift), ...entries.slice(0, shift)];
}

interface Kill {
  sent: number;
  confirmed: number;
  lost: number;
  duplicates: number;
  sameWebhookId: number;
  /** jobs the dead worker still held after the drain, where the queue keeps its locks (null: it does not) */
  held: number | null;
}

/**
 * Open loop at the service's maximum (so its worker has as many jobs in flight as it takes), kill -9 the
 * delivering process 40% into the run, start it again at once, then wait for every confirmed message.
 */
async function killRun(context: BenchContext, sink: BenchProcess, service: DeliveryService, rate: number, drainMs: number): Promise<Kill> {
  const seconds = context.settings.quick ? 2 : 10;
  const count = Math.max(1, Math.round(rate * seconds));
  const first = context.takeNumbers(count);
  await sink.call('reset');
  const loader = await context.requester('load');
  const sending = loader.call<OpenLoopResult>('open', { target: service.updates, first, rate, durationSeconds: seconds, record: 'answered' });
  await sleep(seconds * 400);
  await service.killWorker();
  if (service.heldJobs) context.log(`peers: kill -9 of ${service.name}: ${await service.heldJobs()} jobs locked just after the restart (the new worker's too)`);
  const sent = await sending;
  // confirmed: the endpoint answered 2xx, so the update (and its message) was committed; a failed
  // request's time is NaN, which arrives as null over the IPC channel's JSON
  const confirmed = sent.times.flatMap((at, index) => (typeof at === 'number' && Number.isFinite(at) ? [first + index] : []));
  const deadline = Date.now() + drainMs;
  let received = 0;
  for (;;) {
    received = await sink.call<number>('received', { numbers: confirmed });
    if (received === confirmed.length || Date.now() > deadline) break;
    await sleep(500);
  }
  const all = Array.from({ length: count }, (_, index) => first + index);
  const repeats = await sink.call<{ extra: number; sameWebhookId: number }>('duplicates', { numbers: all });
  context.log(`peers: kill -9 of ${service.name}: ${Date.now() - deadline + drainMs} ms from the end of the load to the last confirmed message or the drain's end`);
  const held = service.heldJobs ? await service.heldJobs() : null;
  return {
    sent: count,
    confirmed: confirmed.length,
    lost: confirmed.length - received,
    duplicates: repeats.extra,
    sameWebhookId: repeats.sameWebhookId,
    held,
  };
}

interface Measured {
  service: DeliveryService;
  throughput: ClosedLoopDelivery[];
  latency: Latencies[];
  /** the closed loop's median rate */
  maximum: number;
  /** half of it, for latency */
  rate: number;
  kill: Kill | null;
}

export async function runPeers(context: BenchContext): Promise<CaseRow[]> {
  const { settings } = context;
  const rows: CaseRow[] = [];
  const services: DeliveryService[] = [];
  let cluster: Cluster | null = null;
  let redis: Redis | null = null;
  try {
    const sink = await context.sink();
    const peer = (concurrency: number): PeerSettings => ({
      sinkUrl: `http://127.0.0.1:${sink.info as number}/hook`,
      profiles: settings.deliveryProfiles,
      connections: settings.deliveryConcurrency,
      concurrency,
    });
    services.push(await tidingsService(context, 'Tidings embedded', null));
    try {
      cluster = startCluster();
    } catch (error) {
      rows.push(statusRow('peers: Tidings on PostgreSQL, graphile-worker peer', `skipped: no PostgreSQL cluster (${firstLine(error)})`));
    }
    if (cluster) {
      services.push(await tidingsService(context, 'Tidings on PostgreSQL', cluster));
      services.push(await startGraphilePeer(cluster.url, cluster.postmasterPid, peer(peerConcurrency.graphile)));
    }
    try {
      redis = await startRedis();
    } catch (error) {
      rows.push(statusRow('peers: BullMQ peer', `skipped: no redis-server (${firstLine(error)})`));
    }
    if (redis) services.push(await startBullmqPeer(redis, peer(peerConcurrency.bullmq)));

    const loader = await context.requester('load');
    const closed = (service: DeliveryService, count: number) =>
      closedLoop(context, service.name, sink, loader, service.updates, count, service.cpuSeconds);
    context.log('peers: warm-up');
    const warmups = [];
    for (const service of services) warmups.push(await closed(service, settings.deliveryWarmupMessages));
    const count = messagesPerRun(context, Math.min(...warmups.map((warmup) => warmup.messagesPerSecond)));
    const measured: Measured[] = services.map((service) => ({ service, throughput: [], latency: [], maximum: 0, rate: 0, kill: null }));
    for (let round = 1; round <= settings.rounds; round++) {
      for (const entry of rotated(measured, round)) {
        await quiet(cluster);
        entry.throughput.push(await closed(entry.service, count));
      }
      context.log(
        `peers: round ${round}, ${count} messages: ` +
          measured
            .map(({ service, throughput }) => {
              const last = throughput.at(-1) as ClosedLoopDelivery;
              return `${service.name} ${Math.round(last.messagesPerSecond)} msg/s (${last.cpuMicrosPerMessage.toFixed(0)} µs CPU/msg)`;
            })
            .join(', '),
      );
    }
    for (const entry of measured) {
      entry.maximum = Math.max(10, Math.round(median(entry.throughput.map((run) => run.messagesPerSecond)) / 10) * 10);
      entry.rate = Math.max(10, Math.round((entry.maximum * 0.5) / 10) * 10);
    }
    for (let round = 1; round <= settings.rounds; round++) {
      for (const entry of rotated(measured, round)) {
        await quiet(cluster);
        entry.latency.push(await openLoop(context, entry.service.name, sink, loader, entry.service.updates, entry.rate, 'answered', entry.service.cpuSeconds));
      }
      context.log(
        `peers: latency round ${round} at 50%: ` +
          measured
            .map(({ service, rate, latency }) => `${service.name} (${rate}/s) p50 ${latency.at(-1)?.p50.toFixed(1)} ms, p99 ${latency.at(-1)?.p99.toFixed(1)} ms`)
            .join(', '),
      );
    }
    // BullMQ moves a dead worker's jobs back after its lock (30 s) and a stalled check (every 30 s);
    // Tidings re-claims a dead process's deliveries when their lease (25 s) ends
    const drainMs = settings.quick ? 5_000 : 75_000;
    for (const entry of measured) {
      await quiet(cluster);
      entry.kill = await killRun(context, sink, entry.service, entry.maximum, drainMs);
      context.log(`peers: kill -9 of ${entry.service.name}: ${JSON.stringify(entry.kill)}`);
    }
    rows.push(...report(measured, drainMs));
    return rows;
  } finally {
    for (const service of services.reverse()) await service.stop().catch(() => undefined);
    await redis?.stop();
    cluster?.stop();
  }
}

function report(measured: Measured[], drainMs: number): CaseRow[] {
  const rows: CaseRow[] = [];
  const figures = (entry: Measured) => ({
    rate: median(entry.throughput.map((run) => run.messagesPerSecond)),
    cpu: median(entry.throughput.map((run) => run.cpuMicrosPerMessage)),
  });
  const named = (name: string) => measured.find((entry) => entry.service.name === name);
  const pairs: Array<[string, string, { rate: boolean; cpu: boolean }]> = [
    ['Tidings embedded', 'graphile-worker peer', { rate: true, cpu: true }],
    ['Tidings embedded', 'BullMQ peer', { rate: true, cpu: true }],
    ['Tidings on PostgreSQL', 'graphile-worker peer', { rate: true, cpu: false }],
    ['Tidings on PostgreSQL', 'BullMQ peer', { rate: false, cpu: false }],
  ];
  for (const [tidingsName, peerName, targets] of pairs) {
    const tidings = named(tidingsName);
    const peer = named(peerName);
    if (!tidings || !peer) continue;
    const t = figures(tidings);
    const p = figures(peer);
    rows.push(
      row({
        name: `peers: ${tidingsName} vs ${peerName}, throughput`,
        baseline: p.rate,
        service: t.rate,
        ratio: rateRatio(p.rate, t.rate),
        unit: 'messages/s',
        ...(targets.rate && { target: '≥ the peer (ratio ≥ 1.00)', met: t.rate >= p.rate }),
      }),
      row({
        name: `peers: ${tidingsName} vs ${peerName}, CPU`,
        baseline: p.cpu,
        service: t.cpu,
        ratio: costRatio(p.cpu, t.cpu),
        unit: 'µs CPU/message',
        ...(targets.cpu && { target: '≤ the peer (ratio ≥ 1.00)', met: t.cpu <= p.cpu }),
      }),
    );
  }
  for (const entry of measured) {
    const p50 = median(entry.latency.map((run) => run.p50));
    const p99 = median(entry.latency.map((run) => run.p99));
    // baseline column: p50; service column: p99 (no ratio: each at its own rate)
    rows.push(row({ name: `peers: ${entry.service.name} latency p50 / p99 at 50% of its maximum (${entry.rate}/s)`, baseline: p50, service: p99, unit: 'ms' }));
  }
  for (const entry of measured) {
    const kill = entry.kill as Kill;
    const tidings = entry.service.name.startsWith('Tidings');
    rows.push(
      row({
        name: `peers: kill -9 of ${entry.service.name} at ${entry.maximum}/s: confirmed, and missing ${drainMs / 1000} s after the load (${kill.sent} sent)`,
        baseline: kill.confirmed,
        service: kill.lost,
        unit: 'messages',
        // judged only when the drain outlasts the lease a dead Tidings worker's deliveries wait out
        // (--quick drains 5 s: what is missing then is late, not lost)
        ...(tidings && drainMs > TIDINGS_LEASE_MS && { target: '0 lost', met: kill.lost === 0 }),
      }),
      row({
        name: `peers: kill -9 of ${entry.service.name}: duplicates (${kill.sameWebhookId} with the same webhook-id)`,
        baseline: kill.confirmed,
        service: kill.duplicates,
        unit: 'messages',
      }),
    );
    if (kill.held !== null) {
      // sent (again, if the dead worker had POSTed them) when graphile-worker's 4-hour lock expires
      rows.push(
        row({
          name: `peers: kill -9 of ${entry.service.name}: jobs still locked by the dead worker after the drain (run again when the 4 h lock expires)`,
          baseline: kill.confirmed,
          service: kill.held,
          unit: 'jobs',
        }),
      );
    }
  }
  return rows;
}
