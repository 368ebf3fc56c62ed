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
import { isAlwaysTrue } from './wrap.ts';

/** Headroom over the deadline before the backstop fires, so it only catches what the interrupt misses. */
export const backstopMarginMs = 100;
const largestJobId = 2 ** 31 - 1;

/**
 * Bound on source length² × (input length + source length + 64) for a main-thread evaluation: the longest
 * value a bounded expression can build is its leaves concatenated (record values, its own literals, an
 * intrinsic's short text), and each of its operators handles at most that. The input itself is capped
 * too: megabyte strings cost far more per byte (a chain of fifteen 1 MB concatenations took 375 ms).
 * Measured at the edge, the costliest admitted shapes (chains of concatenations compared or converted to
 * a number, nested array literals joined) take under 10 ms, inside the default deadline and far inside
 * the backstop's margin.
 */
const mainThreadWorkBudget = 2 ** 30;
const largestMainThreadInput = 64 * 1024;
const analysisCacheBounds = { maxEntries: 10_000, maxBytes: 8 * 1024 * 1024 };

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
  const analyses = createCompileCache<ExpressionAnalysis>(analysisCacheBounds, () => {});
  let mainEngine: ExpressionEngine | undefined;
  let mainEngineLoading: Promise<ExpressionEngine> | undefined;
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

  function analysisOf(source: string): ExpressionAnalysis {
    let analysis = analyses.get(source);
    if (analysis === undefined) {
      analysis = analyzeExpression(source);
      analyses.set(source, analysis, 64 + 2 * source.length);
    }
    return analysis;
  }

  function staysOnMainThread(source: string, analysis: ExpressionAnalysis, inputLength: number): boolean {
    if (!mainThreadAllowed || !analysis.bounded || inputLength > largestMainThreadInput) return false;
    return source.length ** 2 * (inputLength + source.length + 64) <= mainThreadWorkBudget;
  }

  /** The engine for main-thread evaluations, built on first use and again after it broke. */
  async function mainThreadEngine(): Promise<ExpressionEngine> {
    if (mainEngine !== undefined && !mainEngine.broken) return mainEngine;
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

  async function evaluate(source: string, record: ExpressionRecord): Promise<ExpressionOutcome> {
    if (closed) throw new Error('expression sandbox is closed');
    if (isAlwaysTrue(source)) return { matched: true };
    const analysis = analysisOf(source);
    const input = evaluationInput(analysis, record);
    if (staysOnMainThread(source, analysis, inputLength(input))) {
      // Synchronous once the engine exists: the await of onMainThread alone costs ≈ 0.3 µs.
      if (mainEngine !== undefined && !mainEngine.broken) return mainEngine.evaluate(source, input);
      return onMainThread((engine) => engine.evaluate(source, input));
    }
    const answer = await submit({ kind: 'evaluate', source, input });
    return answer.kind === 'evaluate' ? answer.outcome : unexpected(answer);
  }

  return {
    async check(source) {
      if (closed) throw new Error('expression sandbox is closed');
      if (isAlwaysTrue(source)) return { ok: true };
      // Compiling is bounded by the source's length, and a bounded source is short enough.
      if (staysOnMainThread(source, analysisOf(source), 0)) return onMainThread((engine) => engine.check(source));
      const answer = await submit({ kind: 'check', source });
      return answer.kind === 'check' ? answer.check : unexpected(answer);
    },
    evaluate,
    evaluateMany(items) {
      return Promise.all(items.map((item) => evaluate(item.source, item.record)));
    },
    evaluationPath(source, record): EvaluationPath {
      if (isAlwaysTrue(source)) return 'none';
      const analysis = analysisOf(source);
      return staysOnMainThread(source, analysis, inputLength(evaluationInput(analysis, record))) ? 'main thread' : 'worker thread';
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

function inputLength(input: EvaluationInput): number {
  return 'scopeJson' in input ? input.scopeJson.length : input.recordJson.length;
}

function failedAnswer(job: Job, message: string): JobAnswer {
  if (job.kind === 'check') return { id: job.id, kind: 'check', check: { ok: false, message } };
  return { id: job.id, kind: 'evaluate', outcome: { matched: false, error: message } };
}

function unexpected(answer: JobAnswer): never {
  throw new Error(`expression sandbox answered job ${answer.id} with a ${answer.kind} result`);
}
