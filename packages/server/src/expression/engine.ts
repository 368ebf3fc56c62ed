// One QuickJS instance with a long-lived context: compiles each distinct expression once, keeps the
// compiled function in a bounded cache, and evaluates it against records. Synchronous and
// single-threaded; the worker thread owns it and the main thread enforces the hard time bound.
import { Buffer } from 'node:buffer';
import {
  DefaultIntrinsics,
  Lifetime,
  newQuickJSWASMModuleFromVariant,
  newVariant,
  RELEASE_SYNC,
  type BorrowedHeapCharPointer,
  type JSContextPointer,
  type JSValueConstPointerPointer,
  type JSValuePointer,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
} from 'quickjs-emscripten';
import { createCompileCache } from './compile-cache.ts';
import { sandboxPreludeSource } from './prelude.ts';
import {
  timeLimitMessage,
  type ExpressionCheck,
  type ExpressionLimits,
  type ExpressionOutcome,
} from './types.ts';
import { expressionFunctionSource, notSingleExpressionMessage, singleExpressionProbeSource } from './wrap.ts';

const MiB = 1024 * 1024;
const wasmPageBytes = 64 * 1024;
/** The QuickJS module declares 16 MiB as its minimum memory: static data, C stack and the first heap. */
const moduleBaseBytes = 16 * MiB;
/** Emscripten built this module for at most 2 GiB of memory. */
const largestModuleBytes = 2048 * MiB;

// The repository's TypeScript lib is ES2024 without DOM, and only DOM declares WebAssembly.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
const WasmMemory = (
  globalThis as unknown as {
    WebAssembly: { Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory };
  }
).WebAssembly.Memory;

const compileCacheBounds = { maxEntries: 10_000, maxBytes: 8 * MiB };
/** Evaluation input up to this size is copied into one buffer kept for the engine's life. */
const scratchBytes = 64 * 1024;

/**
 * What `QuickJSContext` keeps protected and an evaluation uses directly: its context pointer and the
 * Emscripten module's allocator. Through the public API one evaluation allocates and frees a string
 * buffer and an argument array and wraps every pointer in a handle object; calling the bindings with a
 * reused buffer cut ≈ 1.2 µs of ≈ 3.5 µs per evaluation. Checked when the engine is built, so that a
 * version of quickjs-emscripten without them fails there.
 */
interface ContextInternals {
  readonly ctx: { readonly value: JSContextPointer };
  readonly module: { _malloc(bytes: number): number; _free(pointer: number): void };
}

function contextInternals(context: QuickJSContext): ContextInternals {
  const internals = context as unknown as Partial<ContextInternals>;
  if (typeof internals.ctx?.value !== 'number' || typeof internals.module?._malloc !== 'function') {
    throw new Error('this version of quickjs-emscripten does not expose what the expression engine calls');
  }
  return internals as ContextInternals;
}

/** The most memory an expression may be given, so that the whole instance stays within what the module allows. */
export const largestExpressionMemoryBytes = largestModuleBytes - moduleBaseBytes - compileCacheBounds.maxBytes;

/**
 * `setMemoryLimit` does not bound what an expression accumulates: this build cannot ask malloc for the
 * usable size of a block, so QuickJS counts only 8 bytes per allocation and rejects just single
 * allocations larger than the limit (100 × 1 MiB typed arrays pass a 16 MiB limit). The hard bound is
 * the WebAssembly memory itself, capped at the module's base, the compiled-expression cache and the
 * expression's own allowance; when malloc cannot grow it, QuickJS throws "out of memory".
 */
function wasmMemoryCapBytes(limits: ExpressionLimits): number {
  const wanted = moduleBaseBytes + compileCacheBounds.maxBytes + limits.memoryBytes;
  return Math.ceil(wanted / wasmPageBytes) * wasmPageBytes;
}

/**
 * Bytes a compiled expression keeps alive, an upper bound of what was measured (filling the WebAssembly
 * memory with distinct sources until it reached its cap): ≈ 21 per source character for a chain of
 * distinct names (`n1+n2+…`: each name is an atom and a scope lookup, ≈ 120 bytes), ≈ 18 for nested
 * conditionals, 8 to 10 for chains of properties, string literals or a repeated name, under 1 for array
 * literals, numbers or `!`. An estimate below that let ≈ 1,300 sources of 900 distinct-name characters
 * fill the memory, so that the engine broke and had to be rebuilt.
 */
function estimatedCompiledBytes(source: string): number {
  return 512 + 24 * source.length;
}

type Compiled = { fn: QuickJSHandle } | { error: string };

/**
 * What an expression is evaluated against: an ExpressionRecord as JSON, or the scope itself as JSON when
 * the host knows every name the expression can look up (see scope.ts).
 */
export type EvaluationInput = { recordJson: string } | { scopeJson: string };

export interface ExpressionEngine {
  check(source: string): ExpressionCheck;
  /**
   * Measured for a 300-byte record, passing it as one JSON string parsed inside QuickJS (≈ 11 µs with the
   * host's stringify) beat building the objects handle by handle (≈ 14 µs) and a string split on a
   * separator (≈ 2 µs slower than JSON.parse).
   */
  evaluate(source: string, input: EvaluationInput): ExpressionOutcome;
  /** Set when QuickJS failed on the host side or exhausted its memory; build a new engine then. */
  readonly broken: boolean;
}

export async function createExpressionEngine(limits: ExpressionLimits): Promise<ExpressionEngine> {
  const capBytes = wasmMemoryCapBytes(limits);
  const memory = new WasmMemory({
    initial: moduleBaseBytes / wasmPageBytes,
    maximum: capBytes / wasmPageBytes,
  });
  const module = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmMemory: memory }));
  const runtime = module.newRuntime();
  // Without a stack limit a recursion bomb overflows the host's stack instead of QuickJS's own.
  runtime.setMaxStackSize(limits.stackBytes);
  runtime.setMemoryLimit(limits.memoryBytes);
  // The prelude is our own code and runs before any deadline applies.
  let deadline = Number.POSITIVE_INFINITY;
  runtime.setInterruptHandler(() => Date.now() > deadline);
  // No Promise: nothing may be queued that outlives an evaluation (jobs are never run), and `import()`
  // fails outright instead of returning a promise that would count as true.
  const context = runtime.newContext({ intrinsics: { ...DefaultIntrinsics, Promise: false } });

  const prelude = context.unwrapResult(context.evalCode(sandboxPreludeSource, 'prelude.js', { type: 'global' }));
  const run = context.getProp(prelude, 'run');
  const runScope = context.getProp(prelude, 'runScope');
  const state = context.getProp(prelude, 'state');
  prelude.dispose();

  const ffi = module.getFFI();
  const { ctx, module: emscripten } = contextInternals(context);
  const contextPointer = ctx.value;
  const undefinedPointer = ffi.QTS_GetUndefined();
  const scratch = emscripten._malloc(scratchBytes);
  const argumentPointers = emscripten._malloc(2 * Int32Array.BYTES_PER_ELEMENT);
  const encoder = new TextEncoder();

  const cache = createCompileCache<Compiled>(compileCacheBounds, (compiled) => {
    if ('fn' in compiled) compiled.fn.dispose();
  });
  let broken = false;

  function startClock(): void {
    deadline = Date.now() + limits.timeoutMs;
  }

  function compile(source: string): Compiled {
    const cached = cache.get(source);
    if (cached !== undefined) return cached;
    startClock();
    const compiled = compileUncached(context, source);
    // A syntax error is a property of the source; running out of time or memory while compiling may not
    // happen next time.
    if ('fn' in compiled || compiled.error.startsWith('SyntaxError')) {
      cache.set(source, compiled, estimatedCompiledBytes(source));
    }
    return compiled;
  }

  /** Copies `json` into QuickJS as a string (NUL-terminated: JSON text escapes every U+0000). */
  function newJsonString(json: string): JSValuePointer {
    const bytes = Buffer.byteLength(json) + 1;
    const buffer = bytes <= scratchBytes ? scratch : emscripten._malloc(bytes);
    if (buffer === 0) throw new Error('no memory left for the evaluation input');
    try {
      // A view made now: allocating may have grown the memory, which detaches older views.
      const heap = new Uint8Array(memory.buffer, buffer, bytes);
      const { written } = encoder.encodeInto(json, heap);
      heap[written] = 0;
      return ffi.QTS_NewString(contextPointer, buffer as BorrowedHeapCharPointer);
    } finally {
      if (buffer !== scratch) emscripten._free(buffer);
    }
  }

  function callRunner(runner: QuickJSHandle, compiled: QuickJSHandle, json: string): ExpressionOutcome {
    const text = newJsonString(json);
    const argv = new Int32Array(memory.buffer, argumentPointers, 2);
    argv[0] = compiled.value;
    argv[1] = text;
    const result = ffi.QTS_Call(contextPointer, runner.value, undefinedPointer, 2, argumentPointers as JSValueConstPointerPointer);
    ffi.QTS_FreeValuePointer(contextPointer, text);
    const errorPointer = ffi.QTS_ResolveException(contextPointer, result);
    if (errorPointer !== 0) {
      ffi.QTS_FreeValuePointer(contextPointer, result);
      // Only what the runner's own try/catch cannot catch gets here: the interrupt, or a failure
      // while describing an error.
      const error = new Lifetime<JSValuePointer, JSValuePointer, QuickJSRuntime>(errorPointer, undefined, (pointer) =>
        ffi.QTS_FreeValuePointer(contextPointer, pointer), runtime);
      const message = errorText(context, error);
      error.dispose();
      return { matched: false, error: message };
    }
    const verdict = ffi.QTS_GetFloat64(contextPointer, result);
    ffi.QTS_FreeValuePointer(contextPointer, result);
    if (verdict === 1) return { matched: true };
    if (verdict === 0) return { matched: false };
    return { matched: false, error: stringProperty(context, state, 'errorMessage') };
  }

  function guarded<T>(work: () => T, onCrash: (message: string) => T): T {
    try {
      const result = work();
      // Reaching the cap means an expression filled the heap. WebAssembly memory never shrinks, so
      // only a fresh instance gives those pages back.
      if (memory.buffer.byteLength >= capBytes) broken = true;
      return result;
    } catch (error) {
      broken = true;
      return onCrash(`expression crashed the sandbox: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  return {
    check(source) {
      return guarded(
        () => {
          const compiled = compile(source);
          return 'error' in compiled ? { ok: false, message: compiled.error } : { ok: true };
        },
        (message) => ({ ok: false, message }),
      );
    },
    evaluate(source, input) {
      return guarded(
        () => {
          const compiled = compile(source);
          if ('error' in compiled) return { matched: false, error: compiled.error };
          startClock();
          if ('scopeJson' in input) return callRunner(runScope, compiled.fn, input.scopeJson);
          return callRunner(run, compiled.fn, input.recordJson);
        },
        (message) => ({ matched: false, error: message }),
      );
    },
    get broken() {
      return broken;
    },
  };
}

function compileUncached(context: QuickJSContext, source: string): Compiled {
  // The probe first: a source that compiles inside square brackets cannot break out of the round ones
  // (wrap.ts), so when it compiles, evaluating the round-bracketed wrapper can only fail to parse (and
  // then nothing runs) or create the function. Two parses for a valid condition instead of three.
  const probe = context.evalCode(singleExpressionProbeSource(source), 'expression.js', {
    type: 'global',
    compileOnly: true,
  });
  const isSingleExpression = probe.error === undefined;
  (probe.error ?? probe.value).dispose();
  if (!isSingleExpression) {
    // the wrapper's own syntax error names the problem better, when there is one
    const parsed = context.evalCode(expressionFunctionSource(source), 'expression.js', {
      type: 'global',
      compileOnly: true,
    });
    if (parsed.error === undefined) {
      parsed.value.dispose();
      return { error: notSingleExpressionMessage };
    }
    const message = errorText(context, parsed.error);
    parsed.error.dispose();
    return { error: message };
  }

  const created = context.evalCode(expressionFunctionSource(source), 'expression.js', { type: 'global' });
  if (created.error !== undefined) {
    const message = errorText(context, created.error);
    created.error.dispose();
    return { error: message };
  }
  return { fn: created.value };
}

function errorText(context: QuickJSContext, error: QuickJSHandle): string {
  if (context.typeof(error) !== 'object' || context.sameValue(error, context.null)) {
    return `Uncaught ${String(context.dump(error))}`;
  }
  const message = stringProperty(context, error, 'message');
  if (message === 'interrupted') return timeLimitMessage;
  const name = stringProperty(context, error, 'name');
  return name === '' ? message : `${name}: ${message}`;
}

function stringProperty(context: QuickJSContext, object: QuickJSHandle, key: string): string {
  const value = context.getProp(object, key);
  const text = context.typeof(value) === 'string' ? context.getString(value) : '';
  value.dispose();
  return text;
}
