// Runs on the server core, as the sandbox does inside Tidings: one typical condition evaluated against
// records of a given size, natively (new Function, compiled once) and in the QuickJS sandbox through its
// public API, as the delivery worker calls it. The sandbox evaluates this condition (no calls) on the
// calling thread; `worker` and `workerBatch` force the same condition through the worker thread, which is
// where any condition with a call goes.
import {
  createExpressionSandbox,
  type EvaluationPath,
  type ExpressionRecord,
  type ExpressionSandbox,
} from '../../packages/server/src/expression/index.ts';
import { serveHarness } from '../lib/child.ts';
import { percentile } from '../lib/stats.ts';

const condition = "company == 'Apple' && city != 'Paris'";

export interface EvaluationTimes {
  p50Micros: number;
  p99Micros: number;
  recordBytes: number;
  path: EvaluationPath | 'native';
}

/** A profile update of about `bytes` bytes as JSON: typical fields, then more attributes to fill. */
function recordOfSize(bytes: number): ExpressionRecord {
  const record: ExpressionRecord = {
    fields: { firstname: 'Johanna', lastname: 'van der Berg', email: 'johanna@example.com', company: 'Apple', city: 'Amsterdam' },
    previous: { city: 'Rotterdam' },
    action: 'update',
    type: 'profile',
    interests: ['news', 'deals'],
  };
  const text = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor ';
  for (let index = 1; JSON.stringify(record).length < bytes; index++) {
    const room = bytes - JSON.stringify(record).length - `,"attribute${index}":""`.length;
    record.fields[`attribute${index}`] = text.repeat(3).slice(0, Math.max(1, Math.min(room, 200)));
  }
  return record;
}

const native = new Function('scope', `with (scope) { return (\n${condition}\n); }`) as (scope: object) => unknown;

/** What any evaluator has to do: every field in scope as a variable, plus the five record names. */
function evaluateNatively(record: ExpressionRecord): boolean {
  const scope: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, record.fields);
  scope.fields = record.fields;
  scope.previous = record.previous;
  scope.action = record.action;
  scope.type = record.type;
  scope.interests = record.interests;
  return Boolean(native(scope));
}

function summarize(micros: number[], record: ExpressionRecord, within?: ExpressionSandbox): EvaluationTimes {
  return {
    p50Micros: percentile(micros, 0.5),
    p99Micros: percentile(micros, 0.99),
    recordBytes: JSON.stringify(record).length,
    path: within === undefined ? 'native' : within.evaluationPath(condition, record),
  };
}

/** Up to `count` evaluations, or fewer when `seconds` run out (never fewer than 100 timings). */
interface Run {
  bytes: number;
  count: number;
  seconds: number;
}

const deadlineAfter = (seconds: number) => performance.now() + seconds * 1000;
const past = (deadline: number, timings: number) => timings >= 100 && performance.now() > deadline;

const sandbox = createExpressionSandbox();
const workerSandbox = createExpressionSandbox({}, { mainThread: false });
const nativeGroup = 10;
const batchSize = 100;

/** One awaited evaluation at a time: the latency of a single verdict. */
async function oneByOne(within: ExpressionSandbox, { bytes, count, seconds }: Run): Promise<EvaluationTimes> {
  const record = recordOfSize(bytes);
  const micros: number[] = [];
  const deadline = deadlineAfter(seconds);
  for (let index = 0; index < count && !past(deadline, micros.length); index++) {
    const started = process.hrtime.bigint();
    const outcome = await within.evaluate(condition, record);
    micros.push(Number(process.hrtime.bigint() - started) / 1000);
    if (!outcome.matched) throw new Error(`the condition did not match in the sandbox: ${outcome.error ?? 'false'}`);
  }
  return summarize(micros, record, within);
}

/** Batches of 100 through evaluateMany, as a claimed batch travels: cost per item. */
async function batched(within: ExpressionSandbox, { bytes, count, seconds }: Run): Promise<EvaluationTimes> {
  const record = recordOfSize(bytes);
  const items = Array.from({ length: batchSize }, () => ({ source: condition, record }));
  const micros: number[] = [];
  const deadline = deadlineAfter(seconds);
  for (let batch = 0; batch < count / batchSize && !past(deadline, micros.length); batch++) {
    const started = process.hrtime.bigint();
    const outcomes = await within.evaluateMany(items);
    micros.push(Number(process.hrtime.bigint() - started) / 1000 / batchSize);
    if (!outcomes.every((outcome) => outcome.matched)) throw new Error('the condition did not match in a batch');
  }
  return summarize(micros, record, within);
}

serveHarness({
  /** Timed in groups of 10, so the clock's own cost (≈ 50 ns) does not swamp sub-microsecond evaluations. */
  native({ bytes, count, seconds }: Run): EvaluationTimes {
    const record = recordOfSize(bytes);
    const micros: number[] = [];
    const deadline = deadlineAfter(seconds);
    for (let group = 0; group < count / nativeGroup && !past(deadline, micros.length); group++) {
      const started = process.hrtime.bigint();
      let matched = 0;
      for (let index = 0; index < nativeGroup; index++) if (evaluateNatively(record)) matched++;
      micros.push(Number(process.hrtime.bigint() - started) / 1000 / nativeGroup);
      if (matched !== nativeGroup) throw new Error('the condition did not match natively');
    }
    return summarize(micros, record);
  },
  sandbox: (run: Run) => oneByOne(sandbox, run),
  batch: (run: Run) => batched(sandbox, run),
  worker: (run: Run) => oneByOne(workerSandbox, run),
  workerBatch: (run: Run) => batched(workerSandbox, run),
});
