export interface ExpressionLimits {
  /** Wall-clock time one evaluation (or compilation) may take. */
  timeoutMs: number;
  /** Memory an expression may allocate on top of what the sandbox itself needs. */
  memoryBytes: number;
  /** C stack QuickJS may use, which bounds recursion depth. */
  stackBytes: number;
}

export const defaultExpressionLimits: ExpressionLimits = {
  timeoutMs: 100,
  memoryBytes: 16 * 1024 * 1024,
  stackBytes: 64 * 1024,
};

/** The changed record an expression is evaluated against. */
export interface ExpressionRecord {
  fields: Record<string, string>;
  previous: Record<string, string> | null;
  action: string;
  type: string;
  interests: string[];
}

/** `error` is set when the expression threw or hit a limit; `matched` is false then. */
export type ExpressionOutcome = { matched: boolean; error?: string };

export type ExpressionCheck = { ok: true } | { ok: false; message: string };

export interface ExpressionSandboxOptions {
  /**
   * Whether bounded expressions (no calls, no loops; see analysis.ts) are evaluated on the calling thread
   * instead of the worker thread. Default true; false sends every evaluation through the worker.
   */
  mainThread?: boolean;
  /** The clock the time-out bench reads (milliseconds); tests pass their own. Default Date.now. */
  now?: () => number;
}

/** Where an evaluation runs; `none` for an empty expression, which matches without evaluating. */
export type EvaluationPath = 'main thread' | 'worker thread' | 'none';

export interface ExpressionSandbox {
  /** Compiles without evaluating; a syntax error comes back with the parser's message. */
  check(source: string): Promise<ExpressionCheck>;
  /**
   * `owner` (a callback's ID, say) keys the time-out bench: once the same source of the same owner has
   * run out of time `timeOutsBeforeBench` times in a row, its evaluations are skipped for a while (see
   * sandbox.ts). Without an owner the source alone is the key.
   */
  evaluate(source: string, record: ExpressionRecord, owner?: string): Promise<ExpressionOutcome>;
  /** Evaluates a batch in one round trip to the sandbox thread; outcomes are in input order. */
  evaluateMany(items: Array<{ source: string; record: ExpressionRecord }>): Promise<ExpressionOutcome[]>;
  /** Where `evaluate(source, record)` would run, for tests and benchmarks. */
  evaluationPath(source: string, record: ExpressionRecord): EvaluationPath;
  /** Stops the sandbox thread; calls still pending are rejected. */
  close(): Promise<void>;
}

export const timeLimitMessage = 'expression exceeded its time limit';
