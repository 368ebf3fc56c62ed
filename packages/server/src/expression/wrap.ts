// An expression becomes the body of an arrow function that looks names up in a per-evaluation scope
// object (`with` needs sloppy mode, which is why this is not a strict-mode function). The newline
// before the closing bracket keeps a trailing `// comment` from swallowing it.
//
// Parenthesising alone does not make a single expression: `1); evil(); (1` balances the brackets and
// compiles. So the source must also compile inside square brackets: a breakout has to close the
// wrapper's opening bracket with the matching closer, and no source can close both `(` and `[`.
// Both wrappers put the lexer in the same state before the source (a regular expression may start),
// so the source is tokenized identically in each.

export function expressionFunctionSource(source: string): string {
  return `(scope) => { with (scope) { return (\n${source}\n); } }`;
}

export function singleExpressionProbeSource(source: string): string {
  return `(scope) => { with (scope) { return [\n${source}\n]; } }`;
}

export const notSingleExpressionMessage = 'SyntaxError: the condition must be a single JavaScript expression';

export function isAlwaysTrue(source: string): boolean {
  return source.trim() === '';
}
