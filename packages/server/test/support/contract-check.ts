// Validates every response a test receives against the bundled contract: the status must be
// declared for the operation, the body must match its schema, the declared headers must be there
// (unless declared `required: false`) and match theirs.
import type { ValidateFunction } from 'ajv';
import { compileSchema, Contract } from '../../src/http/contract.ts';

type Schema = Record<string, unknown>;

export interface CheckedResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
  operationId: string | null;
}

export class ResponseChecker {
  readonly contract: Contract;
  readonly #routes: Array<{ pattern: RegExp; template: string }>;
  readonly #validators = new Map<string, ValidateFunction>();
  readonly seen = new Set<string>();

  constructor(contract: Contract = new Contract()) {
    this.contract = contract;
    const paths = Object.keys((contract.bundle.paths ?? {}) as Schema);
    this.#routes = paths.map((template) => ({
      template,
      pattern: new RegExp(`^/v1${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\//g, '\\/')}$`),
    }));
  }

  #operation(method: string, pathname: string): { operationId: string; operation: Schema } | null {
    const route = this.#routes.find(({ pattern }) => pattern.test(pathname));
    if (!route) return null;
    const item = (this.contract.bundle.paths as Record<string, Record<string, Schema>>)[route.template];
    const operation = item?.[method.toLowerCase()];
    if (!operation) return null;
    return { operationId: String(operation.operationId), operation };
  }

  async check(method: string, url: string, response: Response): Promise<CheckedResponse> {
    const pathname = new URL(url, 'http://tidings.test').pathname;
    const text = await response.text();
    const found = this.#operation(method, pathname);
    const contentType = response.headers.get('content-type') ?? '';
    let body: unknown = text;
    if (contentType.startsWith('application/json') && text !== '') body = JSON.parse(text);
    if (!found) {
      // Outside the contract (an unknown route or method) the answer must still be the error envelope.
      if (!pathname.startsWith('/v1/')) return { status: response.status, headers: response.headers, body, text, operationId: null };
      this.#validate('ErrorEnvelope', { $ref: '#/components/schemas/ErrorEnvelope' }, body, `${method} ${pathname} ${response.status}`);
      if (response.status >= 500) throw new Error(`${method} ${pathname} answered ${response.status}: ${text}`);
      return { status: response.status, headers: response.headers, body, text, operationId: null };
    }
    const { operationId, operation } = found;
    const where = `${operationId} (${method} ${pathname}) answered ${response.status}`;
    const responses = (operation.responses ?? {}) as Record<string, Schema>;
    const declared =
      responses[String(response.status)] ?? responses[`${String(response.status)[0]}XX`] ?? responses.default;
    if (!declared) throw new Error(`${where}, a status the contract does not declare: ${text.slice(0, 300)}`);
    const spec = this.contract.resolve(declared as never) as Schema;
    const content = (spec.content ?? {}) as Record<string, Schema>;
    const mediaTypes = Object.keys(content);
    if (mediaTypes.length === 0) {
      if (text !== '') throw new Error(`${where} with a body, but the contract declares none: ${text.slice(0, 300)}`);
    } else {
      const mediaType = mediaTypes.find((type) => contentType.startsWith(type));
      if (!mediaType) throw new Error(`${where} with content-type "${contentType}", declared: ${mediaTypes.join(', ')}`);
      this.#validate(`${operationId} ${response.status}`, content[mediaType]?.schema ?? {}, body, where);
    }
    for (const [name, declaredHeader] of Object.entries((spec.headers ?? {}) as Record<string, Schema>)) {
      if (name.toLowerCase() === 'content-type') continue;
      const header = this.contract.resolve(declaredHeader as never) as Schema;
      const value = response.headers.get(name);
      // a header is always sent unless the contract says `required: false` (RateLimit-*: not without a limit)
      if (value === null) {
        if (header.required === false) continue;
        throw new Error(`${where} without the declared header ${name}`);
      }
      const schema = (header.schema ?? {}) as Schema;
      const typed = this.contract.resolve(schema as never).type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;
      this.#validate(`header ${name}`, schema, typed, `${where} with the header ${name}: ${value}`);
    }
    this.seen.add(`${operationId} ${response.status}`);
    return { status: response.status, headers: response.headers, body, text, operationId };
  }

  #validate(key: string, schema: unknown, body: unknown, where: string): void {
    let validate = this.#validators.get(key);
    if (!validate) {
      validate = compileSchema(this.contract.ajv, schema as never);
      this.#validators.set(key, validate);
    }
    if (!validate(body)) {
      throw new Error(`${where} with a body that breaks the contract: ${JSON.stringify(validate.errors?.slice(0, 3))}\n${JSON.stringify(body).slice(0, 500)}`);
    }
  }
}
