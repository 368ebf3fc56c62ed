// expression-eval: one typical condition on records of three sizes, in the QuickJS sandbox against
// the same condition compiled natively with new Function. The evaluations run in a process of their
// own on the server core, as they do inside Tidings. Each sandbox row names the path it measured: the
// condition has no calls, so the sandbox evaluates it on the calling thread ("main thread"); the
// "worker" rows force it through the worker thread, as every condition with a call goes.
import type { BenchContext } from '../lib/context.ts';
import { BenchProcess, benchScript } from '../lib/processes.ts';
import { costRatio, row, type CaseRow } from '../lib/report.ts';
import { median } from '../lib/stats.ts';
import type { EvaluationTimes } from '../processes/expression-eval.ts';

const sizes = [
  { bytes: 300, label: '300 B' },
  { bytes: 2 * 1024, label: '2 KB' },
  { bytes: 20 * 1024, label: '20 KB' },
];
const allowedFactor = 8;

export async function runExpressionEval(context: BenchContext): Promise<CaseRow[]> {
  const count = context.settings.expressionEvaluations;
  const seconds = context.settings.expressionSeconds;
  const evaluator = await BenchProcess.start({
    name: 'expression-eval',
    argv: [process.execPath, benchScript('processes/expression-eval.ts')],
    role: 'server',
    ipc: true,
  });
  try {
    const rows: CaseRow[] = [];
    const modes = ['native', 'sandbox', 'batch', 'worker', 'workerBatch'] as const;
    type Round = Record<(typeof modes)[number], EvaluationTimes>;
    for (const { bytes, label } of sizes) {
      const measure = async (): Promise<Round> => {
        const round: Partial<Round> = {};
        for (const mode of modes) round[mode] = await evaluator.call<EvaluationTimes>(mode, { bytes, count, seconds });
        return round as Round;
      };
      context.log(`expression-eval ${label}: warm-up`);
      await measure();
      const rounds: Round[] = [];
      for (let round = 1; round <= context.settings.rounds; round++) rounds.push(await measure());
      const pick = (select: (round: Round) => number) => median(rounds.map(select));
      const p50 = (mode: (typeof modes)[number]) => pick((round) => round[mode].p50Micros);
      const p99 = (mode: (typeof modes)[number]) => pick((round) => round[mode].p99Micros);
      const path = rounds[0]?.sandbox.path ?? 'unknown';
      const native = { p50: p50('native'), p99: p99('native') };
      const ratio = costRatio(native.p50, p50('sandbox'));
      context.log(
        `expression-eval ${label} (${rounds[0]?.native.recordBytes} bytes): native p50 ${native.p50.toFixed(2)} µs, ` +
          `sandbox (${path}) p50 ${p50('sandbox').toFixed(1)} µs, batched ${p50('batch').toFixed(1)} µs/item, ` +
          `worker p50 ${p50('worker').toFixed(1)} µs, worker batched ${p50('workerBatch').toFixed(1)} µs/item`,
      );
      const compared = (name: string, baseline: number, service: number) =>
        row({ name, baseline, service, ratio: costRatio(baseline, service), unit: 'µs/evaluation' });
      rows.push(
        row({
          name: `expression-eval ${label} p50 (${path})`,
          baseline: native.p50,
          service: p50('sandbox'),
          ratio,
          unit: 'µs/evaluation',
          target: `≥ ${(1 / allowedFactor).toFixed(3)} (≤ ${allowedFactor}× native)`,
          met: ratio >= 1 / allowedFactor,
        }),
        compared(`expression-eval ${label} p99 (${path})`, native.p99, p99('sandbox')),
        compared(`expression-eval ${label} batched p50 (${rounds[0]?.batch.path ?? 'unknown'})`, native.p50, p50('batch')),
        compared(`expression-eval ${label} p50 (worker thread)`, native.p50, p50('worker')),
        compared(`expression-eval ${label} p99 (worker thread)`, native.p99, p99('worker')),
        compared(`expression-eval ${label} batched p50 (worker thread)`, native.p50, p50('workerBatch')),
      );
    }
    return rows;
  } finally {
    await evaluator.stop();
  }
}
