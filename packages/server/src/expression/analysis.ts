// A conservative look at an expression's tokens, made once per source, that answers two questions:
//
// 1. Which names can the expression look up in its scope? Only names written in the source: the scope
//    object is reachable by no other route (it is never `this`, since no field value is callable; code
//    built with `Function` runs in the global scope), except direct `eval`, so a source that mentions
//    `eval` needs the whole record. Every identifier not written after `.` or `?.` counts, keywords and
//    object keys included: naming too much costs nothing, naming too little would change the outcome.
//    The host then sends QuickJS only the fields named, instead of the whole record.
//
// 2. Is the expression bounded: can it neither loop nor call anything, so that the work it does is bounded
//    by its length and the size of the values it is given? Such an expression may run on the calling
//    thread, where no backstop could stop it. It must use nothing but names, member access, string and
//    number literals, array literals, grouping, and the operators that only read and compare. Refused
//    (the expression then runs in the worker thread, with its backstop):
//    - calls of any kind: a `(` after anything that can end a callee (a name other than the operator
//      keywords, a literal, `)`, `]`, `?.`), `new`, tagged templates;
//    - anything that makes a function: `=>`, `function`, `class`, `async`, methods, getters and setters;
//    - object literals: `({ toString: Array.prototype.join, length: 1e15 }) + ''` makes the conversion to
//      a string call an intrinsic loop without a single `(`; the same holds for `valueOf`,
//      `Symbol.toPrimitive`, `Symbol.hasInstance` and getters inherited through `__proto__`. Without
//      object literals, every object an expression can reach is record data (no function in it), an array
//      literal, or a frozen intrinsic, whose implicit conversions are bounded by their contents;
//    - spread (`[...s]` copies a value element by element, so nesting it multiplies the work), assignment,
//      `++`, `--` and `delete` (an expression that cannot change anything cannot set `length = 1e9`);
//    - template literals, regular expressions, BigInt literals (`2n ** 10000000n` is one slow operation),
//      statements (`;`, `{`), and keywords other than `typeof`, `void`, `in`, `instanceof`, `true`,
//      `false`, `null` and `this`;
//    - whatever this scanner does not understand: a backslash or a non-ASCII character outside a string
//      literal (an escaped or Unicode identifier), unbalanced brackets;
//    - brackets nested deeper than `largestBoundedNesting`: QuickJS parses them recursively, and its
//      WebAssembly frames run on the calling thread's stack (499 nested parentheses took ≈ 700 KB).
//    A name after `.` or `?.` is a property name, whatever it spells: `a.in()` and `a?.typeof()` call.
//    Division is admitted only where `/` cannot start a regular expression (after a name, a literal, `)`
//    or `]`); `//` and `/*` comments are skipped.

//
// 3. Which keys of `fields` and `previous` can it read? When every mention of one of them is a member
//    access with a static key (`fields.x`, `fields['x']`, `previous?.x`, `previous?.['x']`) that is not
//    called, nor parenthesised (`(fields.x)()` would call with `fields` as `this` too), the expression
//    can observe nothing of that object but those keys' values: the host then sends just those keys.
//    Any other mention (`'x' in fields`, `fields[k]`, `fields + ''`, `fields.hasOwnProperty('y')`) needs
//    the whole object.

export interface ExpressionAnalysis {
  /** The names the expression may look up in its scope; undefined when it needs the whole record. */
  readonly names: readonly string[] | undefined;
  /**
   * For `fields` and `previous`, when named: the only keys the expression can read from the object
   * (see 3 above). A name that is named but absent here needs its whole object.
   */
  readonly memberKeys: Readonly<Partial<Record<string, readonly string[]>>>;
  /** True when the expression cannot loop or call (see above). */
  readonly bounded: boolean;
}

const wholeRecord: ExpressionAnalysis = { names: undefined, memberKeys: {}, bounded: false };

/** Deeper nesting of brackets sends an expression to the worker (see 2 above). */
export const largestBoundedNesting = 64;

/** The names whose values are objects of record data, which may be sent in part (see 3 above). */
const objectNames = new Set(['fields', 'previous']);

/** Keywords a bounded expression may contain: operators and literal values. */
const boundedKeywords = new Set(['typeof', 'void', 'in', 'instanceof', 'true', 'false', 'null', 'this']);

/** After these keywords a `(` groups instead of calling. */
const operatorKeywords = new Set(['typeof', 'void', 'in', 'instanceof']);

/** Keywords that are values: a `/` after them divides. */
const valueKeywords = new Set(['true', 'false', 'null', 'this']);

/**
 * Reserved words, and words that are keywords in some context (`of`, `yield`, `await`, `get`, …). A bounded
 * expression contains none but `boundedKeywords`; a `/` after any of them may start a regular expression.
 */
const keywords = new Set([
  ...boundedKeywords,
  'async', 'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete',
  'do', 'else', 'enum', 'eval', 'export', 'extends', 'finally', 'for', 'function', 'get', 'if', 'implements',
  'import', 'interface', 'let', 'new', 'of', 'package', 'private', 'protected', 'public', 'return', 'set',
  'static', 'super', 'switch', 'throw', 'try', 'var', 'while', 'with', 'yield', 'arguments',
]);

/** Punctuators, longest first so that the first match is the token. `/` and `/=` are handled apart. */
const punctuators = [
  '>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=',
  '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '%=', '&=', '|=', '^=',
  '**', '<<', '>>', '{', '}', '(', ')', '[', ']', ';', ',', '<', '>', '+', '-', '*', '%', '&', '|', '^', '!',
  '~', '?', ':', '=', '.',
];

/** Punctuators a bounded expression may contain (plus `/` as division). */
const boundedPunctuators = new Set([
  '(', ')', '[', ']', '.', '?.', ',', '?', ':', '!', '~', '+', '-', '*', '**', '%', '<', '>', '<=', '>=',
  '==', '!=', '===', '!==', '&&', '||', '??', '&', '|', '^', '<<', '>>', '>>>',
]);

const closers: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** A `property` is a name written after `.` or `?.`. */
type Token = { kind: 'name' | 'property' | 'number' | 'string' | 'punctuator'; text: string };

const identifierStart = /[A-Za-z_$]/;
const identifierPart = /[A-Za-z0-9_$]/;
const identifierRun = /[A-Za-z0-9_$]*/y;
const numberLiteral = /0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?/y;
/** Line terminators end a `//` comment; JavaScript counts U+2028 and U+2029 among them. */
const lineTerminators = new Set(['\n', '\r', '\u2028', '\u2029']);
/** Other non-ASCII spaces are left out: the scan then gives up, which is merely conservative. */
const whitespace = new Set([' ', '\t', '\v', '\f', ...lineTerminators]);

export function analyzeExpression(source: string): ExpressionAnalysis {
  const names = new Set<string>();
  const tokens: Token[] = [];
  const open: string[] = [];
  let previous: Token | undefined;
  let bounded = true;
  // A `/` after `)` is a division in an expression but may start a regular expression after the `)` of
  // an `if (…)`; only a bounded source is known to have no statements.
  let divisionAfterParenthesis = false;
  let index = 0;

  while (index < source.length) {
    const char = source[index] as string;
    const next = source[index + 1];
    if (whitespace.has(char)) {
      index++;
      continue;
    }
    if (char === '/' && next === '/') {
      index += 2;
      while (index < source.length && !lineTerminators.has(source[index] as string)) index++;
      continue;
    }
    if (char === '/' && next === '*') {
      const end = source.indexOf('*/', index + 2);
      if (end === -1) return wholeRecord;
      index = end + 2;
      continue;
    }

    let token: Token;
    if (identifierStart.test(char)) {
      identifierRun.lastIndex = index;
      identifierRun.test(source);
      const isProperty = previous?.kind === 'punctuator' && (previous.text === '.' || previous.text === '?.');
      token = { kind: isProperty ? 'property' : 'name', text: source.slice(index, identifierRun.lastIndex) };
      index = identifierRun.lastIndex;
      if (!isProperty) {
        if (token.text === 'eval') return wholeRecord;
        names.add(token.text);
        if (keywords.has(token.text) && !boundedKeywords.has(token.text)) bounded = false;
      }
    } else if (/\d/.test(char) || (char === '.' && next !== undefined && /\d/.test(next))) {
      numberLiteral.lastIndex = index;
      numberLiteral.test(source);
      let end = numberLiteral.lastIndex;
      // A BigInt suffix, or a name glued to the number (a syntax error): part of this token either way.
      while (end < source.length && identifierPart.test(source[end] as string)) {
        end++;
        bounded = false;
      }
      token = { kind: 'number', text: source.slice(index, end) };
      index = end;
    } else if (char === "'" || char === '"') {
      const end = endOfString(source, index);
      if (end === undefined) return wholeRecord;
      token = { kind: 'string', text: source.slice(index, end) };
      index = end;
    } else if (char === '/') {
      if (!endsOperand(previous)) return wholeRecord;
      if (previous?.text === ')') divisionAfterParenthesis = true;
      const text = next === '=' ? '/=' : '/';
      if (text === '/=') bounded = false;
      token = { kind: 'punctuator', text };
      index += text.length;
    } else {
      // Also a `?` before `.5` (`a ? .5 : b`) is not optional chaining.
      const text = punctuators.find(
        (candidate) => source.startsWith(candidate, index) && !(candidate === '?.' && /\d/.test(source[index + 2] ?? '')),
      );
      // A template literal, a backslash, `#`, `@`, a non-ASCII character: too much to follow here.
      if (text === undefined) return wholeRecord;
      token = { kind: 'punctuator', text };
      index += text.length;
      if (!boundedPunctuators.has(text)) bounded = false;
      if (text === '(' && isCallee(previous)) bounded = false;
      if (text === '(' || text === '[' || text === '{') {
        open.push(text);
        if (open.length > largestBoundedNesting) bounded = false;
      }
      const opener = closers[text];
      if (opener !== undefined && open.pop() !== opener) bounded = false;
    }
    tokens.push(token);
    previous = token;
  }

  if (open.length > 0) bounded = false;
  if (divisionAfterParenthesis && !bounded) return wholeRecord;
  return { names: [...names], memberKeys: memberKeysOf(tokens), bounded };
}

/** The keys of each object name that every one of its mentions reads statically (see 3 above). */
function memberKeysOf(tokens: readonly Token[]): Partial<Record<string, string[]>> {
  const keys = new Map<string, Set<string> | null>();
  tokens.forEach((token, index) => {
    if (token.kind !== 'name' || !objectNames.has(token.text)) return;
    const known = keys.get(token.text);
    if (known === null) return;
    const key = staticKeyAfter(tokens, index + 1);
    if (key === undefined) keys.set(token.text, null);
    else if (known === undefined) keys.set(token.text, new Set([key]));
    else known.add(key);
  });
  const result: Partial<Record<string, string[]>> = {};
  for (const [name, read] of keys) if (read !== null) result[name] = [...read];
  return result;
}

/**
 * The key of a static member access starting at `tokens[at]` (`.x`, `?.x`, `['x']`, `?.['x']`), unless
 * what follows could call it with the object as `this`; undefined when there is no such access.
 */
function staticKeyAfter(tokens: readonly Token[], at: number): string | undefined {
  const isPunctuator = (index: number, text: string) =>
    tokens[index]?.kind === 'punctuator' && tokens[index]?.text === text;
  let index = at;
  const optional = isPunctuator(index, '?.');
  if (optional) index++;
  let key: string;
  const property = optional ? tokens[index] : isPunctuator(index, '.') ? tokens[index + 1] : undefined;
  const literal = tokens[index + 1];
  if (property?.kind === 'property') {
    key = property.text;
    index += optional ? 1 : 2;
  } else if (isPunctuator(index, '[') && literal?.kind === 'string' && isPunctuator(index + 2, ']')) {
    // Without a backslash, the characters between the quotes are the key.
    if (literal.text.includes('\\')) return undefined;
    key = literal.text.slice(1, -1);
    index += 3;
  } else {
    return undefined;
  }
  if (isPunctuator(index, '(') || isPunctuator(index, ')')) return undefined;
  if (isPunctuator(index, '?.') && isPunctuator(index + 1, '(')) return undefined;
  return key;
}

/** The index just past the closing quote, or undefined when the literal does not end on its line. */
function endOfString(source: string, start: number): number | undefined {
  const quote = source[start];
  let index = start + 1;
  while (index < source.length) {
    const char = source[index];
    if (char === quote) return index + 1;
    if (char === '\n' || char === '\r') return undefined;
    // An escape takes the next character whatever it is; a `\` before CR LF continues the line, and the
    // LF left over then ends the scan as if unterminated, which is merely conservative.
    index += char === '\\' ? 2 : 1;
  }
  return undefined;
}

/** Whether a `/` after this token is a division (it may otherwise start a regular expression). */
function endsOperand(token: Token | undefined): boolean {
  if (token === undefined) return false;
  if (token.kind === 'number' || token.kind === 'string' || token.kind === 'property') return true;
  if (token.kind === 'name') return !keywords.has(token.text) || valueKeywords.has(token.text);
  return token.text === ')' || token.text === ']';
}

/** Whether a `(` after this token calls what the token ends, instead of grouping. */
function isCallee(token: Token | undefined): boolean {
  if (token === undefined) return false;
  // A property is a callee whatever it spells: `a.in(b)` calls.
  if (token.kind === 'name') return !operatorKeywords.has(token.text);
  if (token.kind !== 'punctuator') return true;
  return token.text === ')' || token.text === ']' || token.text === '}' || token.text === '?.';
}
