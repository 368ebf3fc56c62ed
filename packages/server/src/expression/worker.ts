// Worker thread entry: owns the QuickJS engine, answers jobs in the order they arrive, and publishes
// which job it is running so the main thread can terminate it when a job outlives its deadline.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { createExpressionEngine, type ExpressionEngine } from './engine.ts';
import { noJobRunning, type Job, type JobAnswer, type JobsMessage, type WorkerSetup } from './protocol.ts';

const { limits, runningJob } = workerData as WorkerSetup;
const port = parentPortOrFail();

let engine: ExpressionEngine | undefined;
let answering = Promise.resolve();

port.on('message', (message: JobsMessage) => {
  // Building an engine is asynchronous; chaining keeps jobs from two messages from interleaving.
  answering = answering.then(() => answerAll(message.jobs));
});

async function answerAll(jobs: Job[]): Promise<void> {
  const answers: JobAnswer[] = [];
  for (const job of jobs) {
    engine ??= await createExpressionEngine(limits);
    Atomics.store(runningJob, 0, job.id);
    answers.push(answer(engine, job));
    Atomics.store(runningJob, 0, noJobRunning);
    if (engine.broken) engine = undefined;
  }
  port.postMessage({ answers });
}

function answer(engine: ExpressionEngine, job: Job): JobAnswer {
  if (job.kind === 'check') return { id: job.id, kind: 'check', check: engine.check(job.source) };
  return { id: job.id, kind: 'evaluate', outcome: engine.evaluate(job.source, job.input) };
}

function parentPortOrFail(): MessagePort {
  if (parentPort === null) throw new Error('worker.ts runs only as a worker thread');
  return parentPort;
}
