import { describe, expect, it } from 'vitest';
import { analyzeExpression } from './analysis.ts';

const bounded = (source: string) => analyzeExpression(source).bounded;
const names = (source: string) => analyzeExpression(source).names;

describe('analyzeExpression: bounded', () => {
  it.each([
    "company == 'Apple' && city != 'Paris'",
    "fields.age > 30 || type == 'profile'",
    "fields['my field'] === 'spaced' && previous?.city !== city",
    'previous?.[key] ?? interests[0]',
    '(a)',
    '((a || b) && !(c))',
    'typeof (a) == "string"',
    'void (0)',
    "'x' in (fields)",
    'a instanceof (Array)',
    'a ? (b) : (c)',
    'a ? .5 : 1',
    "[a, b, 'c'][0] + ''",
    '-a ** 2 % 3 >>> 1',
    '+employees > 100',
    "a // a comment (with) `everything` /re/ new X\n&& b",
    'a /* (b) => new X */ + c',
    "'(' + \"a(b)\" + 'it\\'s (quoted)'",
    'a / b',
    '(a + b) / 2 > c',
    "fields['x'] / 2",
    'this.x === undefined',
    'a.new == a.function',
    'a.in / 2 > a.typeof',
    `${'('.repeat(64)}a${')'.repeat(64)}`,
  ])('admits %s', (source) => {
    expect(bounded(source)).toBe(true);
  });

  it.each([
    ['a call', 'a(b)'],
    ['a call of a parenthesised callee', '(a)(b)'],
    ['a call across a line break', 'a\n(b)'],
    ['an optional call', 'a?.(b)'],
    ['a method call', "interests.includes('x')"],
    ['a call of a member', 'a[0](1)'],
    ['a call of a literal', "'a'(1)"],
    ['a call of a number', '1(2)'],
    ['a call after a comment', 'a /* x */ (b)'],
    ['a call inside typeof', 'typeof a(b)'],
    ['a tagged template', 'a`x`'],
    ['a template literal', '`x`'],
    ['an arrow function', 'x => 1'],
    ['an async arrow', 'async x => 1'],
    ['a function', '(function () {})'],
    ['a class', '(class {})'],
    ['a getter', '({ get a() { return 1 } })'],
    ['an object literal', '({ a: 1 })'],
    ['an object literal with a toString', "({ toString: Array.prototype.join, length: 1e15 }) + ''"],
    ['new', 'new X'],
    ['a regular expression', '/re/'],
    ['a regular expression after an operator', "a && /re/.test('x')"],
    ['an assignment', 'a = 1'],
    ['a compound assignment', 'a += 1'],
    ['an increment', 'a++'],
    ['a decrement', '--a'],
    ['delete', 'delete a.b'],
    ['spread', '[...a]'],
    ['a BigInt', '2n ** 100000n'],
    ['import', "import('x')"],
    ['super', 'super.x'],
    ['yield', 'yield'],
    ['await', 'await x'],
    ['eval', 'eval'],
    ['a statement separator', 'a; b'],
    ['a unicode escape in a name', '\\u0061'],
    ['a non-ASCII name', "café == 'x'"],
    ['a private name', '#x in a'],
    ['an unterminated string', "'abc"],
    ['unbalanced brackets', '1), (2'],
    ['a call of a property named in', 'a.in()'],
    ['a call of a property named in after a space', "fields . in ('x')"],
    ['a call of a property named typeof', 'a.typeof(1)'],
    ['an optional call of a property named void', 'a?.void()'],
    ['a call of a property named instanceof', 'a.instanceof()'],
    ['brackets nested too deep', `${'('.repeat(65)}a${')'.repeat(65)}`],
    ['array literals nested too deep', `${'['.repeat(65)}${']'.repeat(65)}`],
  ])('refuses %s', (_what, source) => {
    expect(bounded(source)).toBe(false);
  });
});

describe('analyzeExpression: names', () => {
  it('lists the names looked up in scope, not properties, strings or comments', () => {
    expect(names("company == 'Apple' && city != 'Paris'")).toEqual(['company', 'city']);
    expect(names('fields.company.length > a?.b')).toEqual(['fields', 'a']);
    expect(names("'company' + \"city\" // country\n + x /* y */")).toEqual(['x']);
    expect(names('a ? .5 : b')).toEqual(['a', 'b']);
  });

  it('lists names in sources that are not bounded too', () => {
    expect(names("interests.includes('x') && (() => company)()")).toEqual(['interests', 'company']);
    expect(names('({ a: b })')).toEqual(['a', 'b']);
  });

  it('counts keywords as names, since a field may be called `get` or `of`', () => {
    expect(names('get == of')).toEqual(['get', 'of']);
  });

  it('needs the whole record when it cannot be sure', () => {
    expect(names("eval('company')")).toBeUndefined();
    expect(names('`${company}`')).toBeUndefined();
    expect(names("/'/.test(company)")).toBeUndefined();
    expect(names('\\u0063ompany')).toBeUndefined();
    expect(names('f(a) / 2')).toBeUndefined();
    expect(names("'unterminated")).toBeUndefined();
    expect(names('a /* unterminated')).toBeUndefined();
  });

  it('ends a line comment where JavaScript does, at U+2028 too', () => {
    expect(names('a // comment\u2028 + b')).toEqual(['a', 'b']);
  });
});

describe('analyzeExpression: member keys', () => {
  const memberKeys = (source: string) => analyzeExpression(source).memberKeys;

  it('lists the keys of fields and previous read with static keys', () => {
    expect(memberKeys("fields.x == 'y' && fields['my key'] != previous?.x")).toEqual({ fields: ['x', 'my key'], previous: ['x'] });
    expect(memberKeys("previous?.['a'] + fields.in + fields.x.length")).toEqual({ previous: ['a'], fields: ['in', 'x'] });
  });

  it('needs the whole object for any other use', () => {
    for (const source of [
      "'x' in fields",
      'fields[key]',
      "fields + ''",
      "fields.x == 'y' && fields",
      "fields['a' + 'b']",
      "fields['\\x41']",
      "fields.hasOwnProperty('y')",
      '(fields.valueOf)()',
      'fields.x?.()',
      'Object.keys(fields)',
    ]) {
      expect(memberKeys(source), source).toEqual({});
    }
  });
});
