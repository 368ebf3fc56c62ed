import { afterAll, describe, expect, it } from 'vitest';
import { createExpressionSandbox, type ExpressionRecord } from './index.ts';
import { backstopMarginMs } from './sandbox.ts';

const timeoutMs = 100;
const sandbox = createExpressionSandbox({ timeoutMs });
afterAll(() => sandbox.close());

const record: ExpressionRecord = {
  fields: { company: 'Apple', city: 'Cupertino' },
  previous: null,
  action: 'update',
  type: 'profile',
  interests: ['news'],
};

/** Generous enough never to flake on a loaded machine, tight enough to catch runs of many seconds. */
const answerBoundMs = timeoutMs + backstopMarginMs + 1500;

async function expectContained(source: string, error: string | RegExp, within = sandbox): Promise<void> {
  const started = performance.now();
  const outcome = await within.evaluate(source, record);
  const elapsedMs = performance.now() - started;
  expect(outcome.matched).toBe(false);
  expect(outcome.error).toMatch(error);
  expect(elapsedMs).toBeLessThan(answerBoundMs);
  expect(await within.evaluate("company == 'Apple'", record)).toEqual({ matched: true });
}

const timeLimit = /^expression exceeded its time limit$/;
const outOfMemory = /out of memory|string too long|invalid (string|array buffer) length|invalid array length/;

describe('limits', () => {
  it('stops endless loops at the deadline', async () => {
    await expectContained('(() => { while (true) {} })()', timeLimit);
    await expectContained('(() => { for (;;) {} })()', timeLimit);
  });

  it('refuses loops written as statements', async () => {
    await expectContained('while (true) {}', /^SyntaxError/);
    await expectContained('for (;;) {}', /^SyntaxError/);
  });

  it('stops runaway recursion with its stack limit', async () => {
    await expectContained('(function f() { f() })()', 'InternalError: stack overflow');
  });

  it('stops deeply nested JSON with its stack limit', async () => {
    await expectContained("JSON.parse('['.repeat(100000))", 'SyntaxError: stack overflow');
  });

  it('refuses huge strings, arrays and buffers', async () => {
    await expectContained("'x'.repeat(1 << 30)", outOfMemory);
    await expectContained("(() => { let s = 'x'; while (true) s += s })()", outOfMemory);
    await expectContained('new Array(1e9).fill(0)', outOfMemory);
    await expectContained('new Uint8Array(1 << 30)', outOfMemory);
  });

  it('bounds memory an expression accumulates in allocations each below the limit', async () => {
    // A deadline the bombs cannot reach first, so only the memory bound can stop them.
    const patient = createExpressionSandbox({ timeoutMs: 1500 });
    try {
      const bombs = [
        '(() => { const kept = []; while (true) kept.push(new Uint8Array(1 << 20)) })()',
        '(() => { const kept = []; while (true) kept.push(new Array(1 << 17).fill(kept.length)) })()',
        "(() => { let s = 'x'.repeat(1 << 20); const kept = []; while (true) { s = s.slice(1) + 'y'; kept.push(s) } })()",
      ];
      for (const bomb of bombs) await expectContained(bomb, 'InternalError: out of memory', patient);
    } finally {
      await patient.close();
    }
  });

  it('stops a loop of expensive built-ins that the interrupt handler barely sees', async () => {
    const source = "(() => { let s = ''; for (let i = 0; i < 1e9; i++) s = 'x'.repeat(1 << 18); return s })()";
    await expectContained(source, timeLimit);
  });

  it('stops a loop of a built-in that an implicit conversion calls', async () => {
    await expectContained('({ valueOf: Array.prototype.indexOf, length: 1e15 }) + 1', timeLimit);
  });

  it('stops catastrophic regular expression backtracking', async () => {
    await expectContained("/(a+)+$/.test('a'.repeat(40) + 'b')", timeLimit);
  });

  it('stops a thrown value whose description never ends', async () => {
    await expectContained('(() => { throw { toString() { while (true) {} } } })()', timeLimit);
  });
});

describe('no reach into the host', () => {
  it('finds only the sandbox global behind constructor.constructor', async () => {
    expect(await sandbox.evaluate("constructor.constructor('return this')().process === undefined", record)).toEqual({
      matched: true,
    });
    expect(await sandbox.evaluate("this.constructor.constructor('return process')()", record)).toEqual({
      matched: false,
      error: "ReferenceError: 'process' is not defined",
    });
  });

  it('has no require, fetch, timers, WebAssembly or process', async () => {
    for (const name of ['require', 'fetch', 'setTimeout', 'setInterval', 'queueMicrotask', 'WebAssembly', 'process']) {
      expect(await sandbox.evaluate(`typeof ${name} === 'undefined'`, record), name).toEqual({ matched: true });
      expect(await sandbox.evaluate(`typeof globalThis.${name} === 'undefined'`, record), name).toEqual({
        matched: true,
      });
    }
  });

  it('cannot import modules', async () => {
    expect(await sandbox.evaluate("import('fs')", record)).toEqual({ matched: false, error: 'TypeError: not a function' });
    expect(await sandbox.check("import fs from 'fs'")).toMatchObject({ ok: false });
  });
});

describe('isolation between evaluations', () => {
  async function expectNoTrace(pollution: string, check: string): Promise<void> {
    await sandbox.evaluate(pollution, record);
    expect(await sandbox.evaluate(check, record), pollution).toEqual({ matched: true });
  }

  it('keeps built-in prototypes and globals unchanged', async () => {
    await expectNoTrace('Object.prototype.polluted = 1', '({}).polluted === undefined');
    await expectNoTrace("Object.defineProperty(Object.prototype, 'polluted', { get: () => 1 })", '({}).polluted === undefined');
    await expectNoTrace('Array.prototype.includes = () => true', "!interests.includes('sports')");
    await expectNoTrace('String.prototype.trim = () => "x"', "' a '.trim() === 'a'");
    await expectNoTrace('Math.max = () => 0', 'Math.max(1, 2) === 2');
    await expectNoTrace('JSON.stringify = () => "x"', "JSON.stringify(1) === '1'");
    await expectNoTrace('globalThis.city = "Paris"', "city === 'Cupertino' && globalThis.city === undefined");
    await expectNoTrace('globalThis.country = "NL"', 'country === undefined');
    await expectNoTrace("(0, eval)('var leaked = 1')", 'typeof leaked === "undefined"');
    await expectNoTrace("(0, eval)('function leaked() {}')", 'typeof leaked === "undefined"');
    await expectNoTrace('Error.prototype.toString = () => "x"', "String(new Error('e')) === 'Error: e'");
  });

  it('keeps intrinsics that are reachable only from instances unchanged', async () => {
    await expectNoTrace(
      'Object.getPrototypeOf(function* () {}).polluted = 1',
      'Object.getPrototypeOf(function* () {}).polluted === undefined',
    );
    await expectNoTrace(
      'Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())).polluted = 1',
      'Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())).polluted === undefined',
    );
    await expectNoTrace(
      'Object.getPrototypeOf([][Symbol.iterator]()).next = () => ({ done: true })',
      '[...[1, 2]].length === 2',
    );
    await expectNoTrace(
      "Object.getPrototypeOf(/./[Symbol.matchAll]('')).polluted = 1",
      "Object.getPrototypeOf(/./[Symbol.matchAll]('')).polluted === undefined",
    );
    await expectNoTrace(
      'Object.getPrototypeOf(Int8Array).prototype.polluted = 1',
      'new Uint8Array(1).polluted === undefined',
    );
  });

  it('gives each evaluation its own copy of the record', async () => {
    await expectNoTrace("fields.company = 'Pear'", "fields.company === 'Apple'");
    await expectNoTrace("company = 'Pear'", "company === 'Apple'");
    await expectNoTrace("interests.push('sports')", 'interests.length === 1');
    await expectNoTrace('invented = 1', 'invented === undefined');
    expect(record.fields.company).toBe('Apple');
  });
});
