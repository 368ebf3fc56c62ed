// delivery-throughput and delivery-latency: profile updates through the API, delivered by Tidings to
// a sink, against a raw undici POST loop (on the server core, where Tidings runs) sending the same
// message bodies to the same sink.
import { CaseFailure, type BenchContext } from '../lib/context.ts';
import type { BenchProcess } from '../lib/processes.ts';
import { costRatio, rateRatio, row, type CaseRow } from '../lib/report.ts';
import { median, percentile } from '../lib/stats.ts';
import { startRelayServer, startTidings, type RunningServer, type Tidings, type TidingsOptions } from '../lib/tidings.ts';
import type { ClosedLoopResult, OpenLoopResult, Target } from '../processes/requester.ts';

interface ArrivalReport {
  received: number;
  distinctWebhookIds: number;
  firstAt: number;
  lastAt: number;
}

export interface DeliveryRig {
  tidings: Tidings;
  sink: BenchProcess;
  callbackId: string;
  /** PUT /v1/profile/{id} with `fields.n`, spread over the rig's profiles */
  updates: Target;
  /** messages Tidings has delivered so far, which its delivery log must agree with */
  delivered: number;
  /** CPU seconds of everything on the service side (Tidings, and PostgreSQL when it is used) */
  serviceCpuSeconds(): number;
  /**
   * Stops Tidings (or kills it with SIGKILL), runs `between` (on the stopped store), and starts Tidings
   * again on the same store; after a kill on the same port, so a load keeps its target.
   */
  restart(between: () => Promise<void>, how?: 'stop' | 'kill'): Promise<void>;
  stop(): Promise<void>;
}

export interface RigOptions {
  /** load the server's heap probe (liveHeapBytes) */
  heapProbe?: boolean;
  name: string;
  databaseUrl?: string;
  /** CPU seconds of processes that work for Tidings besides its own (PostgreSQL) */
  extraCpuSeconds?: () => number;
  /** a data directory of the caller's, kept when Tidings stops (restart needs one) */
  dataDirectory?: string;
  /** TIDINGS_ROLE of the rig's process (default `all`; `api` when the caller runs workers of its own) */
  role?: 'all' | 'api';
}

export async function createDeliveryRig(context: BenchContext, options: RigOptions): Promise<DeliveryRig> {
  const { settings } = context;
  const startOptions: TidingsOptions = {
    name: options.name,
    ...(options.databaseUrl && { databaseUrl: options.databaseUrl }),
    ...(options.heapProbe && { heapProbe: true }),
    ...(options.dataDirectory && { dataDirectory: options.dataDirectory }),
    ...(options.role && { role: options.role }),
  };
  const tidings = await startTidings(startOptions);
  try {
    const sink = await context.sink();
    const { api } = tidings;
    const databaseId = await api.createDatabase('bench deliveries');
    // action "update": only the measured updates produce messages, not the profiles' creation
    const callbackId = await api.createCallback(databaseId, {
      url: `http://127.0.0.1:${sink.info as number}/hook`,
      action: 'update',
    });
    const paths: string[] = [];
    for (let index = 0; index < settings.deliveryProfiles; index++) {
      const id = await api.createProfile(databaseId, {
        n: 'new',
        firstname: 'Johanna',
        lastname: `van der Berg ${index}`,
        email: `johanna.${index}@example.com`,
        company: 'Apple',
        city: 'Amsterdam',
      });
      paths.push(`/v1/profile/${id}`);
    }
    const extra = options.extraCpuSeconds ?? (() => 0);
    const rig: DeliveryRig = {
      tidings,
      sink,
      callbackId,
      updates: {
        origin: tidings.origin,
        method: 'PUT',
        paths,
        headers: { ...api.authorization, 'content-type': 'application/json' },
        bodyTemplate: '{"fields":{"n":"__N__"}}',
        connections: settings.deliveryConcurrency,
      },
      delivered: 0,
      serviceCpuSeconds: () => rig.tidings.process.cpuSeconds() + extra(),
      async restart(between, how = 'stop') {
        if (options.dataDirectory === undefined && options.databaseUrl === undefined) {
          throw new Error('restarting Tidings needs a store that outlives it: a dataDirectory or a databaseUrl');
        }
        const port = Number(new URL(rig.tidings.origin).port);
        if (how === 'kill') await rig.tidings.process.kill();
        await rig.tidings.stop();
        await between();
        rig.tidings = await startTidings(how === 'kill' ? { ...startOptions, port } : startOptions);
        rig.updates.origin = rig.tidings.origin;
      },
      stop: () => rig.tidings.stop(),
    };
    return rig;
  } catch (error) {
    await tidings.stop();
    throw error;
  }
}

function waitTimeoutMs(count: number): number {
  return 60_000 + count * 10;
}

function checkArrivals(what: string, arrived: ArrivalReport, count: number, timeoutMs: number): void {
  if (arrived.received < count) {
    throw new CaseFailure(`${what}: lost ${count - arrived.received} of ${count} messages (none came for ${Math.round(timeoutMs / 1000)} s)`);
  }
  if (arrived.distinctWebhookIds !== count) {
    throw new CaseFailure(`${what}: ${count} messages arrived with ${arrived.distinctWebhookIds} distinct webhook-ids`);
  }
}

/** Every delivered message must be recorded as succeeded: outbox and attempt log committed. */
async function awaitDurable(rig: DeliveryRig): Promise<void> {
  const deadline = Date.now() + 30_000;
  let succeeded = -1;
  while (Date.now() < deadline) {
    succeeded = await rig.tidings.api.deliveryCount(rig.callbackId, 'succeeded');
    if (succeeded >= rig.delivered) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (succeeded !== rig.delivered) {
    throw new CaseFailure(`the delivery log has ${succeeded} succeeded deliveries, ${rig.delivered} messages were received`);
  }
  const failed = await rig.tidings.api.deliveryCount(rig.callbackId, 'failed');
  if (failed > 0) throw new CaseFailure(`${failed} deliveries failed`);
}

export interface ClosedLoopDelivery {
  messagesPerSecond: number;
  cpuMicrosPerMessage: number;
}

/** `count` messages with `concurrency` in flight, from the first send until the sink has them all. */
export async function closedLoop(
  context: BenchContext,
  label: string,
  sink: BenchProcess,
  sender: BenchProcess,
  target: Target,
  count: number,
  cpuSeconds: () => number,
  timeoutMs = waitTimeoutMs(count),
): Promise<ClosedLoopDelivery> {
  const first = context.takeNumbers(count);
  await sink.call('reset');
  const cpuBefore = cpuSeconds();
  const arriving = sink.call<ArrivalReport>('waitFor', { first, count, timeoutMs });
  const sent = await sender.call<ClosedLoopResult>('closed', {
    target,
    first,
    count,
    concurrency: context.settings.deliveryConcurrency,
  });
  if (sent.failures > 0) {
    await sink.call('reset');
    throw new CaseFailure(`${label}: ${sent.failures} of ${count} requests failed; first: ${sent.firstFailure}`);
  }
  const arrived = await arriving;
  const cpu = cpuSeconds() - cpuBefore;
  checkArrivals(label, arrived, count, timeoutMs);
  const seconds = (sink.toHarnessTime(arrived.lastAt) - sender.toHarnessTime(sent.startedAt)) / 1000;
  return { messagesPerSecond: count / seconds, cpuMicrosPerMessage: (cpu / count) * 1e6 };
}

/** `timeoutMs`: how long the run may take before the messages still missing count as lost */
export async function deliverThroughTidings(
  context: BenchContext,
  rig: DeliveryRig,
  count: number,
  timeoutMs = waitTimeoutMs(count),
): Promise<ClosedLoopDelivery> {
  const result = await closedLoop(
    context,
    rig.tidings.process.name,
    rig.sink,
    await context.requester('load'),
    rig.updates,
    count,
    rig.serviceCpuSeconds,
    timeoutMs,
  );
  rig.delivered += count;
  await awaitDurable(rig);
  return result;
}

/** The raw POST loop's request: the body and headers of a message Tidings delivered, numbered anew. */
async function rawTarget(context: BenchContext, rig: DeliveryRig): Promise<Target> {
  const sample = await rig.sink.call<{ body: string; headers: Record<string, string> } | null>('sample');
  if (sample === null) throw new CaseFailure('the sink has not received a message to copy');
  const message = JSON.parse(sample.body) as { fields: Record<string, string> };
  message.fields.n = '__N__';
  const headers: Record<string, string> = { 'webhook-id': 'msg_raw___N__' };
  for (const name of ['content-type', 'user-agent', 'webhook-timestamp', 'webhook-signature']) {
    const value = sample.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  return {
    origin: `http://127.0.0.1:${rig.sink.info as number}`,
    method: 'POST',
    paths: ['/hook'],
    headers,
    bodyTemplate: JSON.stringify(message),
    connections: context.settings.deliveryConcurrency,
  };
}

async function postRaw(context: BenchContext, rig: DeliveryRig, target: Target, count: number): Promise<ClosedLoopDelivery> {
  const poster = await context.requester('server');
  return closedLoop(context, 'raw POST loop', rig.sink, poster, target, count, () => poster.cpuSeconds());
}

/** Messages for one measured run: about deliveryRunSeconds at the rate Tidings showed, within bounds. */
export function messagesPerRun(context: BenchContext, rate: number): number {
  const { deliveryRunSeconds, deliveryMessages, quick } = context.settings;
  // enough messages that the raw loop's CPU time is hundreds of clock ticks, not tens
  const fewest = quick ? 500 : 3_000;
  return Math.min(deliveryMessages, Math.max(fewest, Math.round((rate * deliveryRunSeconds) / 100) * 100));
}

/** Targets against the bare relay of the same run: Tidings' rate at least this share of the relay's… */
const relayRateShare = 0.55;
/** …and its CPU per message at most this many times the relay's */
const relayCpuFactor = 2.0;

export async function runDeliveryThroughput(context: BenchContext): Promise<CaseRow[]> {
  const { settings } = context;
  const rig = await createDeliveryRig(context, { name: 'tidings (delivery-throughput)' });
  let relay: RunningServer | null = null;
  try {
    context.log('delivery-throughput: warm-up');
    const warmup = await deliverThroughTidings(context, rig, settings.deliveryWarmupMessages);
    const target = await rawTarget(context, rig);
    await postRaw(context, rig, target, settings.deliveryWarmupMessages);
    relay = await startRelay(rig, target, 'relay (delivery-throughput ceiling)');
    const relayed = relay;
    const viaRelay = (count: number) => relayLoop(context, rig, relayed, count);
    await viaRelay(settings.deliveryWarmupMessages);
    const count = messagesPerRun(context, warmup.messagesPerSecond);
    const rounds: Array<{ raw: ClosedLoopDelivery; tidings: ClosedLoopDelivery; relay: ClosedLoopDelivery }> = [];
    for (let round = 1; round <= settings.rounds; round++) {
      const raw = await postRaw(context, rig, target, count);
      const tidings = await deliverThroughTidings(context, rig, count);
      const ceiling = await viaRelay(count);
      rounds.push({ raw, tidings, relay: ceiling });
      context.log(
        `delivery-throughput: round ${round}, ${count} messages: raw ${Math.round(raw.messagesPerSecond)} msg/s (${raw.cpuMicrosPerMessage.toFixed(1)} µs CPU/msg), ` +
          `tidings ${Math.round(tidings.messagesPerSecond)} msg/s (${tidings.cpuMicrosPerMessage.toFixed(1)} µs CPU/msg), ` +
          `relay ${Math.round(ceiling.messagesPerSecond)} msg/s (${ceiling.cpuMicrosPerMessage.toFixed(1)} µs CPU/msg)`,
      );
    }
    const rate = {
      raw: median(rounds.map((entry) => entry.raw.messagesPerSecond)),
      tidings: median(rounds.map((entry) => entry.tidings.messagesPerSecond)),
      relay: median(rounds.map((entry) => entry.relay.messagesPerSecond)),
    };
    const cpu = {
      raw: median(rounds.map((entry) => entry.raw.cpuMicrosPerMessage)),
      tidings: median(rounds.map((entry) => entry.tidings.cpuMicrosPerMessage)),
      relay: median(rounds.map((entry) => entry.relay.cpuMicrosPerMessage)),
    };
    context.deliveryRate = rate.tidings;
    context.relayRate = rate.relay;
    const ratio = rateRatio(rate.raw, rate.tidings);
    const againstRelay = rateRatio(rate.relay, rate.tidings);
    return [
      row({
        name: 'delivery-throughput',
        baseline: rate.raw,
        service: rate.tidings,
        ratio,
        unit: 'messages/s',
        target: '≥ 0.50',
        met: ratio >= 0.5,
      }),
      row({
        name: 'delivery-throughput CPU',
        baseline: cpu.raw,
        service: cpu.tidings,
        ratio: costRatio(cpu.raw, cpu.tidings),
        unit: 'µs CPU/message',
      }),
      // what any service with an API in front can reach in this case: the most the target can ask
      row({
        name: 'delivery-throughput ceiling: bare API + POST relay',
        baseline: rate.raw,
        service: rate.relay,
        ratio: rateRatio(rate.raw, rate.relay),
        unit: 'messages/s',
      }),
      row({
        name: 'delivery-throughput ceiling CPU',
        baseline: cpu.raw,
        service: cpu.relay,
        ratio: costRatio(cpu.raw, cpu.relay),
        unit: 'µs CPU/message',
      }),
      row({
        name: 'delivery-throughput against the ceiling',
        baseline: rate.relay,
        service: rate.tidings,
        ratio: againstRelay,
        unit: 'messages/s',
        target: `≥ ${relayRateShare.toFixed(2)}`,
        met: againstRelay >= relayRateShare,
      }),
      row({
        name: 'delivery-throughput CPU against the ceiling',
        baseline: cpu.relay,
        service: cpu.tidings,
        ratio: costRatio(cpu.relay, cpu.tidings),
        unit: 'µs CPU/message',
        target: `≤ ${relayCpuFactor.toFixed(1)}× the relay (ratio ≥ ${(1 / relayCpuFactor).toFixed(2)})`,
        met: cpu.tidings <= relayCpuFactor * cpu.relay,
      }),
    ];
  } finally {
    await relay?.stop();
    await rig.stop();
  }
}

/**
 * The ceiling (processes/relay-server.ts): a bare relay answering an update as Tidings does (a
 * profile's bytes, read here without changing anything) and sending the raw loop's message on.
 */
async function startRelay(rig: DeliveryRig, target: Target, name: string): Promise<RunningServer> {
  const answer = await rig.tidings.api.send('GET', rig.updates.paths[0] as string);
  if (answer.status !== 200) throw new CaseFailure(`reading a profile answered ${answer.status}: ${answer.body}`);
  return startRelayServer(name, answer, target);
}

/** The ceiling's closed loop: the same updates, sent to the relay instead of Tidings. */
async function relayLoop(context: BenchContext, rig: DeliveryRig, relay: RunningServer, count: number): Promise<ClosedLoopDelivery> {
  const updates: Target = { ...rig.updates, origin: relay.origin };
  return closedLoop(context, relay.process.name, rig.sink, await context.requester('load'), updates, count, () => relay.process.cpuSeconds());
}

export interface Latencies {
  p50: number;
  p99: number;
  cpuMicrosPerMessage: number;
}

/** Open loop at `rate` for the configured time; each latency is sink arrival minus `times[i]`. */
export async function openLoop(
  context: BenchContext,
  label: string,
  sink: BenchProcess,
  sender: BenchProcess,
  target: Target,
  rate: number,
  record: 'scheduled' | 'answered',
  cpuSeconds: () => number,
): Promise<Latencies> {
  const seconds = context.settings.latencySeconds;
  const count = Math.max(1, Math.round(rate * seconds));
  const first = context.takeNumbers(count);
  await sink.call('reset');
  const cpuBefore = cpuSeconds();
  const sent = await sender.call<OpenLoopResult>('open', { target, first, rate, durationSeconds: seconds, record });
  if (sent.failures > 0)
    throw new CaseFailure(`${label}: ${sent.failures} of ${count} requests failed; first: ${sent.firstFailure}`);
  const arrived = await sink.call<ArrivalReport>('waitFor', { first, count, timeoutMs: waitTimeoutMs(count) });
  const cpu = cpuSeconds() - cpuBefore;
  checkArrivals(label, arrived, count, waitTimeoutMs(count));
  const arrivals = await sink.call<number[]>('arrivalTimes', { first, count });
  const latencies = arrivals.map((at, index) => sink.toHarnessTime(at) - sender.toHarnessTime(sent.times[index] as number));
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), cpuMicrosPerMessage: (cpu / count) * 1e6 };
}

/** The p99 each load's target allows over the raw loop's p99 at the same rate, in ms. */
const latencyAllowanceMs = new Map([
  [0.5, 5],
  [0.8, 20],
]);

export async function runDeliveryLatency(context: BenchContext): Promise<CaseRow[]> {
  const { settings } = context;
  const rig = await createDeliveryRig(context, { name: 'tidings (delivery-latency)' });
  let relay: RunningServer | null = null;
  try {
    context.log('delivery-latency: warm-up');
    const warmup = await deliverThroughTidings(context, rig, settings.deliveryWarmupMessages);
    const target = await rawTarget(context, rig);
    const maximum = context.deliveryRate ?? warmup.messagesPerSecond;
    const updater = await context.requester('load');
    const poster = await context.requester('server');
    // the ceiling, held to the same rule: p99 at half of the relay's own maximum against the raw
    // loop's p99 at that rate
    relay = await startRelay(rig, target, 'relay (delivery-latency ceiling)');
    const relayWarmup = await relayLoop(context, rig, relay, settings.deliveryWarmupMessages);
    const relayRate = Math.max(10, Math.round(((context.relayRate ?? relayWarmup.messagesPerSecond) * 0.5) / 10) * 10);
    const relayUpdates: Target = { ...rig.updates, origin: relay.origin };
    const relayed = relay;
    const ceiling = { raw: [] as Latencies[], relay: [] as Latencies[] };
    const loads = settings.latencyLoads.map((load) => ({ load, rate: Math.max(10, Math.round((maximum * load) / 10) * 10) }));
    const measured = loads.map(() => ({ raw: [] as Latencies[], tidings: [] as Latencies[] }));
    for (let round = 1; round <= settings.rounds; round++) {
      for (const [index, { rate }] of loads.entries()) {
        const raw = await openLoop(context, 'raw POST loop', rig.sink, poster, target, rate, 'scheduled', () => poster.cpuSeconds());
        const tidings = await openLoop(
          context,
          rig.tidings.process.name,
          rig.sink,
          updater,
          rig.updates,
          rate,
          'answered',
          rig.serviceCpuSeconds,
        );
        rig.delivered += Math.max(1, Math.round(rate * settings.latencySeconds));
        await awaitDurable(rig);
        measured[index]?.raw.push(raw);
        measured[index]?.tidings.push(tidings);
        context.log(
          `delivery-latency: round ${round} at ${rate}/s: p50 raw ${raw.p50.toFixed(2)} ms, tidings ${tidings.p50.toFixed(2)} ms; ` +
            `p99 raw ${raw.p99.toFixed(2)} ms, tidings ${tidings.p99.toFixed(2)} ms; ` +
            `CPU/message raw ${raw.cpuMicrosPerMessage.toFixed(0)} µs, tidings ${tidings.cpuMicrosPerMessage.toFixed(0)} µs`,
        );
      }
      const raw = await openLoop(context, 'raw POST loop', rig.sink, poster, target, relayRate, 'scheduled', () => poster.cpuSeconds());
      const viaRelay = await openLoop(context, relayed.process.name, rig.sink, updater, relayUpdates, relayRate, 'answered', () =>
        relayed.process.cpuSeconds(),
      );
      ceiling.raw.push(raw);
      ceiling.relay.push(viaRelay);
      context.log(
        `delivery-latency: round ${round}, the relay at ${relayRate}/s: p99 raw ${raw.p99.toFixed(2)} ms, relay ${viaRelay.p99.toFixed(2)} ms; ` +
          `CPU/message raw ${raw.cpuMicrosPerMessage.toFixed(0)} µs, relay ${viaRelay.cpuMicrosPerMessage.toFixed(0)} µs`,
      );
    }
    const ceilingP99 = { raw: median(ceiling.raw.map((entry) => entry.p99)), relay: median(ceiling.relay.map((entry) => entry.p99)) };
    const relayWithin = ceiling.relay.filter((entry, index) => entry.p99 <= (ceiling.raw[index] as Latencies).p99 + 5).length;
    const rows = loads.flatMap(({ load, rate }, index) => {
      const runs = measured[index] as { raw: Latencies[]; tidings: Latencies[] };
      const p50 = { raw: median(runs.raw.map((entry) => entry.p50)), tidings: median(runs.tidings.map((entry) => entry.p50)) };
      const p99 = { raw: median(runs.raw.map((entry) => entry.p99)), tidings: median(runs.tidings.map((entry) => entry.p99)) };
      const label = `${Math.round(load * 100)}% (${rate}/s)`;
      const allowed = latencyAllowanceMs.get(load);
      return [
        row({
          name: `delivery-latency p50 at ${label}`,
          baseline: p50.raw,
          service: p50.tidings,
          ratio: costRatio(p50.raw, p50.tidings),
          unit: 'ms',
        }),
        row({
          name: `delivery-latency p99 at ${label}`,
          baseline: p99.raw,
          service: p99.tidings,
          ratio: costRatio(p99.raw, p99.tidings),
          unit: 'ms',
          ...(allowed !== undefined && { target: `≤ raw + ${allowed} ms`, met: p99.tidings <= p99.raw + allowed }),
        }),
      ];
    });
    return [
      ...rows,
      row({
        name: `delivery-latency ceiling: relay p99 at 50% of its maximum (${relayRate}/s)`,
        baseline: ceilingP99.raw,
        service: ceilingP99.relay,
        ratio: costRatio(ceilingP99.raw, ceilingP99.relay),
        unit: 'ms',
      }),
      // the target's rule applied to each of the relay's rounds: how often a bare relay keeps it
      row({
        name: 'delivery-latency ceiling: relay rounds within raw p99 + 5 ms',
        baseline: ceiling.relay.length,
        service: relayWithin,
        ratio: rateRatio(ceiling.relay.length, relayWithin),
        unit: 'rounds',
      }),
    ];
  } finally {
    await relay?.stop();
    await rig.stop();
  }
}
