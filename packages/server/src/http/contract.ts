// The bundled contract at run time: request validation (Ajv, draft 2020-12) with messages a person
// can act on. The same compiled schemas validate responses in tests (test/contract.ts).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ErrorCode } from '@tidings/spec';
import { ApiError } from './errors.ts';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export const BUNDLE_ID = 'tidings:openapi.json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: Json };

export interface OperationSpec {
  operationId: string;
  method: string;
  path: string;
  requestBody: ValidateFunction | null;
  query: Array<{ name: string; required: boolean; validate: ValidateFunction; type: string }>;
  responses: Record<string, Schema>;
}

export function loadBundle(): Schema {
  const require = createRequire(import.meta.url);
  return JSON.parse(readFileSync(require.resolve('@tidings/spec/openapi.json'), 'utf8')) as Schema;
}

/** Rewrites local refs (`#/components/…`) to point into the bundle registered under BUNDLE_ID. */
function anchorRefs(value: Json): Json {
  if (Array.isArray(value)) return value.map(anchorRefs);
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: Json } = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = key === '$ref' && typeof inner === 'string' && inner.startsWith('#') ? `${BUNDLE_ID}${inner}` : anchorRefs(inner);
  }
  return out;
}

export function createAjv(bundle: Schema): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: false, coerceTypes: false });
  addFormats(ajv);
  ajv.addSchema({ $id: BUNDLE_ID, components: anchorRefs(bundle.components ?? {}) } as Schema);
  return ajv;
}

export function compileSchema(ajv: Ajv2020, schema: Json): ValidateFunction {
  return ajv.compile(anchorRefs(schema) as Schema);
}

export class Contract {
  readonly bundle: Schema;
  readonly ajv: Ajv2020;
  readonly operations = new Map<string, OperationSpec>();

  constructor(bundle: Schema = loadBundle()) {
    this.bundle = bundle;
    this.ajv = createAjv(bundle);
    const paths = (bundle.paths ?? {}) as Record<string, Record<string, Schema>>;
    for (const [path, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (typeof operation !== 'object' || operation === null || typeof operation.operationId !== 'string') continue;
        const parameters = [
          ...((item.parameters as unknown as Schema[] | undefined) ?? []),
          ...((operation.parameters as Schema[] | undefined) ?? []),
        ].map((parameter) => this.#resolve(parameter));
        const bodySchema = this.#bodySchema(operation);
        this.operations.set(operation.operationId, {
          operationId: operation.operationId,
          method: method.toUpperCase(),
          path,
          requestBody: bodySchema === null ? null : compileSchema(this.ajv, bodySchema),
          query: parameters
            .filter((parameter) => parameter.in === 'query')
            .map((parameter) => {
              const schema = (parameter.schema ?? {}) as Schema;
              return {
                name: String(parameter.name),
                required: parameter.required === true,
                validate: compileSchema(this.ajv, schema),
                type: String(this.#resolve(schema).type ?? 'string'),
              };
            }),
          responses: (operation.responses ?? {}) as Record<string, Schema>,
        });
      }
    }
  }

  /** Follows a local `$ref` inside the bundle. */
  #resolve(node: Schema): Schema {
    let current = node;
    while (typeof current.$ref === 'string' && current.$ref.startsWith('#/')) {
      const pointer = current.$ref.slice(2).split('/').map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
      let target: Json = this.bundle;
      for (const part of pointer) target = (target as Record<string, Json>)[part] ?? null;
      current = target as Schema;
    }
    return current;
  }

  resolve(node: Schema): Schema {
    return this.#resolve(node);
  }

  #bodySchema(operation: Schema): Json {
    if (!operation.requestBody) return null;
    const body = this.#resolve(operation.requestBody as Schema);
    const content = body.content as Record<string, Schema> | undefined;
    return content?.['application/json']?.schema ?? null;
  }

  operation(operationId: string): OperationSpec {
    const spec = this.operations.get(operationId);
    if (!spec) throw new Error(`operation ${operationId} is not in the contract`);
    return spec;
  }

  /** Validates a parsed JSON body; throws ApiError(400) naming the first problem. */
  validateBody(operationId: string, body: unknown): void {
    const validate = this.operation(operationId).requestBody;
    if (validate === null || validate(body)) return;
    throw bodyError(validate.errors ?? []);
  }

  /**
   * Reads the declared query parameters (others, such as access_token, are not this function's
   * business). Numbers are converted here because the query string only holds text.
   */
  readQuery(operationId: string, query: URLSearchParams): Record<string, string | number> {
    const values: Record<string, string | number> = {};
    for (const parameter of this.operation(operationId).query) {
      const all = query.getAll(parameter.name);
      if (all.length === 0) {
        if (parameter.required) throw invalidParameter(`Query parameter '${parameter.name}' is required`);
        continue;
      }
      if (all.length > 1) throw invalidParameter(`Query parameter '${parameter.name}' was given ${all.length} times; give it once`);
      const raw = all[0] as string;
      const value = parameter.type === 'integer' ? (/^-?\d{1,16}$/.test(raw.trim()) ? Number(raw) : raw) : raw;
      if (!parameter.validate(value)) {
        throw invalidParameter(`Query parameter '${parameter.name}' ${describe(parameter.validate.errors?.[0], raw)}`);
      }
      values[parameter.name] = value;
    }
    return values;
  }
}

function invalidParameter(message: string): ApiError {
  return new ApiError(400, 'invalid_parameter', message);
}

function describe(error: ErrorObject | undefined, raw: string): string {
  if (!error) return `has an invalid value ${JSON.stringify(raw)}`;
  switch (error.keyword) {
    case 'type':
      return `must be ${error.params.type === 'integer' ? 'a whole number' : `a ${String(error.params.type)}`}, got ${JSON.stringify(raw)}`;
    case 'minimum':
      return `must be at least ${String(error.params.limit)}, got ${raw}`;
    case 'maximum':
      return `must be at most ${String(error.params.limit)}, got ${raw}`;
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}, got ${JSON.stringify(raw)}`;
    default:
      return `${error.message ?? 'is invalid'}, got ${JSON.stringify(raw)}`;
  }
}

/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

export function closestKey(unknown: string, valid: string[]): string | null {
  const sameCase = valid.find((key) => key.toLowerCase() === unknown.toLowerCase());
  if (sameCase) return sameCase;
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(unknown.length / 3)) + 1;
  for (const key of valid) {
    const d = distance(unknown.toLowerCase(), key.toLowerCase());
    if (d < bestDistance) {
      best = key;
      bestDistance = d;
    }
  }
  return best;
}

function propertyPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
}

const PRIORITY = ['additionalProperties', 'type', 'required', 'minProperties', 'enum', 'maxLength'];

function bodyError(errors: ErrorObject[]): ApiError {
  // anyOf/allOf wrappers repeat what their branches said; the most specific error is the most useful
  const ranked = [...errors].sort((a, b) => {
    const rank = (error: ErrorObject) => {
      const index = PRIORITY.indexOf(error.keyword);
      return index === -1 ? PRIORITY.length : index;
    };
    return rank(a) - rank(b) || b.instancePath.length - a.instancePath.length;
  });
  const error = ranked[0];
  if (!error) return new ApiError(400, 'invalid_body', 'The request body is invalid');
  const path = propertyPath(error.instancePath);
  const where = path === '' ? 'The request body' : `Property '${path}'`;
  const code = (fallback: ErrorCode): ErrorCode => {
    if (path === 'url') return 'url_invalid';
    if (path === 'expression' && error.keyword === 'maxLength') return 'expression_too_long';
    return fallback;
  };
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const valid = Object.keys(((error.parentSchema as Schema | undefined)?.properties as Schema | undefined) ?? {});
      const suggestion = closestKey(key, valid);
      const prefix = path === '' ? '' : `${path}.`;
      const hint = suggestion
        ? ` — did you mean '${prefix}${suggestion}'?`
        : valid.length > 0
          ? ` — valid properties are ${valid.map((name) => `'${name}'`).join(', ')}`
          : '';
      return new ApiError(400, 'unknown_property', `Unknown property '${prefix}${key}'${hint}`);
    }
    case 'type': {
      const expected = String(error.params.type);
      if (path === '') return new ApiError(400, 'invalid_body', 'The request body must be a JSON object');
      const got = Array.isArray(error.data) ? 'an array' : error.data === null ? 'null' : `a ${typeof error.data}`;
      return new ApiError(400, code('invalid_body'), `${where} must be ${expected === 'integer' ? 'a whole number' : `a ${expected}`}, got ${got}`);
    }
    case 'required':
      return new ApiError(400, 'invalid_body', `${path === '' ? 'The request body' : where} is missing the required property '${String(error.params.missingProperty)}'`);
    case 'minProperties': {
      const valid = Object.keys(((error.parentSchema as Schema | undefined)?.properties as Schema | undefined) ?? {});
      return new ApiError(400, 'invalid_body', `${where} must contain at least one of ${valid.map((name) => `'${name}'`).join(', ')}`);
    }
    case 'enum':
      return new ApiError(
        400,
        'invalid_body',
        `${where} must be one of ${(error.params.allowedValues as unknown[]).map((value) => `'${String(value)}'`).join(', ')}, got ${JSON.stringify(error.data)}`,
      );
    case 'maxLength':
      return new ApiError(400, code('invalid_body'), `${where} must be at most ${String(error.params.limit)} characters long`);
    case 'minLength':
      return new ApiError(400, code('invalid_body'), `${where} must be at least ${String(error.params.limit)} character${error.params.limit === 1 ? '' : 's'} long`);
    case 'format':
      return new ApiError(400, code('invalid_body'), `${where} must be a valid ${String(error.params.format)}`);
    case 'maxProperties':
      return new ApiError(400, 'invalid_body', `${where} must have at most ${String(error.params.limit)} entries`);
    case 'maxItems':
      return new ApiError(400, 'invalid_body', `${where} must have at most ${String(error.params.limit)} items`);
    case 'uniqueItems':
      return new ApiError(400, 'invalid_body', `${where} must not contain duplicates`);
    case 'propertyNames':
      return new ApiError(400, 'invalid_body', `${where} has a key that is empty or longer than allowed`);
    default:
      return new ApiError(400, code('invalid_body'), `${where} ${error.message ?? 'is invalid'}`);
  }
}
