// What the host sends QuickJS for one evaluation. When the analysis knows every name an expression can
// look up, only those names' values travel, already shaped as the scope (a special name wins over a field
// of the same name, as in the prelude's scopeFor); a name whose value is absent is left out and resolves
// as a field the record lacks. Otherwise the whole record travels and QuickJS builds the scope.
import type { ExpressionAnalysis } from './analysis.ts';
import type { EvaluationInput } from './engine.ts';
import type { ExpressionRecord } from './types.ts';

const specialNames = new Set(['fields', 'previous', 'action', 'type', 'interests']);
const { propertyIsEnumerable } = Object.prototype;

export function evaluationInput(analysis: ExpressionAnalysis, record: ExpressionRecord): EvaluationInput {
  if (analysis.names === undefined) return { recordJson: recordJson(record) };
  return { scopeJson: scopeJson(analysis.names, record) };
}

export function recordJson(record: ExpressionRecord): string {
  const { fields, previous, action, type, interests } = record;
  return JSON.stringify({ fields, previous, action, type, interests });
}

/**
 * Mirrors what `JSON.stringify(record)` would carry: a field counts only as an own enumerable property,
 * and a value JSON cannot hold (undefined, say) is left out, as stringify leaves it out of the record.
 * Keys are written with JSON.stringify too, so `__proto__` stays a plain key for JSON.parse.
 */
function scopeJson(names: readonly string[], record: ExpressionRecord): string {
  let json = '';
  for (const name of names) {
    let value: unknown;
    if (specialNames.has(name)) value = record[name as keyof ExpressionRecord];
    else if (propertyIsEnumerable.call(record.fields, name)) value = record.fields[name];
    else continue;
    const valueJson = JSON.stringify(value) as string | undefined;
    if (valueJson === undefined) continue;
    // A name from the analysis is made of ASCII letters, digits, `_` and `$`: nothing JSON escapes.
    json += `${json === '' ? '"' : ',"'}${name}":${valueJson}`;
  }
  return `{${json}}`;
}
