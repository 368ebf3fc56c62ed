// The main-thread side: queues jobs to one worker thread that owns QuickJS, and is the hard time bound.
// QuickJS polls its interrupt handler only every ~10k operations, so a loop of expensive built-ins
// (`'x'.repeat(1 << 18)`) can run for seconds past the deadline; when the job the worker is running
// has not changed for timeoutMs + backstopMarginMs, the worker is terminated and replaced.
//
// A bounded expression (analysis.ts: no calls, no loops, nothing that makes a function or an object) is
// evaluated right here instead, in a QuickJS engine of its own with the same hardening and limits: the
// hop to the worker costs far more than such an evaluation (≈ 80 µs against ≈ 5 µs), and nothing is
// left for a backstop to catch. The work such an expression does is at most its length squared (a chain
// of concatenations copies each partial result) times the size of its values, so only an evaluation
// within `mainThreadWorkBudget` stays here; a long expression over a large record goes to the worker.
//
// The queue is not bounded here: callers evaluate what they claimed from the outbox, which bounds it,
// and refusing work would turn load into skipped deliveries.
//
// An owner's source that keeps running out of time is benched (time-out-bench.ts).
import { Buffer } from 'node:buffer';
import { Worker } from 'node:worker_threads';
import { analyzeExpression, type ExpressionAnalysis } from './analysis.ts';
import { createCompileCache } from './compile-cache.ts';
import {
  createExpressionEngine,
  largestExpressionMemoryBytes,
  type EvaluationInput,
  type ExpressionEngine,
} from './engine.ts';
import {
  noJobRunning,
  type AnswersMessage,
  type Job,
  type JobAnswer,
  type JobRequest,
  type WorkerSetup,
} from './protocol.ts';
import { evaluationInput } from './scope.ts';
import {
  defaultExpressionLimits,
  timeLimitMessage,
  type EvaluationPath,
  type ExpressionLimits,
  type ExpressionOutcome,
  type ExpressionRecord,
  type ExpressionSandbox,
  type ExpressionSandboxOptions,
} from './types.ts';
import { TimeOutBench } from './time-out-bench.ts';
import { isAlwaysTrue } from './wrap.ts';


/** Headroom over the deadline before the backstop fires, so it only catches what the interrupt misses. */
export const backstopMarginMs = 100;
const largestJobId = 2 ** 31 - 1;

/**
 * Bound on S² × (I + S + 64) for a main-thread evaluation, S and I being the source's and the input's
 * UTF-8 bytes: the longest value a bounded expression can build is its leaves concatenated (record
 * values, its own literals, an intrinsic's short text), and each of its operators handles at most that.
 * Bytes, not characters: QuickJS handles a string as UTF-8 in places (ToNumber skips Unicode spaces one
 * byte at a time, ≈ 9 ns per byte), so `\uFEFF` costs three times `a`. The input is capped too, and so
 * are the keys, arrays and objects it holds: QuickJS makes an atom of each key, and keys chosen to collide in its atom hash
 * make JSON.parse quadratic in their number (6,400 of them took 270 ms in one call the interrupt never
 * sees). Measured at the edge, the costliest admitted shapes (chains of concatenations compared or
 * converted to a number, Unicode spaces included; arrays of arrays joined; colliding keys) took 1 to 13 ms
 * worst of 7 runs, compilation included, on a loaded machine (typically 1 to 6 ms: a chain of 61 `a` of
 * 1,389 U+FEFF each converted to a number ≈ 5 ms, 61 copies of 253 nested arrays joined ≈ 6–13 ms and
 * polling the deadline on each join, 248 colliding keys ≈ 3 ms), inside the default deadline and far
 * inside the backstop's margin. Those figures are for twice the limits below (2 ** 26, 256 structures):
 * halved, the costliest shapes do about half the work, for margin against a slower machine.
 */
const mainThreadWorkBudget = 2 ** 25;
const largestMainThreadInput = 8 * 1024;
/**
 * Keys, arrays and objects in the input, together: besides colliding keys, converting nested arrays to
 * text calls a join for each (30 copies of an array of 2,700 empty arrays took ≈ 45 ms).
 */
const largestMainThreadStructures = 128;
/**
 * Compiling a reference to a global name leaves something behind in the QuickJS context for good (≈ 120
 * bytes a distinct name, measured; evicting the compiled code does not give it back), so distinct names
 * without end would fill the main-thread engine's memory until it broke and had to be rebuilt, a stall
 * of ≈ 40 ms. Past this many distinct names, a source with a new one goes to the worker instead.
 */
const largestMainThreadNames = 16_384;
const analysisCacheBounds = { maxEntries: 10_000, maxBytes: 8 * 1024 * 1024 };

interface AnalysedSource {
  analysis: ExpressionAnalysis;
  sourceBytes: number;
}

interface PendingJob {
  job: Job;
  settle(answer: JobAnswer): void;
  reject(error: Error): void;
}

interface SandboxThread {
  worker: Worker;
  runningJob: Int32Array;
}


export function createExpressionSandbox(
  limits: Partial<ExpressionLimits> = {},
  options: ExpressionSandboxOptions = {},
): ExpressionSandbox {
  const resolvedLimits = resolveLimits(limits);
  const mainThreadAllowed = options.mainThread ?? true;
  const now = options.now ?? Date.now;
  const bench = new TimeOutBench(now);
  const analyses = createCompileCache<AnalysedSource>(analysisCacheBounds, () => {});
  let mainEngine: ExpressionEngine | undefined;
  let mainEngineLoading: Promise<ExpressionEngine> | undefined;
  /** The names the main-thread engine has compiled (see largestMainThreadNames). */
  let mainThreadNames = new Set<string>();
  const watchdogIntervalMs = Math.max(5, Math.min(25, Math.floor(resolvedLimits.timeoutMs / 4)));
  // Insertion order is job order; answers and resends follow it.
  const pending = new Map<number, PendingJob>();
  let unsent: Job[] = [];
  let flushScheduled = false;
  let lastJobId = 0;
  let thread: SandboxThread | undefined;
  let watchdog: ReturnType<typeof setInterval> | undefined;
  let stuckSince: { jobId: number; at: number } | undefined;
  let closed = false;

  function submit(request: JobRequest): Promise<JobAnswer> {
    if (closed) return Promise.reject(new Error('expression sandbox is closed'));
    return new Promise((settle, reject) => {
      lastJobId = lastJobId === largestJobId ? 1 : lastJobId + 1;
      const job: Job = { ...request, id: lastJobId };
      pending.set(job.id, { job, settle, reject });
      unsent.push(job);
      if (!flushScheduled) {
        flushScheduled = true;
        // Calls made in the same tick travel to the worker as one message.
        queueMicrotask(flush);
      }
    });
  }

  function flush(): void {
    flushScheduled = false;
    if (closed || unsent.length === 0) return;
    const current = thread ?? startThread();
    current.worker.postMessage({ jobs: unsent });
    unsent = [];
    current.worker.ref();
    watchdog ??= setInterval(checkForStuckJob, watchdogIntervalMs).unref();
  }

  function startThread(): SandboxThread {
    const setup: WorkerSetup = {
      limits: resolvedLimits,
      runningJob: new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)),
    };
    // The parent's flags are not the worker's business (`--input-type`, say, makes it fail to start);
    // Node 24 loads the TypeScript entry with type stripping alone.
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { workerData: setup, execArgv: [] });
    const started: SandboxThread = { worker, runningJob: setup.runningJob };
    worker.on('message', (message: AnswersMessage) => {
      if (thread === started) receive(message.answers);
    });
    worker.on('error', (error) => {
      if (thread === started) replaceThread(started, `expression sandbox crashed: ${error.message}`);
    });
    worker.on('exit', (code) => {
      if (thread === started) replaceThread(started, `expression sandbox stopped with exit code ${code}`);
    });
    thread = started;
    return started;
  }

  function receive(answers: JobAnswer[]): void {
    for (const answer of answers) {
      const waiting = pending.get(answer.id);
      if (waiting === undefined) continue;
      pending.delete(answer.id);
      waiting.settle(answer);
    }
    if (pending.size === 0) becomeIdle();
  }

  function becomeIdle(): void {
    thread?.worker.unref();
    clearInterval(watchdog);
    watchdog = undefined;
    stuckSince = undefined;
  }

  function checkForStuckJob(): void {
    if (thread === undefined) return;
    const jobId = Atomics.load(thread.runningJob, 0);
    const now = performance.now();
    if (jobId === noJobRunning) {
      stuckSince = undefined;
    } else if (stuckSince?.jobId !== jobId) {
      stuckSince = { jobId, at: now };
    } else if (now - stuckSince.at > resolvedLimits.timeoutMs + backstopMarginMs) {
      replaceThread(thread, timeLimitMessage);
    }
  }

  /**
   * The job the dead worker was running gets `reason` as its answer; every other pending job is sent
   * again to a fresh worker (its compile cache starts empty), since none of them caused the failure.
   * A worker that dies between jobs (say, while loading QuickJS) has no culprit: everything fails then,
   * rather than being retried in a loop.
   */
  function replaceThread(dead: SandboxThread, reason: string): void {
    const culpritId = Atomics.load(dead.runningJob, 0);
    thread = undefined;
    void discard(dead);
    becomeIdle();

    if (culpritId === noJobRunning) {
      for (const waiting of pending.values()) waiting.settle(failedAnswer(waiting.job, reason));
      pending.clear();
      unsent = [];
      return;
    }
    const culprit = pending.get(culpritId);
    if (culprit !== undefined) {
      pending.delete(culpritId);
      culprit.settle(failedAnswer(culprit.job, reason));
    }
    unsent = [...pending.values()].map((waiting) => waiting.job);
    flush();
  }

  function analysisOf(source: string): AnalysedSource {
    let analysed = analyses.get(source);
    if (analysed === undefined) {
      analysed = { analysis: analyzeExpression(source), sourceBytes: Buffer.byteLength(source) };
      analyses.set(source, analysed, 64 + 2 * source.length);
    }
    return analysed;
  }

  /** `input` is undefined for a check, which compiles without evaluating. */
  function staysOnMainThread({ analysis, sourceBytes }: AnalysedSource, input: EvaluationInput | undefined): boolean {
    if (!mainThreadAllowed || !analysis.bounded || !namesFit(analysis)) return false;
    const inputBytes = input === undefined ? 0 : mainThreadInputBytes(inputJson(input));
    if (inputBytes === undefined) return false;
    return sourceBytes ** 2 * (inputBytes + sourceBytes + 64) <= mainThreadWorkBudget;
  }

  function namesFit({ names = [] }: ExpressionAnalysis): boolean {
    if (mainThreadNames.size + names.length <= largestMainThreadNames) return true;
    let added = 0;
    for (const name of names) if (!mainThreadNames.has(name)) added++;
    return mainThreadNames.size + added <= largestMainThreadNames;
  }

  function noteNames({ names = [] }: ExpressionAnalysis): void {
    for (const name of names) mainThreadNames.add(name);
  }

  /** The engine for main-thread evaluations, built on first use and again after it broke. */
  async function mainThreadEngine(): Promise<ExpressionEngine> {
    if (mainEngine !== undefined && !mainEngine.broken) return mainEngine;
    if (mainEngine !== undefined) mainThreadNames = new Set();
    mainEngine = undefined;
    mainEngineLoading ??= createExpressionEngine(resolvedLimits).finally(() => {
      mainEngineLoading = undefined;
    });
    const engine = await mainEngineLoading;
    if (!closed) mainEngine ??= engine;
    return engine;
  }

  async function onMainThread<T>(work: (engine: ExpressionEngine) => T): Promise<T> {
    const engine = await mainThreadEngine();
    if (closed) throw new Error('expression sandbox is closed');
    return work(engine);
  }

  async function evaluate(source: string, record: ExpressionRecord, owner?: string): Promise<ExpressionOutcome> {
    if (closed) throw new Error('expression sandbox is closed');
    if (isAlwaysTrue(source)) return { matched: true };
    const skipped = bench.skip(source, owner);
    if (skipped !== undefined) return skipped;
    const analysed = analysisOf(source);
    const input = evaluationInput(analysed.analysis, record);
    if (staysOnMainThread(analysed, input)) {
      noteNames(analysed.analysis);
      // Synchronous once the engine exists: the await of onMainThread alone costs ≈ 0.3 µs.
      if (mainEngine !== undefined && !mainEngine.broken) return mainEngine.evaluate(source, input);
      return onMainThread((engine) => engine.evaluate(source, input));
    }
    const answer = await submit({ kind: 'evaluate', source, input });
    if (answer.kind !== 'evaluate') unexpected(answer);
    return bench.note(source, owner, answer.outcome);
  }

  return {
    async check(source) {
      if (closed) throw new Error('expression sandbox is closed');
      if (isAlwaysTrue(source)) return { ok: true };
      // Compiling is bounded by the source's length, and a bounded source is short enough.
      const analysed = analysisOf(source);
      if (staysOnMainThread(analysed, undefined)) {
        noteNames(analysed.analysis);
        return onMainThread((engine) => engine.check(source));
      }
      const answer = await submit({ kind: 'check', source });
      return answer.kind === 'check' ? answer.check : unexpected(answer);
    },
    evaluate,
    evaluateMany(items) {
      return Promise.all(items.map((item) => evaluate(item.source, item.record)));
    },
    evaluationPath(source, record): EvaluationPath {
      if (isAlwaysTrue(source)) return 'none';
      const analysed = analysisOf(source);
      return staysOnMainThread(analysed, evaluationInput(analysed.analysis, record)) ? 'main thread' : 'worker thread';
    },
    async close() {
      closed = true;
      mainEngine = undefined;
      const stopping = thread;
      thread = undefined;
      becomeIdle();
      for (const waiting of pending.values()) waiting.reject(new Error('expression sandbox is closed'));
      pending.clear();
      unsent = [];
      if (stopping !== undefined) await discard(stopping);
    },
  };
}

async function discard(stopping: SandboxThread): Promise<void> {
  stopping.worker.removeAllListeners();
  stopping.worker.on('error', () => {});
  await stopping.worker.terminate();
}

function resolveLimits(limits: Partial<ExpressionLimits>): ExpressionLimits {
  const resolved = { ...defaultExpressionLimits, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`expression limit ${name} must be a positive whole number, got ${value}`);
    }
  }
  if (resolved.memoryBytes > largestExpressionMemoryBytes) {
    throw new RangeError(`expression limit memoryBytes must be at most ${largestExpressionMemoryBytes}`);
  }
  return resolved;
}

function inputJson(input: EvaluationInput): string {
  return 'scopeJson' in input ? input.scopeJson : input.recordJson;
}

/**
 * The UTF-8 bytes of an input small enough for the main thread, with few enough keys, arrays and objects;
 * undefined for any other. Every key in JSON.stringify's output is followed by `":` and every array or
 * object starts with `[` or `{`, so counting those (in strings too) bounds them.
 */
function mainThreadInputBytes(json: string): number | undefined {
  if (json.length > largestMainThreadInput) return undefined;
  const bytes = Buffer.byteLength(json);
  if (bytes > largestMainThreadInput) return undefined;
  if (json.length <= largestMainThreadStructures) return bytes;
  let structures = 0;
  for (let index = 0; index < json.length; index++) {
    const code = json.charCodeAt(index);
    // `[`, `{`, or `"` followed by `:`
    if (code === 0x5b || code === 0x7b || (code === 0x22 && json.charCodeAt(index + 1) === 0x3a)) {
      if (++structures > largestMainThreadStructures) return undefined;
    }
  }
  return bytes;
}

function failedAnswer(job: Job, message: string): JobAnswer {
  if (job.kind === 'check') return { id: job.id, kind: 'check', check: { ok: false, message } };
  return { id: job.id, kind: 'evaluate', outcome: { matched: false, error: message } };
}

function unexpected(answer: JobAnswer): never {
  throw new Error(`expression sandbox answered job ${answer.id} with a ${answer.kind} result`);
}
