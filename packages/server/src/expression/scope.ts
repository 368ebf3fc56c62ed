// What the host sends QuickJS for one evaluation. When the analysis knows every name an expression can
// look up, only those names' values travel, already shaped as the scope (a special name wins over a field
// of the same name, as in the prelude's scopeFor); a name whose value is absent is left out and resolves
// as a field the record lacks. Otherwise the whole record travels and QuickJS builds the scope.
// When the expression reads `fields` or `previous` only through static keys (analysis.ts), that object
// travels with just those keys: a key it lacks resolves through Object.prototype either way.
import type { ExpressionAnalysis } from './analysis.ts';
import type { EvaluationInput } from './engine.ts';
import type { ExpressionRecord } from './types.ts';

const specialNames = new Set(['fields', 'previous', 'action', 'type', 'interests']);
const { propertyIsEnumerable } = Object.prototype;

export function evaluationInput(analysis: ExpressionAnalysis, record: ExpressionRecord): EvaluationInput {
  if (analysis.names === undefined) return { recordJson: recordJson(record) };
  return { scopeJson: scopeJson(analysis, analysis.names, record) };
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
function scopeJson(analysis: ExpressionAnalysis, names: readonly string[], record: ExpressionRecord): string {
  let json = '';
  for (const name of names) {
    let value: unknown;
    if (specialNames.has(name)) value = record[name as keyof ExpressionRecord];
    else if (propertyIsEnumerable.call(record.fields, name)) value = record.fields[name];
    else continue;
    const keys = analysis.memberKeys[name];
    const valueJson =
      keys !== undefined && isPlainData(value) ? objectJson(value, keys) : (JSON.stringify(value) as string | undefined);
    if (valueJson === undefined) continue;
    // A name from the analysis is made of ASCII letters, digits, `_` and `$`: nothing JSON escapes.
    json += `${json === '' ? '"' : ',"'}${name}":${valueJson}`;
  }
  return `{${json}}`;
}

/** An object JSON.stringify writes key by key (no array, no toJSON of its own to call). */
function isPlainData(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/** What `JSON.stringify(object)` would write, keeping only `keys`. */
function objectJson(object: Record<string, unknown>, keys: readonly string[]): string {
  let json = '';
  for (const key of keys) {
    if (!propertyIsEnumerable.call(object, key)) continue;
    const valueJson = JSON.stringify(object[key]) as string | undefined;
    if (valueJson === undefined) continue;
    json += `${json === '' ? '' : ','}${JSON.stringify(key)}:${valueJson}`;
  }
  return `{${json}}`;
}
