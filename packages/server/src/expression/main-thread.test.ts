import { afterAll, describe, expect, it, vi } from 'vitest';
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
  "fields.company == 'Apple' && fields['city'] != previous?.city && previous?.['company'] == 'Pear'",
  "fields.__proto__ === 'p' && fields.toString === 't' && fields.missing === undefined",
  'fields.constructor === Object && fields.hasOwnProperty === Object.prototype.hasOwnProperty',
  "fields.hasOwnProperty('city') && fields.city !== undefined",
  "(fields.hasOwnProperty)('city') && fields.city !== undefined",
  'fields.valueOf === Object.prototype.valueOf && Object.keys(fields.valueOf.call(fields)).length > 0',
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

  it('keeps inputs with many keys, arrays or UTF-8 bytes off the main thread', () => {
    const keys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`k${index}`, '']));
    // Sent whole: only the key count decides (keys colliding in QuickJS's atom hash parse in quadratic time).
    expect(sandbox.evaluationPath("'x' in fields", profileUpdate(keys(100)))).toBe('main thread');
    expect(sandbox.evaluationPath("'x' in fields", profileUpdate(keys(200)))).toBe('worker thread');
    expect(sandbox.evaluationPath("'x' in previous", profileUpdate({}, { previous: keys(200) }))).toBe('worker thread');
    // Arrays and objects count too: converting nested arrays to text calls a join for each.
    const nested = (count: number) => profileUpdate({ a: Array.from({ length: count }, () => []) as unknown as string });
    expect(sandbox.evaluationPath("[a, a, a] + '' == 'x'", nested(100))).toBe('main thread');
    expect(sandbox.evaluationPath("[a, a, a] + '' == 'x'", nested(200))).toBe('worker thread');
    // Read by static keys only: just those keys are sent.
    expect(sandbox.evaluationPath("fields.x == 'y'", profileUpdate(keys(6400)))).toBe('main thread');
    expect(sandbox.evaluationPath("previous?.['k1'] == 'y'", profileUpdate({}, { previous: keys(6400) }))).toBe('main thread');
    // ToNumber skips Unicode spaces byte by byte: the input is measured in UTF-8 bytes.
    const sum = `+(${Array.from({ length: 61 }, () => 'a').join('+')})`;
    expect(sandbox.evaluationPath(sum, profileUpdate({ a: ' '.repeat(1500) }))).toBe('main thread');
    expect(sandbox.evaluationPath(sum, profileUpdate({ a: '\uFEFF'.repeat(1500) }))).toBe('worker thread');
    expect(sandbox.evaluationPath(sum, profileUpdate({ a: '\uFEFF'.repeat(65_528) }))).toBe('worker thread');
    expect(sandbox.evaluationPath("a == 'x'", profileUpdate({ a: 'x'.repeat(9000) }))).toBe('worker thread');
  });

  it('sends calls of properties spelled like operators to the worker', () => {
    const record = records[0] as ExpressionRecord;
    for (const source of ['a.in()', "fields.in('x')", 'a.typeof(1)', 'a?.void()', 'a.instanceof()']) {
      expect(sandbox.evaluationPath(source, record), source).toBe('worker thread');
    }
  });

  it('sends deeply nested brackets to the worker', () => {
    const record = records[0] as ExpressionRecord;
    expect(sandbox.evaluationPath(`${'('.repeat(64)}company${')'.repeat(64)}`, record)).toBe('main thread');
    expect(sandbox.evaluationPath(`${'('.repeat(499)}company${')'.repeat(499)}`, record)).toBe('worker thread');
  });

  it('sends sources with new names to the worker once the main thread has compiled many', async () => {
    const crowded = createExpressionSandbox();
    try {
      const record = records[0] as ExpressionRecord;
      let next = 0;
      const source = () => Array.from({ length: 32 }, () => `x_${(next++).toString(36)}`).join('+');
      // 16,384 distinct names at most: 512 sources of 32 names each fill the allowance.
      for (let index = 0; index < 512; index++) {
        const distinct = source();
        expect(crowded.evaluationPath(distinct, record)).toBe('main thread');
        await crowded.evaluate(distinct, record);
      }
      expect(crowded.evaluationPath(source(), record)).toBe('worker thread');
      expect(crowded.evaluationPath('x_0 + x_1', record)).toBe('main thread');
    } finally {
      await crowded.close();
    }
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
    const small = createExpressionSandbox({ memoryBytes: 128 * 1024 });
    const reference = createExpressionSandbox({ memoryBytes: 128 * 1024 }, { mainThread: false });
    try {
      const record = profileUpdate({ a: 'x'.repeat(7000) });
      // Joined into one string of 140,000 characters (a chain of `+` would make a rope of small pieces).
      const source = `[${Array.from({ length: 20 }, () => 'a').join(',')}] + ''`;
      expect(small.evaluationPath(source, record)).toBe('main thread');
      const outcome = await small.evaluate(source, record);
      expect(outcome).toEqual({ matched: false, error: 'InternalError: out of memory' });
      expect(await reference.evaluate(source, record)).toEqual(outcome);
      expect(await small.evaluate('a.length == 7000', record)).toEqual({ matched: true });
    } finally {
      await Promise.all([small.close(), reference.close()]);
    }
  });

  it('holds an evaluation to the deadline', async () => {
    // No loop and no call in the source, but converting nested arrays to text calls toString for each,
    // and QuickJS polls its interrupt handler on calls. The clock is made to jump a second at every
    // look, so the deadline has passed at the first poll whatever the machine's speed.
    const hurried = createExpressionSandbox({ timeoutMs: 50 });
    try {
      const source = `[${Array.from({ length: 61 }, () => 'a').join(',')}] + '' == 'x'`;
      const quick = profileUpdate({ a: '' });
      expect(hurried.evaluationPath(source, quick)).toBe('main thread');
      expect(await hurried.evaluate(source, quick)).toEqual({ matched: false });
      // 121 arrays in the input, just under the main thread's bound of 128 structures, and ≈ 7,300 joins.
      const slow = profileUpdate({ a: Array.from({ length: 40 }, () => [[[]]]) as unknown as string });
      expect(hurried.evaluationPath(source, slow)).toBe('main thread');
      let now = Date.now();
      const clock = vi.spyOn(Date, 'now').mockImplementation(() => (now += 1000));
      try {
        expect(await hurried.evaluate(source, slow)).toEqual({ matched: false, error: 'expression exceeded its time limit' });
      } finally {
        clock.mockRestore();
      }
      expect(await hurried.evaluate(source, quick)).toEqual({ matched: false });
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
