// The main-thread side: queues jobs to one worker thread that owns QuickJS, and is the hard time bound.
// QuickJS polls its interrupt handler only every ~10k operations, so a loop of expensive built-ins
// (`'x'.repeat(1 << 18)`) can run for seconds past the deadline; when the job the worker is running
// has not changed for timeoutMs + backstopMarginMs, the worker is terminated and replaced.
//
// The queue is not bounded here: callers evaluate what they claimed from the outbox, which bounds it,
// and refusing work would turn load into skipped deliveries.
import { Worker } from 'node:worker_threads';
import { largestExpressionMemoryBytes } from './engine.ts';
import {
  noJobRunning,
  type AnswersMessage,
  type Job,
  type JobAnswer,
  type JobRequest,
  type WorkerSetup,
} from './protocol.ts';
import {
  defaultExpressionLimits,
  timeLimitMessage,
  type ExpressionLimits,
  type ExpressionOutcome,
  type ExpressionRecord,
  type ExpressionSandbox,
} from './types.ts';
import { isAlwaysTrue } from './wrap.ts';

/** Headroom over the deadline before the backstop fires, so it only catches what the interrupt misses. */
export const backstopMarginMs = 100;
const largestJobId = 2 ** 31 - 1;

interface PendingJob {
  job: Job;
  settle(answer: JobAnswer): void;
  reject(error: Error): void;
}

interface SandboxThread {
  worker: Worker;
  runningJob: Int32Array;
}

export function createExpressionSandbox(limits: Partial<ExpressionLimits> = {}): ExpressionSandbox {
  const resolvedLimits = resolveLimits(limits);
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

  async function evaluate(source: string, record: ExpressionRecord): Promise<ExpressionOutcome> {
    if (isAlwaysTrue(source)) return { matched: true };
    const answer = await submit({ kind: 'evaluate', source, recordJson: recordJson(record) });
    return answer.kind === 'evaluate' ? answer.outcome : unexpected(answer);
  }

  return {
    async check(source) {
      if (isAlwaysTrue(source)) return { ok: true };
      const answer = await submit({ kind: 'check', source });
      return answer.kind === 'check' ? answer.check : unexpected(answer);
    },
    evaluate,
    evaluateMany(items) {
      return Promise.all(items.map((item) => evaluate(item.source, item.record)));
    },
    async close() {
      closed = true;
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

function recordJson(record: ExpressionRecord): string {
  const { fields, previous, action, type, interests } = record;
  return JSON.stringify({ fields, previous, action, type, interests });
}

function failedAnswer(job: Job, message: string): JobAnswer {
  if (job.kind === 'check') return { id: job.id, kind: 'check', check: { ok: false, message } };
  return { id: job.id, kind: 'evaluate', outcome: { matched: false, error: message } };
}

function unexpected(answer: JobAnswer): never {
  throw new Error(`expression sandbox answered job ${answer.id} with a ${answer.kind} result`);
}
