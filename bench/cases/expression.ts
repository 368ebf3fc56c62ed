// expression-eval: one typical condition on records of three sizes, in the QuickJS sandbox against
// the same condition compiled natively with new Function. The evaluations run in a process of their
// own on the server core, as they do inside Tidings.
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
    for (const { bytes, label } of sizes) {
      const run = (mode: 'native' | 'sandbox' | 'batch') => evaluator.call<EvaluationTimes>(mode, { bytes, count, seconds });
      context.log(`expression-eval ${label}: warm-up`);
      await run('native');
      await run('sandbox');
      await run('batch');
      const rounds: Array<Record<'native' | 'sandbox' | 'batch', EvaluationTimes>> = [];
      for (let round = 1; round <= context.settings.rounds; round++) {
        rounds.push({ native: await run('native'), sandbox: await run('sandbox'), batch: await run('batch') });
      }
      const pick = (select: (round: (typeof rounds)[number]) => number) => median(rounds.map(select));
      const native = { p50: pick((round) => round.native.p50Micros), p99: pick((round) => round.native.p99Micros) };
      const sandbox = { p50: pick((round) => round.sandbox.p50Micros), p99: pick((round) => round.sandbox.p99Micros) };
      const batched = pick((round) => round.batch.p50Micros);
      const ratio = costRatio(native.p50, sandbox.p50);
      context.log(
        `expression-eval ${label} (${rounds[0]?.native.recordBytes} bytes): native p50 ${native.p50.toFixed(2)} µs, ` +
          `sandbox p50 ${sandbox.p50.toFixed(1)} µs, batched ${batched.toFixed(1)} µs/item`,
      );
      rows.push(
        row({
          name: `expression-eval ${label} p50`,
          baseline: native.p50,
          service: sandbox.p50,
          ratio,
          unit: 'µs/evaluation',
          target: `≥ ${(1 / allowedFactor).toFixed(3)} (≤ ${allowedFactor}× native)`,
          met: ratio >= 1 / allowedFactor,
        }),
        row({
          name: `expression-eval ${label} p99`,
          baseline: native.p99,
          service: sandbox.p99,
          ratio: costRatio(native.p99, sandbox.p99),
          unit: 'µs/evaluation',
        }),
        row({
          name: `expression-eval ${label} batched p50`,
          baseline: native.p50,
          service: batched,
          ratio: costRatio(native.p50, batched),
          unit: 'µs/evaluation',
        }),
      );
    }
    return rows;
  } finally {
    await evaluator.stop();
  }
}
