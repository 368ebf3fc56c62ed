// api-get, api-list, api-create: Tidings answering one API request, against a raw node:http server
// answering the same bytes from memory. Both saturated with autocannon for CPU per request and
// requests/s, then driven open loop at a fixed rate for latency.
import { CaseFailure, type BenchContext } from '../lib/context.ts';
import type { BenchProcess } from '../lib/processes.ts';
import { costRatio, rateRatio, row, type CaseRow } from '../lib/report.ts';
import { median } from '../lib/stats.ts';
import { startRawServer, startTidings, type Api, type CannedResponse, type RunningServer } from '../lib/tidings.ts';
import type { SaturationResult } from '../processes/autocannon.ts';
import type { OpenLoopResult, Target } from '../processes/requester.ts';

export type ApiCaseName = 'api-get' | 'api-list' | 'api-create';

interface ApiRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** `{unique}` stands for a value that differs on every request */
  body: string | null;
  /** the path for a measured run against Tidings (api-create gets a fresh database each time) */
  pathForRun(): Promise<string>;
  canned: CannedResponse;
}

const uniqueValue = /\{unique\}/g;
const openLoopConnections = 64;

/** One database with 100 callbacks: api-get reads one of them, api-list all of them. */
async function databaseWithCallbacks(api: Api): Promise<{ databaseId: string; callbackIds: string[] }> {
  const databaseId = await api.createDatabase('bench reads');
  const callbackIds: string[] = [];
  for (let index = 0; index < 100; index++) {
    callbackIds.push(
      await api.createCallback(databaseId, {
        url: `http://127.0.0.1:9/hooks/${index}`,
        expression: `company == 'Apple' && city != 'City ${index}'`,
        action: 'update',
      }),
    );
  }
  return { databaseId, callbackIds };
}

export async function prepareApiRequest(name: ApiCaseName, api: Api): Promise<ApiRequest> {
  const headers = api.authorization;
  if (name === 'api-create') {
    // a different expression on every request, so each one is compiled rather than found in a cache
    const body = JSON.stringify({
      url: 'http://127.0.0.1:9/hooks/created',
      expression: "company == 'Apple' && city != 'City {unique}'",
      action: 'update',
    });
    const freshPath = async () => `/v1/database/${await api.createDatabase('bench creates')}/callbacks`;
    const samplePath = await freshPath();
    const sample = await api.send('POST', samplePath, JSON.parse(body.replace(uniqueValue, 'sample')));
    if (sample.status !== 201) throw new CaseFailure(`creating a callback answered ${sample.status}: ${sample.body}`);
    return {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
      pathForRun: freshPath,
      canned: sample,
    };
  }
  const { databaseId, callbackIds } = await databaseWithCallbacks(api);
  const path = name === 'api-get' ? `/v1/callback/${callbackIds[50]}` : `/v1/database/${databaseId}/callbacks?limit=100`;
  const sample = await api.send('GET', path);
  if (sample.status !== 200) throw new CaseFailure(`GET ${path} answered ${sample.status}: ${sample.body}`);
  return { method: 'GET', headers, body: null, pathForRun: async () => path, canned: sample };
}

export interface Saturation {
  cpuMicrosPerRequest: number;
  requestsPerSecond: number;
}

/** Saturates a server for `seconds`; CPU per request from the server's CPU time (by default its process alone). */
export async function saturate(
  autocannon: BenchProcess,
  server: RunningServer,
  request: ApiRequest,
  path: string,
  seconds: number,
  connections: number,
  serverCpuSeconds: () => number = () => server.process.cpuSeconds(),
): Promise<Saturation> {
  const before = serverCpuSeconds();
  const result = await autocannon.call<SaturationResult>('saturate', {
    url: server.origin + path,
    method: request.method,
    headers: request.headers,
    body: request.body?.replace(uniqueValue, '[<id>]') ?? null,
    connections,
    durationSeconds: seconds,
  });
  const cpu = serverCpuSeconds() - before;
  if (result.failures > 0 || result.completed === 0) {
    throw new CaseFailure(`${request.method} ${server.origin}${path}: ${result.description}`);
  }
  return { cpuMicrosPerRequest: (cpu / result.completed) * 1e6, requestsPerSecond: result.requestsPerSecond };
}

async function openLoop(
  context: BenchContext,
  requester: BenchProcess,
  server: RunningServer,
  request: ApiRequest,
  path: string,
  rate: number,
  seconds = context.settings.openLoopSeconds,
): Promise<OpenLoop> {
  const target: Target = {
    origin: server.origin,
    method: request.method,
    paths: [path],
    headers: request.headers,
    bodyTemplate: request.body?.replace(uniqueValue, '__N__') ?? null,
    connections: openLoopConnections,
  };
  const first = context.takeNumbers(Math.ceil(rate * seconds) + 1);
  const cpuBefore = server.process.cpuSeconds();
  const result = await requester.call<OpenLoopResult>('open', {
    target,
    first,
    rate,
    durationSeconds: seconds,
    record: 'scheduled',
  });
  const cpu = server.process.cpuSeconds() - cpuBefore;
  if (result.failures > 0)
    throw new CaseFailure(`open loop at ${rate}/s: ${result.failures} failed, first: ${result.firstFailure}`);
  return { ...result, cpuMicrosPerRequest: (cpu / result.completed) * 1e6 };
}

interface OpenLoop extends OpenLoopResult {
  cpuMicrosPerRequest: number;
}

/**
 * The calibration servers: the raw server spending these many µs of CPU more on each request. Measured
 * the same way, they show what ratio a server that adds that much work can reach in this closed loop,
 * where cost per request is not linear: the slower a server, the more often autocannon sleeps, and
 * each answer to a sleeping reader costs its sender a wake-up.
 */
const calibrationWorkMicros = [5, 10, 20, 40];

/**
 * What a case's first row is judged by: a ratio, or the ratio of one of the calibration rows of the
 * same run (a guard: a bound the machine sets, not a number it may be unable to reach), or nothing.
 */
export type ApiTarget = { ratio: number } | { calibrationMicros: number } | null;

export async function runApiCase(
  context: BenchContext,
  name: ApiCaseName,
  target: ApiTarget,
  options: { calibrate?: boolean } = {},
): Promise<CaseRow[]> {
  if (target !== null && 'calibrationMicros' in target && !(options.calibrate && calibrationWorkMicros.includes(target.calibrationMicros))) {
    throw new Error(`${name}: a target of raw + ${target.calibrationMicros} µs needs that calibration row`);
  }
  const { settings } = context;
  const tidings = await startTidings({ name: `tidings (${name})` });
  let raw: RunningServer | null = null;
  const calibration: Array<{ workMicros: number; server: RunningServer }> = [];
  try {
    const request = await prepareApiRequest(name, tidings.api);
    raw = await startRawServer(`raw server (${name})`, request.canned);
    const rawServer = raw;
    for (const workMicros of options.calibrate ? calibrationWorkMicros : []) {
      calibration.push({ workMicros, server: await startRawServer(`raw server + ${workMicros} µs (${name})`, request.canned, workMicros) });
    }
    const [autocannon, requester] = await Promise.all([context.autocannon(), context.requester('load')]);
    const rawPath = await request.pathForRun();
    const saturateRaw = (seconds: number) =>
      saturate(autocannon, rawServer, request, rawPath, seconds, settings.saturationConnections);
    const saturateTidings = async (seconds: number) =>
      saturate(autocannon, tidings, request, await request.pathForRun(), seconds, settings.saturationConnections);

    const saturateCalibrated = (server: RunningServer, seconds: number) =>
      saturate(autocannon, server, request, rawPath, seconds, settings.saturationConnections);

    context.log(`${name}: warm-up`);
    await saturateRaw(settings.warmupSeconds);
    const warmTidings = await saturateTidings(settings.warmupSeconds);
    for (const { server } of calibration) await saturateCalibrated(server, settings.warmupSeconds);
    // one fixed rate for every round, below what Tidings sustains; the warm-up also opens the
    // generator's connections, so no measured run pays for connecting
    const rate = Math.max(10, Math.round((warmTidings.requestsPerSecond * settings.openLoopLoad) / 10) * 10);
    await openLoop(context, requester, rawServer, request, rawPath, rate, 1);
    await openLoop(context, requester, tidings, request, await request.pathForRun(), rate, 1);

    const measured: Array<{ raw: Saturation; tidings: Saturation; rawOpen: OpenLoop; tidingsOpen: OpenLoop; calibrated: Saturation[] }> = [];
    for (let round = 1; round <= settings.rounds; round++) {
      const rawSaturated = await saturateRaw(settings.saturationSeconds);
      const tidingsSaturated = await saturateTidings(settings.saturationSeconds);
      const calibrated: Saturation[] = [];
      for (const { server } of calibration) calibrated.push(await saturateCalibrated(server, settings.saturationSeconds));
      const rawOpen = await openLoop(context, requester, rawServer, request, rawPath, rate);
      const tidingsOpen = await openLoop(context, requester, tidings, request, await request.pathForRun(), rate);
      measured.push({ raw: rawSaturated, tidings: tidingsSaturated, rawOpen, tidingsOpen, calibrated });
      context.log(
        `${name}: round ${round}: CPU/request raw ${rawSaturated.cpuMicrosPerRequest.toFixed(1)} µs, tidings ${tidingsSaturated.cpuMicrosPerRequest.toFixed(1)} µs` +
          calibration.map(({ workMicros }, index) => `, raw + ${workMicros} µs ${calibrated[index]?.cpuMicrosPerRequest.toFixed(1)} µs`).join('') +
          '; ' +
          `${Math.round(rawSaturated.requestsPerSecond)} vs ${Math.round(tidingsSaturated.requestsPerSecond)} req/s; ` +
          `p99 at ${rate}/s ${rawOpen.p99Ms.toFixed(2)} vs ${tidingsOpen.p99Ms.toFixed(2)} ms`,
      );
    }

    const pick = (select: (round: (typeof measured)[number]) => number) => median(measured.map(select));
    const cpu = {
      raw: pick((round) => round.raw.cpuMicrosPerRequest),
      tidings: pick((round) => round.tidings.cpuMicrosPerRequest),
    };
    const throughput = {
      raw: pick((round) => round.raw.requestsPerSecond),
      tidings: pick((round) => round.tidings.requestsPerSecond),
    };
    const p50 = { raw: pick((round) => round.rawOpen.p50Ms), tidings: pick((round) => round.tidingsOpen.p50Ms) };
    const p99 = { raw: pick((round) => round.rawOpen.p99Ms), tidings: pick((round) => round.tidingsOpen.p99Ms) };
    const cpuAtRate = {
      raw: pick((round) => round.rawOpen.cpuMicrosPerRequest),
      tidings: pick((round) => round.tidingsOpen.cpuMicrosPerRequest),
    };
    const ratio = costRatio(cpu.raw, cpu.tidings);
    const calibratedCpu = calibration.map((_, index) => pick((round) => round.calibrated[index]?.cpuMicrosPerRequest ?? Number.NaN));
    let judged: { target: string; met: boolean } | null = null;
    if (target !== null && 'ratio' in target) judged = { target: `≥ ${target.ratio.toFixed(2)}`, met: ratio >= target.ratio };
    if (target !== null && 'calibrationMicros' in target) {
      const index = calibration.findIndex(({ workMicros }) => workMicros === target.calibrationMicros);
      const bound = costRatio(cpu.raw, calibratedCpu[index] as number);
      judged = { target: `≥ raw + ${target.calibrationMicros} µs row (${bound.toPrecision(3)})`, met: ratio >= bound };
    }
    return [
      row({
        name,
        baseline: cpu.raw,
        service: cpu.tidings,
        ratio,
        unit: 'µs CPU/request',
        ...judged,
      }),
      row({
        name: `${name} throughput`,
        baseline: throughput.raw,
        service: throughput.tidings,
        ratio: rateRatio(throughput.raw, throughput.tidings),
        unit: 'requests/s',
      }),
      row({
        name: `${name} CPU at ${rate}/s`,
        baseline: cpuAtRate.raw,
        service: cpuAtRate.tidings,
        ratio: costRatio(cpuAtRate.raw, cpuAtRate.tidings),
        unit: 'µs CPU/request',
      }),
      row({
        name: `${name} p50 at ${rate}/s`,
        baseline: p50.raw,
        service: p50.tidings,
        ratio: costRatio(p50.raw, p50.tidings),
        unit: 'ms',
      }),
      row({
        name: `${name} p99 at ${rate}/s`,
        baseline: p99.raw,
        service: p99.tidings,
        ratio: costRatio(p99.raw, p99.tidings),
        unit: 'ms',
      }),
      ...calibration.map(({ workMicros }, index) => {
        const calibrated = calibratedCpu[index] as number;
        return row({
          name: `${name} calibration: raw + ${workMicros} µs of work`,
          baseline: cpu.raw,
          service: calibrated,
          ratio: costRatio(cpu.raw, calibrated),
          unit: 'µs CPU/request',
        });
      }),
    ];
  } finally {
    for (const { server } of calibration) await server.stop();
    await raw?.stop();
    await tidings.stop();
  }
}
