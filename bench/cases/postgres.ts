// postgres: api-get and delivery-throughput with Tidings on PostgreSQL against Tidings on its embedded
// store. PostgreSQL runs on the server core too, and its CPU time (every backend) counts as the
// service's: the baseline here is the embedded store, not a raw server.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from '../lib/context.ts';
import { pinExisting } from '../lib/processes.ts';
import { childPids, processTreeCpuSeconds } from '../lib/proc.ts';
import { costRatio, rateRatio, row, statusRow, type CaseRow } from '../lib/report.ts';
import { median } from '../lib/stats.ts';
import { startTidings, type Tidings } from '../lib/tidings.ts';
import { prepareApiRequest, saturate, type Saturation } from './api.ts';
import {
  createDeliveryRig,
  deliverThroughTidings,
  messagesPerRun,
  type ClosedLoopDelivery,
  type DeliveryRig,
} from './delivery.ts';

/** Against Tidings on the embedded store in the same run (CPU: Tidings and PostgreSQL together). */
const targets = { apiGetFactor: 2, deliveryCpuFactor: 2.5, deliveryShare: 0.5 };

const clusterScript = fileURLToPath(new URL('../../scripts/postgres-cluster.sh', import.meta.url));

export interface Cluster {
  url: string;
  postmasterPid: number;
  stop(): void;
}

export function startCluster(): Cluster {
  const directory = mkdtempSync(join(tmpdir(), 'tidings-bench-pg-'));
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    execFileSync('bash', [clusterScript, 'stop', directory], { stdio: 'ignore' });
  };
  // an interrupted run stops the cluster too
  process.once('exit', stop);
  try {
    const url = execFileSync('bash', [clusterScript, 'start', directory], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
    const postmasterPid = Number(readFileSync(join(directory, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    // backends are forked by the postmaster, so they land on its core too
    for (const pid of [postmasterPid, ...childPids(postmasterPid)]) pinExisting(pid, 'server');
    return { url, postmasterPid, stop };
  } catch (error) {
    stop();
    const stderr = (error as { stderr?: Buffer | string }).stderr?.toString().trim();
    throw new Error(stderr || (error as Error).message);
  }
}

function firstLine(error: unknown): string {
  return ((error as Error).message ?? String(error)).split('\n')[0] as string;
}

export async function runPostgres(context: BenchContext): Promise<CaseRow[]> {
  let cluster: Cluster;
  try {
    cluster = startCluster();
  } catch (error) {
    return [statusRow('postgres', `skipped: no PostgreSQL cluster (${firstLine(error)})`)];
  }
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const postgresCpu = () => processTreeCpuSeconds(cluster.postmasterPid);
    let embedded: Tidings;
    let onPostgres: Tidings;
    try {
      embedded = await startTidings({ name: 'tidings (embedded store)' });
      started.push(embedded);
      onPostgres = await startTidings({ name: 'tidings (postgres)', databaseUrl: cluster.url });
      started.push(onPostgres);
    } catch (error) {
      return [statusRow('postgres', `skipped: Tidings does not start on PostgreSQL (${firstLine(error)})`)];
    }
    const { settings } = context;
    const autocannon = await context.autocannon();

    const [embeddedGet, postgresGet] = await Promise.all([
      prepareApiRequest('api-get', embedded.api),
      prepareApiRequest('api-get', onPostgres.api),
    ]);
    const [embeddedPath, postgresPath] = await Promise.all([embeddedGet.pathForRun(), postgresGet.pathForRun()]);
    const getOn = (store: 'embedded' | 'postgres', seconds: number): Promise<Saturation> =>
      store === 'embedded'
        ? saturate(autocannon, embedded, embeddedGet, embeddedPath, seconds, settings.saturationConnections)
        : saturate(
            autocannon,
            onPostgres,
            postgresGet,
            postgresPath,
            seconds,
            settings.saturationConnections,
            () => onPostgres.process.cpuSeconds() + postgresCpu(),
          );
    context.log('postgres: api-get warm-up');
    await getOn('embedded', settings.warmupSeconds);
    await getOn('postgres', settings.warmupSeconds);
    const gets: Array<{ embedded: Saturation; postgres: Saturation }> = [];
    for (let round = 1; round <= settings.rounds; round++) {
      const measured = {
        embedded: await getOn('embedded', settings.saturationSeconds),
        postgres: await getOn('postgres', settings.saturationSeconds),
      };
      gets.push(measured);
      context.log(
        `postgres: api-get round ${round}: embedded ${measured.embedded.cpuMicrosPerRequest.toFixed(1)} µs CPU/request, ` +
          `postgres ${measured.postgres.cpuMicrosPerRequest.toFixed(1)} µs (Tidings + PostgreSQL)`,
      );
    }
    await embedded.stop();
    await onPostgres.stop();

    const embeddedRig: DeliveryRig = await createDeliveryRig(context, { name: 'tidings (embedded store, deliveries)' });
    started.push(embeddedRig);
    const postgresRig: DeliveryRig = await createDeliveryRig(context, {
      name: 'tidings (postgres, deliveries)',
      databaseUrl: cluster.url,
      extraCpuSeconds: postgresCpu,
    });
    started.push(postgresRig);
    context.log('postgres: delivery warm-up');
    const embeddedWarmup = await deliverThroughTidings(context, embeddedRig, settings.deliveryWarmupMessages);
    const postgresWarmup = await deliverThroughTidings(context, postgresRig, settings.deliveryWarmupMessages);
    const count = messagesPerRun(context, Math.min(embeddedWarmup.messagesPerSecond, postgresWarmup.messagesPerSecond));
    const deliveries: Array<{ embedded: ClosedLoopDelivery; postgres: ClosedLoopDelivery; postgresPart: number }> = [];
    for (let round = 1; round <= settings.rounds; round++) {
      const embeddedRun = await deliverThroughTidings(context, embeddedRig, count);
      // PostgreSQL's own part of the run's CPU (its closing check of the delivery log included)
      const postgresBefore = postgresCpu();
      const postgresRun = await deliverThroughTidings(context, postgresRig, count);
      const postgresPart = ((postgresCpu() - postgresBefore) / count) * 1e6;
      const measured = { embedded: embeddedRun, postgres: postgresRun, postgresPart };
      deliveries.push(measured);
      context.log(
        `postgres: delivery round ${round}, ${count} messages: embedded ${Math.round(measured.embedded.messagesPerSecond)} msg/s, ` +
          `postgres ${Math.round(measured.postgres.messagesPerSecond)} msg/s ` +
          `(${measured.postgres.cpuMicrosPerMessage.toFixed(0)} µs CPU/msg, PostgreSQL ${postgresPart.toFixed(0)})`,
      );
    }

    const pick = <T>(rounds: T[], select: (round: T) => number) => median(rounds.map(select));
    const cpu = {
      embedded: pick(gets, (round) => round.embedded.cpuMicrosPerRequest),
      postgres: pick(gets, (round) => round.postgres.cpuMicrosPerRequest),
    };
    const requests = {
      embedded: pick(gets, (round) => round.embedded.requestsPerSecond),
      postgres: pick(gets, (round) => round.postgres.requestsPerSecond),
    };
    const rate = {
      embedded: pick(deliveries, (round) => round.embedded.messagesPerSecond),
      postgres: pick(deliveries, (round) => round.postgres.messagesPerSecond),
    };
    const perMessage = {
      embedded: pick(deliveries, (round) => round.embedded.cpuMicrosPerMessage),
      postgres: pick(deliveries, (round) => round.postgres.cpuMicrosPerMessage),
      postgresPart: pick(deliveries, (round) => round.postgresPart),
    };
    const deliveryShare = rateRatio(rate.embedded, rate.postgres);
    return [
      row({
        name: 'postgres api-get',
        baseline: cpu.embedded,
        service: cpu.postgres,
        ratio: costRatio(cpu.embedded, cpu.postgres),
        unit: 'µs CPU/request',
        target: `≤ ${targets.apiGetFactor}× embedded (ratio ≥ ${(1 / targets.apiGetFactor).toFixed(2)})`,
        met: cpu.postgres <= targets.apiGetFactor * cpu.embedded,
      }),
      row({
        name: 'postgres api-get throughput',
        baseline: requests.embedded,
        service: requests.postgres,
        ratio: rateRatio(requests.embedded, requests.postgres),
        unit: 'requests/s',
      }),
      row({
        name: 'postgres delivery-throughput',
        baseline: rate.embedded,
        service: rate.postgres,
        ratio: deliveryShare,
        unit: 'messages/s',
        target: `≥ ${targets.deliveryShare.toFixed(2)}`,
        met: deliveryShare >= targets.deliveryShare,
      }),
      row({
        name: 'postgres delivery-throughput CPU',
        baseline: perMessage.embedded,
        service: perMessage.postgres,
        ratio: costRatio(perMessage.embedded, perMessage.postgres),
        unit: 'µs CPU/message',
        target: `≤ ${targets.deliveryCpuFactor}× embedded (ratio ≥ ${(1 / targets.deliveryCpuFactor).toFixed(2)})`,
        met: perMessage.postgres <= targets.deliveryCpuFactor * perMessage.embedded,
      }),
      row({
        name: "postgres delivery-throughput CPU: PostgreSQL's part of it",
        baseline: perMessage.postgres,
        service: perMessage.postgresPart,
        ratio: perMessage.postgresPart / perMessage.postgres,
        unit: 'µs CPU/message',
      }),
    ];
  } finally {
    for (const process of started.reverse()) await process.stop();
    cluster.stop();
  }
}
