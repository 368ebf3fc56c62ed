// Client middleware that holds every answer to the contract: the status must be declared for the
// operation, a JSON body must match its schema, and the declared headers must be present (unless
// declared `required: false`). A violation rejects the call, so the test that made it fails with
// the reason.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Middleware } from 'openapi-fetch';

type Node = Record<string, unknown>;

const BUNDLE_ID = 'https://tidings.test/openapi.json';
const bundle = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@tidings/spec/openapi.json'), 'utf8')) as Node;
const ajv = new Ajv2020({ strict: false, allErrors: false });
(addFormatsModule as unknown as { default: (ajv: Ajv2020) => void }).default(ajv);
ajv.addSchema({ ...bundle, $id: BUNDLE_ID });
const validators = new Map<string, ValidateFunction>();

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

function at(pointer: string): Node {
  let node: unknown = bundle;
  for (const segment of pointer.replace(/^#\//, '').split('/')) {
    node = (node as Node)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node as Node;
}

async function check(method: string, schemaPath: string, response: Response): Promise<void> {
  const where = `${method} ${schemaPath} answered ${response.status}`;
  const responses = at(`#/paths/${escapePointer(schemaPath)}/${method.toLowerCase()}/responses`);
  const status = String(response.status);
  const key = [status, `${status[0]}XX`, 'default'].find((candidate) => candidate in responses);
  if (key === undefined) throw new Error(`${where}, a status the contract does not declare`);
  let pointer = `#/paths/${escapePointer(schemaPath)}/${method.toLowerCase()}/responses/${key}`;
  const reference = (responses[key] as Node).$ref;
  if (typeof reference === 'string') pointer = reference;
  const declared = at(pointer);
  for (const [header, declaredHeader] of Object.entries((declared.headers ?? {}) as Record<string, Node>)) {
    const reference = declaredHeader.$ref;
    // a header is always sent unless the contract says `required: false` (RateLimit-*: not without a limit)
    const optional = (typeof reference === 'string' ? at(reference) : declaredHeader).required === false;
    if (!optional && !response.headers.has(header)) throw new Error(`${where} without the declared header ${header}`);
  }
  const text = await response.clone().text();
  if (declared.content === undefined) {
    if (text !== '') throw new Error(`${where} with a body the contract does not declare: ${text.slice(0, 200)}`);
    return;
  }
  const schemaPointer = `${pointer}/content/application~1json/schema`;
  let validate = validators.get(schemaPointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `${BUNDLE_ID}${schemaPointer}` });
    validators.set(schemaPointer, validate);
  }
  if (!validate(JSON.parse(text))) {
    throw new Error(`${where} with a body that breaks the contract: ${ajv.errorsText(validate.errors)}\n${text.slice(0, 300)}`);
  }
}

export const contractCheck: Middleware = {
  async onResponse({ request, response, schemaPath }) {
    await check(request.method, schemaPath, response);
    return undefined;
  },
};
