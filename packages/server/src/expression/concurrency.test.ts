import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createExpressionSandbox, type ExpressionRecord } from './index.ts';

const sandbox = createExpressionSandbox();
afterAll(() => sandbox.close());

function numbered(n: number): ExpressionRecord {
  return {
    fields: { n: String(n), parity: n % 2 === 0 ? 'even' : 'odd' },
    previous: null,
    action: n % 3 === 0 ? 'create' : 'update',
    type: 'profile',
    interests: [],
  };
}

const runaway = "(() => { let s = ''; for (let i = 0; i < 1e9; i++) s = 'x'.repeat(1 << 18); return s })()";

describe('concurrency', () => {
  it('answers 1,000 concurrent evaluations, each against its own record', async () => {
    const numbers = Array.from({ length: 1000 }, (_, n) => n);
    const outcomes = await Promise.all(numbers.map((n) => sandbox.evaluate(`Number(n) === ${n}`, numbered(n))));
    expect(outcomes.every((outcome) => outcome.matched && outcome.error === undefined)).toBe(true);
  });

  it('answers a batch of 1,000 in input order', async () => {
    const items = Array.from({ length: 1000 }, (_, n) => ({
      source: n % 2 === 0 ? "parity == 'even'" : "action == 'create'",
      record: numbered(n),
    }));
    const outcomes = await sandbox.evaluateMany(items);
    expect(outcomes).toEqual(
      Array.from({ length: 1000 }, (_, n) => ({ matched: n % 2 === 0 || n % 3 === 0 })),
    );
  });

  it('gives a runaway expression the time-limit error and answers the jobs queued behind it', async () => {
    const stuck = sandbox.evaluate(runaway, numbered(1));
    const behind = Promise.all([1, 2, 3].map((n) => sandbox.evaluate(`Number(n) === ${n}`, numbered(n))));
    expect(await stuck).toEqual({ matched: false, error: 'expression exceeded its time limit' });
    expect(await behind).toEqual([{ matched: true }, { matched: true }, { matched: true }]);
  });

  it('fails only the runaway item of a batch', async () => {
    const items = [
      { source: "parity == 'even'", record: numbered(2) },
      { source: runaway, record: numbered(3) },
      { source: "parity == 'even'", record: numbered(5) },
      { source: "parity == 'odd'", record: numbered(7) },
    ];
    expect(await sandbox.evaluateMany(items)).toEqual([
      { matched: true },
      { matched: false, error: 'expression exceeded its time limit' },
      { matched: false },
      { matched: true },
    ]);
  });

  it('keeps working after several runaways in a row', async () => {
    const outcomes = await Promise.all([runaway, runaway, 'true'].map((source) => sandbox.evaluate(source, numbered(0))));
    expect(outcomes.map((outcome) => outcome.matched)).toEqual([false, false, true]);
  });
});

describe('close', () => {
  it('rejects calls still pending and calls made afterwards', async () => {
    const closing = createExpressionSandbox();
    const pending = expect(closing.evaluate(runaway, numbered(0))).rejects.toThrow('expression sandbox is closed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await closing.close();
    await pending;
    await expect(closing.evaluate('true', numbered(0))).rejects.toThrow('expression sandbox is closed');
  });

  it('does not keep a process alive, and loads its worker under plain Node', async () => {
    // Plain Node (no vitest transform) proves the worker entry loads with type stripping alone.
    const script = [
      `import { createExpressionSandbox } from ${JSON.stringify(new URL('./index.ts', import.meta.url).href)};`,
      'const sandbox = createExpressionSandbox();',
      "const record = { fields: { company: 'Apple' }, previous: null, action: 'update', type: 'profile', interests: [] };",
      "console.log(JSON.stringify(await sandbox.evaluate(\"company == 'Apple'\", record)));",
    ].join('\n');
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '--eval', script], {
      timeout: 20_000,
    });
    expect(stdout.trim()).toBe('{"matched":true}');
  });
});
