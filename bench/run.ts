// pnpm bench [--quick] [--cpu-prof] [--gc-trace] [--only=case,case] [--rounds=N]: runs every case, writes bench/results.json and prints it
// as a table. Exits non-zero when a case fails (an error, a lost message), never for a missed target.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { runApiCase } from './cases/api.ts';
import { runBacklog } from './cases/backlog.ts';
import { runDeliveryLatency, runDeliveryThroughput } from './cases/delivery.ts';
import { runExpressionEval } from './cases/expression.ts';
import { runMemory } from './cases/memory.ts';
import { runPeers } from './cases/peers.ts';
import { runPostgres } from './cases/postgres.ts';
import { BenchContext, PartialFailure } from './lib/context.ts';
import { pinHarness, placement } from './lib/processes.ts';
import { clockTicksPerSecond } from './lib/proc.ts';
import { formatTable, statusRow, type CaseRow } from './lib/report.ts';
import { settingsFor } from './lib/settings.ts';
import { profileTidingsInto, traceTidingsGc } from './lib/tidings.ts';

interface BenchCase {
  name: string;
  run(context: BenchContext): Promise<CaseRow[]>;
}

const cases: BenchCase[] = [
  // api-get is held to a bound measured in the same run (the raw server plus 20 µs of work per request);
  // api-create only reports
  { name: 'api-get', run: (context) => runApiCase(context, 'api-get', { calibrationMicros: 20 }, { calibrate: true }) },
  { name: 'api-list', run: (context) => runApiCase(context, 'api-list', { ratio: 0.4 }) },
  { name: 'api-create', run: (context) => runApiCase(context, 'api-create', null) },
  { name: 'delivery-throughput', run: runDeliveryThroughput },
  { name: 'delivery-latency', run: runDeliveryLatency },
  { name: 'expression-eval', run: runExpressionEval },
  { name: 'postgres', run: runPostgres },
  { name: 'memory', run: runMemory },
  { name: 'backlog', run: runBacklog },
  { name: 'peers', run: runPeers },
];

const args = process.argv.slice(2);
const unknown = args.filter(
  (arg) => arg !== '--quick' && arg !== '--cpu-prof' && arg !== '--gc-trace' && !arg.startsWith('--only=') && !/^--rounds=[1-9]\d*$/.test(arg),
);
if (unknown.length > 0) {
  console.error(`usage: pnpm bench [--quick] [--cpu-prof] [--gc-trace] [--only=${cases.map((entry) => entry.name).join(',')}] [--rounds=N]`);
  process.exit(2);
}
const quick = args.includes('--quick');
const only =
  args
    .find((arg) => arg.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',') ?? null;
const unknownCases = only?.filter((name) => !cases.some((entry) => entry.name === name)) ?? [];
if (unknownCases.length > 0) {
  console.error(`bench: no case named ${unknownCases.join(', ')}`);
  process.exit(2);
}

if (args.includes('--cpu-prof')) {
  // every Tidings process writes a V8 CPU profile when it stops (the profiler slows it: its numbers are not results)
  const directory = fileURLToPath(new URL('./profiles/', import.meta.url));
  profileTidingsInto(directory);
  console.error(`bench: CPU profiles of Tidings go to ${directory}`);
}

if (args.includes('--gc-trace')) {
  // every Tidings process logs its memory and its collector's pauses (gc-trace.ts says what each field is)
  traceTidingsGc();
  console.error(`bench: memory and GC traces of Tidings go to ${fileURLToPath(new URL('./gc-traces/', import.meta.url))}`);
}

// an interrupted run still ends the processes it started (see the exit hook in lib/processes.ts)
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));
pinHarness();

const startedAt = Date.now();
const loadAtStart = Number(os.loadavg()[0]?.toFixed(2));
// --rounds=1 gives a full-length run of one round: what working on one case needs, not a result to publish
const rounds = Number(args.find((arg) => arg.startsWith('--rounds='))?.slice('--rounds='.length) ?? 0);
const settings = settingsFor(quick);
const context = new BenchContext(rounds > 0 ? { ...settings, rounds } : settings);
const rows: CaseRow[] = [];
let failed = false;
try {
  for (const entry of cases) {
    if (only && !only.includes(entry.name)) continue;
    context.log(`${entry.name}: starting`);
    try {
      rows.push(...(await entry.run(context)));
    } catch (error) {
      failed = true;
      console.error(`bench: ${entry.name} failed:`, error);
      if (error instanceof PartialFailure) rows.push(...error.rows);
      rows.push(statusRow(entry.name, `error: ${((error as Error).message ?? String(error)).split('\n')[0]}`));
    }
  }
} finally {
  await context.close();
}

const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model ?? 'unknown',
  cores: placement.cores,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()}`,
  node: process.version,
  clockTicksPerSecond,
  pinned: placement.pinned,
  serverCore: placement.serverCore,
  loadCore: placement.loadCore,
  placement: placement.note,
  mode: quick ? 'quick' : 'full',
  command: `pnpm bench ${args.join(' ')}`.trim(),
  date: new Date(startedAt).toISOString(),
  /** other work on the machine shows here: the 1-minute load average when the run started and ended */
  loadAverage: { start: loadAtStart, end: Number(os.loadavg()[0]?.toFixed(2)) },
  durationSeconds: Math.round((Date.now() - startedAt) / 1000),
};
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify({ machine, cases: rows }, null, 2)}\n`);
console.log(
  `Tidings benchmarks (${machine.mode}, ${machine.durationSeconds} s) on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${machine.placement}`,
);
console.log(formatTable(rows));
console.log(
  'ratio = baseline cost ÷ service cost (for rates: service ÷ baseline); higher is better. Written to bench/results.json',
);
process.exitCode = failed ? 1 : 0;
