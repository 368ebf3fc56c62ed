import { afterAll, describe, expect, it } from 'vitest';
import { createExpressionEngine } from './engine.ts';
import { createExpressionSandbox, defaultExpressionLimits, type ExpressionRecord } from './index.ts';
import { recordJson } from './scope.ts';

const sandbox = createExpressionSandbox();
const workerOnly = createExpressionSandbox({}, { mainThread: false });
afterAll(() => Promise.all([sandbox.close(), workerOnly.close()]));

function profileUpdate(fields: Record<string, string>, overrides: Partial<ExpressionRecord> = {}): ExpressionRecord {
  return { fields, previous: null, action: 'update', type: 'profile', interests: [], ...overrides };
}

const records: ExpressionRecord[] = [
  profileUpdate(
    { company: 'Apple', city: 'Cupertino', 'my field': 'spaced', employees: '150000', emoji: '🍏' },
    { previous: { company: 'Pear', city: 'Paris' }, interests: ['news', 'deals'] },
  ),
  profileUpdate({}),
  profileUpdate(
    { action: 'field', type: 'field', fields: 'field', previous: 'field', interests: 'field', Date: 'today' },
    { action: 'create', type: 'subprofile', interests: ['x'] },
  ),
  profileUpdate(JSON.parse('{"__proto__":"p","toString":"t","valueOf":"v","company":"Pear"}') as Record<string, string>),
  profileUpdate({ company: 'quote "\' \\ and \u0000 and \ud83c', city: '' }, { action: 'delete' }),
];

/** Bounded ones run on the main thread, the rest in the worker; the last few need the whole record. */
const expressions = [
  "company == 'Apple' && city != 'Paris'",
  "company == 'Apple' && city != 'Cupertino'",
  'company',
  'country',
  'country === undefined && typeof country == "undefined"',
  "fields['my field'] === 'spaced'",
  'fields.company === company',
  "previous?.city == 'Paris'",
  'previous === null',
  "action == 'create' && type == 'subprofile' && interests[0] == 'x'",
  "fields.action == 'field'",
  "Date == 'today'",
  'typeof Date',
  "__proto__ === 'p' && fields['__proto__'] === 'p'",
  "toString === 't' && valueOf === 'v'",
  "interests + '' == 'news,deals'",
  "'' + fields == '[object Object]'",
  'employees > 100000 && +employees / 2 > 1000',
  'emoji.length == 2',
  "'company' in fields",
  'interests instanceof Array',
  'company instanceof company',
  'country.length > 2',
  'previous.company.length > 2',
  'null.x',
  'Math.PI > 3 && NaN !== NaN && this.x === undefined',
  "[company, city].length == 2 && [company][0] === company",
  'Array.prototype + Function.prototype',
  'a +',
  "company == 'Apple",
  '1); 2; (3',
  "interests.includes('deals')",
  'Number(employees) > 100',
  '(() => company)()',
  "eval('company') === company",
  '`${company}` === company',
  "/^A/.test(company)",
  'Object.keys(fields).length > 1',
];

describe('main-thread evaluation', () => {
  it('runs typical conditions on the main thread and anything that calls in the worker', () => {
    const record = records[0] as ExpressionRecord;
    expect(sandbox.evaluationPath("company == 'Apple' && city != 'Paris'", record)).toBe('main thread');
    expect(sandbox.evaluationPath("fields.employees > 30 || type == 'profile'", record)).toBe('main thread');
    expect(sandbox.evaluationPath("interests.includes('x')", record)).toBe('worker thread');
    expect(sandbox.evaluationPath('', record)).toBe('none');
    expect(workerOnly.evaluationPath("company == 'Apple'", record)).toBe('worker thread');
  });

  it('sends a long expression over a large record to the worker', () => {
    const large = profileUpdate({ company: 'x'.repeat(200_000) });
    expect(sandbox.evaluationPath("company == 'Apple'", large)).toBe('worker thread');
    expect(sandbox.evaluationPath("city == 'Apple'", large)).toBe('main thread');
    expect(sandbox.evaluationPath(`${'city + '.repeat(300)}''`, records[0] as ExpressionRecord)).toBe('worker thread');
  });

  it('gives the same outcome on both paths as the whole record does', async () => {
    const engine = await createExpressionEngine(defaultExpressionLimits);
    for (const record of records) {
      for (const source of expressions) {
        const reference = engine.evaluate(source, { recordJson: recordJson(record) });
        const label = `${source} on ${JSON.stringify(record.fields)}`;
        expect(await sandbox.evaluate(source, record), label).toEqual(reference);
        expect(await workerOnly.evaluate(source, record), label).toEqual(reference);
      }
    }
    expect(expressions.filter((source) => sandbox.evaluationPath(source, records[0] as ExpressionRecord) === 'main thread').length).toBeGreaterThan(20);
  });

  it('gives the same answer to check on both paths', async () => {
    for (const source of expressions) expect(await sandbox.check(source), source).toEqual(await workerOnly.check(source));
  });

  it('keeps evaluations on the main thread apart from each other', async () => {
    const record = records[0] as ExpressionRecord;
    expect(sandbox.evaluationPath("company + '' == 'Apple'", record)).toBe('main thread');
    await sandbox.evaluate("interests.push('x')", record);
    expect(await sandbox.evaluate("interests + '' == 'news,deals'", record)).toEqual({ matched: true });
    expect(record.interests).toEqual(['news', 'deals']);
  });
});

describe('limits on the main thread', () => {
  it('holds an evaluation to the memory limit, then keeps working', async () => {
    const small = createExpressionSandbox({ memoryBytes: 512 * 1024 });
    const reference = createExpressionSandbox({ memoryBytes: 512 * 1024 }, { mainThread: false });
    try {
      const record = profileUpdate({ a: 'x'.repeat(60_000) });
      // Joined into one string of 720,000 characters (a chain of `+` would make a rope of small pieces).
      const source = `[${Array.from({ length: 12 }, () => 'a').join(',')}] + ''`;
      expect(small.evaluationPath(source, record)).toBe('main thread');
      const outcome = await small.evaluate(source, record);
      expect(outcome).toEqual({ matched: false, error: 'InternalError: out of memory' });
      expect(await reference.evaluate(source, record)).toEqual(outcome);
      expect(await small.evaluate('a.length == 60000', record)).toEqual({ matched: true });
    } finally {
      await Promise.all([small.close(), reference.close()]);
    }
  });

  it('holds an evaluation to the deadline', async () => {
    // No loop and no call in the source, but converting nested arrays to text calls toString for each,
    // and QuickJS polls its interrupt handler on calls.
    const hurried = createExpressionSandbox({ timeoutMs: 1 });
    try {
      const source = `[${Array.from({ length: 30 }, () => 'interests').join(',')}] + '' == 'x'`;
      const quick = profileUpdate({}, { interests: [] });
      expect(hurried.evaluationPath(source, quick)).toBe('main thread');
      expect(await hurried.evaluate(source, quick)).toEqual({ matched: false });
      const slow = profileUpdate({}, { interests: Array.from({ length: 1500 }, () => [[[]]]) as unknown as string[] });
      expect(hurried.evaluationPath(source, slow)).toBe('main thread');
      expect(await hurried.evaluate(source, slow)).toEqual({ matched: false, error: 'expression exceeded its time limit' });
    } finally {
      await hurried.close();
    }
  });

  it('leaves hostile expressions to the worker and its backstop', () => {
    const record = records[0] as ExpressionRecord;
    const hostile = [
      '(() => { while (true) {} })()',
      '(function f() { f() })()',
      "JSON.parse('['.repeat(100000))",
      "'x'.repeat(1 << 30)",
      "(() => { let s = ''; for (let i = 0; i < 1e9; i++) s = 'x'.repeat(1 << 18); return s })()",
      "/(a+)+$/.test('a'.repeat(40) + 'b')",
      "({ toString: Array.prototype.join, length: 1e9 }) + ''",
      '({ valueOf: Array.prototype.indexOf, length: 1e15 }) + 1',
      "({ __proto__: RegExp.prototype }).flags",
      '[...company]',
      '(interests.length = 1e9, interests) + ""',
      '2n ** 100000000n',
      "constructor.constructor('return this')()",
      'Object.prototype.polluted = 1',
    ];
    for (const source of hostile) expect(sandbox.evaluationPath(source, record), source).toBe('worker thread');
  });
});
