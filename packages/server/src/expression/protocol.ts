// Messages between the sandbox (main thread) and its worker thread.
import type { EvaluationInput } from './engine.ts';
import type { ExpressionCheck, ExpressionLimits, ExpressionOutcome } from './types.ts';

export type JobRequest =
  | { kind: 'check'; source: string }
  | { kind: 'evaluate'; source: string; input: EvaluationInput };

export type Job = JobRequest & { id: number };

export type JobAnswer =
  | { id: number; kind: 'check'; check: ExpressionCheck }
  | { id: number; kind: 'evaluate'; outcome: ExpressionOutcome };

export interface JobsMessage {
  jobs: Job[];
}

export interface AnswersMessage {
  answers: JobAnswer[];
}

export interface WorkerSetup {
  limits: ExpressionLimits;
  /**
   * One Int32 over shared memory: the id of the job the worker is running, or `noJobRunning`. The main
   * thread reads it to see which job is stuck without any message from a worker that may never answer.
   */
  runningJob: Int32Array;
}

export const noJobRunning = 0;
