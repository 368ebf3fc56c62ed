import { afterAll, describe, expect, it } from 'vitest';
import { createExpressionSandbox, type ExpressionRecord } from './index.ts';

const sandbox = createExpressionSandbox();
afterAll(() => sandbox.close());

function profileUpdate(fields: Record<string, string>, overrides: Partial<ExpressionRecord> = {}): ExpressionRecord {
  return { fields, previous: null, action: 'update', type: 'profile', interests: [], ...overrides };
}

const apple = profileUpdate(
  { company: 'Apple', city: 'Cupertino', 'my field': 'spaced', employees: '150000' },
  { previous: { company: 'Pear' }, interests: ['news', 'deals'] },
);

describe('evaluate', () => {
  it('puts every field in scope as a variable', async () => {
    expect(await sandbox.evaluate("company == 'Apple'", apple)).toEqual({ matched: true });
    expect(await sandbox.evaluate("company == 'Apple' && city != 'Cupertino'", apple)).toEqual({ matched: false });
    expect(await sandbox.evaluate('Number(employees) > 100000', apple)).toEqual({ matched: true });
  });

  it('reaches a field whose name is not an identifier through fields', async () => {
    expect(await sandbox.evaluate("fields['my field'] === 'spaced'", apple)).toEqual({ matched: true });
  });

  it('exposes previous, action, type and interests', async () => {
    expect(await sandbox.evaluate("previous.company == 'Pear'", apple)).toEqual({ matched: true });
    expect(await sandbox.evaluate("action == 'update' && type == 'profile'", apple)).toEqual({ matched: true });
    expect(await sandbox.evaluate("interests.includes('deals')", apple)).toEqual({ matched: true });
    expect(await sandbox.evaluate("interests.includes('sports')", apple)).toEqual({ matched: false });
    expect(await sandbox.evaluate('previous === null', profileUpdate({}))).toEqual({ matched: true });
  });

  it('reads a field the record lacks as undefined instead of throwing', async () => {
    expect(await sandbox.evaluate('country === undefined', apple)).toEqual({ matched: true });
    expect(await sandbox.evaluate("country == 'NL'", apple)).toEqual({ matched: false });
    expect(await sandbox.evaluate("typeof country == 'undefined'", apple)).toEqual({ matched: true });
  });

  it('lets the special names win over fields of the same name', async () => {
    const record = profileUpdate(
      { action: 'field', type: 'field', fields: 'field', previous: 'field', interests: 'field' },
      { action: 'create', type: 'subprofile', interests: ['x'] },
    );
    const source = "action == 'create' && type == 'subprofile' && previous === null && interests[0] == 'x'";
    expect(await sandbox.evaluate(source, record)).toEqual({ matched: true });
    expect(await sandbox.evaluate("fields.action == 'field' && fields.fields == 'field'", record)).toEqual({
      matched: true,
    });
  });

  it('lets fields win over globals of the same name', async () => {
    expect(await sandbox.evaluate("Date == 'today'", profileUpdate({ Date: 'today' }))).toEqual({ matched: true });
    expect(await sandbox.evaluate('typeof Date == "function"', profileUpdate({}))).toEqual({ matched: true });
  });

  it('treats a field named __proto__ as a plain field', async () => {
    const record = profileUpdate(JSON.parse('{"__proto__":"x","company":"Apple"}') as Record<string, string>);
    expect(await sandbox.evaluate("fields['__proto__'] === 'x' && __proto__ === 'x'", record)).toEqual({ matched: true });
    expect(await sandbox.evaluate("company == 'Apple' && fields.company == 'Apple'", record)).toEqual({ matched: true });
  });

  it('passes every shape of record in unchanged', async () => {
    const records: ExpressionRecord[] = [
      profileUpdate({}, { interests: [] }),
      profileUpdate({ '': '', ' ': 'space' }, { previous: {}, interests: [''] }),
      profileUpdate({ toString: 'a', constructor: 'b', hasOwnProperty: 'c' }, { previous: { valueOf: 'd' } }),
      profileUpdate(JSON.parse('{"__proto__":"p"}') as Record<string, string>, {
        previous: JSON.parse('{"__proto__":"q"}') as Record<string, string>,
      }),
      profileUpdate({ 'nul\u0000name': 'nul\u0000value' }, { interests: ['a\u0000b'] }),
      profileUpdate({ separator: 'a\u0001b' }, { interests: ['\u0001'] }),
      profileUpdate({ lone: 'half \ud83c surrogate' }),
      profileUpdate({ emoji: '🍏', quote: '"\'\\' }, { action: 'delete', type: 'subprofile', interests: ['x', 'y'] }),
    ];
    for (const record of records) {
      const expected = JSON.stringify({ ...record, fields: record.fields, previous: record.previous });
      const source = `JSON.stringify({ fields, previous, action, type, interests }) === ${JSON.stringify(expected)}`;
      expect(await sandbox.evaluate(source, record), expected).toEqual({ matched: true });
      expect(await sandbox.evaluate("Object.getPrototypeOf(fields) === Object.prototype && fields.hasOwnProperty !== undefined", record)).toEqual({ matched: true });
    }
  });

  it('matches any record when the expression is empty or blank', async () => {
    expect(await sandbox.evaluate('', apple)).toEqual({ matched: true });
    expect(await sandbox.evaluate('  \n\t ', apple)).toEqual({ matched: true });
  });

  it('decides by truthiness', async () => {
    expect(await sandbox.evaluate('company', apple)).toEqual({ matched: true });
    expect(await sandbox.evaluate('country', apple)).toEqual({ matched: false });
    expect(await sandbox.evaluate("''", apple)).toEqual({ matched: false });
    expect(await sandbox.evaluate('0', apple)).toEqual({ matched: false });
    expect(await sandbox.evaluate('NaN', apple)).toEqual({ matched: false });
    expect(await sandbox.evaluate('[]', apple)).toEqual({ matched: true });
    expect(await sandbox.evaluate('({})', apple)).toEqual({ matched: true });
  });

  it('counts an expression that throws as not matched and says why', async () => {
    expect(await sandbox.evaluate('country.length > 2', apple)).toEqual({
      matched: false,
      error: "TypeError: cannot read property 'length' of undefined",
    });
    expect(await sandbox.evaluate("(() => { throw 'plain' })()", apple)).toEqual({
      matched: false,
      error: 'Uncaught plain',
    });
    expect(await sandbox.evaluate('a +', apple)).toEqual({
      matched: false,
      error: "SyntaxError: unexpected token in expression: ')'",
    });
  });

  it('describes a thrown object whose message getter throws', async () => {
    const source = "(() => { throw { toString() { throw new Error('nested') } } })()";
    expect(await sandbox.evaluate(source, apple)).toEqual({
      matched: false,
      error: 'Error: the expression threw a value that cannot be described',
    });
  });

  it('allows statements inside a function expression', async () => {
    const source = '(() => { let total = 0; for (const interest of interests) total += interest.length; return total == 9 })()';
    expect(await sandbox.evaluate(source, apple)).toEqual({ matched: true });
  });
});

describe('check', () => {
  it('accepts a valid expression and an empty one', async () => {
    expect(await sandbox.check("company == 'Apple' && interests.includes('x')")).toEqual({ ok: true });
    expect(await sandbox.check('')).toEqual({ ok: true });
    expect(await sandbox.check('a // trailing comment')).toEqual({ ok: true });
    expect(await sandbox.check('(function () { while (true) {} })()')).toEqual({ ok: true });
  });

  it("reports the parser's message for a syntax error", async () => {
    expect(await sandbox.check("company == 'Apple' &&")).toEqual({
      ok: false,
      message: "SyntaxError: unexpected token in expression: ')'",
    });
    expect(await sandbox.check("company == 'Apple")).toEqual({ ok: false, message: 'SyntaxError: unexpected end of string' });
  });

  it('rejects statements', async () => {
    expect(await sandbox.check('return 1')).toEqual({
      ok: false,
      message: "SyntaxError: unexpected token in expression: 'return'",
    });
    expect(await sandbox.check('while (true) {}')).toMatchObject({ ok: false });
    expect(await sandbox.check('a; b')).toMatchObject({ ok: false });
    expect(await sandbox.check('let x = 1')).toMatchObject({ ok: false });
  });

  it('rejects a source that closes the wrapper and appends statements', async () => {
    const notSingle = { ok: false, message: 'SyntaxError: the condition must be a single JavaScript expression' };
    expect(await sandbox.check('1); globalThis.hacked = 1; (1')).toEqual(notSingle);
    expect(await sandbox.check('1); } }; leaked = 1; (scope) => { with (scope) { return (1')).toEqual(notSingle);
    expect(await sandbox.check('1]; x; [1')).toMatchObject({ ok: false });
    expect(await sandbox.check('1 // comment )')).toEqual({ ok: true });
    expect(await sandbox.check('1 /* ) */')).toEqual({ ok: true });
  });

  it('never runs a rejected source, even partly', async () => {
    await sandbox.check('1); (() => { Object.prototype.injected = 1 })(); (1');
    expect(await sandbox.evaluate('({}).injected === undefined', apple)).toEqual({ matched: true });
  });

  it('evaluates a source that failed to compile as not matched with the same message', async () => {
    expect(await sandbox.evaluate('1); 2; (3', apple)).toEqual({
      matched: false,
      error: 'SyntaxError: the condition must be a single JavaScript expression',
    });
  });
});
