// Schema-driven fuzzing: for every operation of the bundled contract, at least 200 generated invalid
// requests. Every answer must be a 4xx whose body is the error envelope; nothing may be a 5xx; the
// server keeps answering; and nothing in the store changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checker, createHarness, type Harness } from '../support/harness.ts';
import { contractOperations, fillPath, type ContractOperation as Operation } from '../support/operations.ts';

type Schema = Record<string, unknown>;
interface FuzzRequest {
  label: string;
  path: string;
  token?: string | null;
  headers?: Record<string, string>;
  rawBody?: string;
}

const resolve = (node: unknown): Schema => checker.contract.resolve(node as never) as Schema;

/** A small deterministic random source, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WRONG_VALUES: unknown[] = [null, true, 0, -1, 1.5, 1e308, '', [], {}, [1, 'a'], { nested: { deeper: [] } }];
const STRANGE_STRINGS = ['\u0000', '\uD800', '💥'.repeat(600), 'ｕｒｌ', '<script>', "'; DROP TABLE callbacks; --", 'x'.repeat(70_000)];
const BAD_IDS = ['abc', '0', '-1', '01', '1.5', '1e3', '%C2%B9', '%EF%BC%91', '9'.repeat(30), '99999999999999999', '%00', '%20', 'null', '1;2', '%2E%2E'];
const BAD_JSON = ['{', '{"a":', '[1,', '{"a":1}}', '{a:1}', "{'a':1}", 'NaN', '{"a":1,}', 'undefined', '{"a":"\\x"}', '"just a string"', '42', 'null', 'true'];

function mutateBody(operation: Operation, rand: () => number): unknown[] {
  const schema = operation.requestSchema as Schema;
  const properties = Object.keys((schema.properties as Schema | undefined) ?? {});
  const required = (schema.required as string[] | undefined) ?? [];
  const valid = (operation.requestExample ?? {}) as Record<string, unknown>;
  const bodies: unknown[] = [];
  // wrong types for every property
  for (const property of properties) {
    for (const wrong of WRONG_VALUES) {
      const propertySchema = resolve((schema.properties as Schema)[property]);
      const type = propertySchema.type;
      // a property that may be null (`type: [integer, 'null']`) takes null as a value of its own
      if (wrong === null && Array.isArray(type) && type.includes('null')) continue;
      const fits =
        (type === 'string' && typeof wrong === 'string' && (propertySchema.minLength === undefined || (wrong as string).length >= Number(propertySchema.minLength))) ||
        (type === 'boolean' && typeof wrong === 'boolean') ||
        (type === 'array' && Array.isArray(wrong) && wrong.length === 0) ||
        (type === 'object' && wrong !== null && typeof wrong === 'object' && !Array.isArray(wrong) && Object.keys(wrong).length === 0 && propertySchema.additionalProperties !== undefined);
      if (fits && !(type === 'string' && propertySchema.enum === undefined && wrong === '')) continue;
      if (type === 'string' && wrong === '' && propertySchema.enum === undefined && propertySchema.minLength === undefined) continue;
      bodies.push({ ...valid, [property]: wrong });
    }
    // wrong case of the key, and a near miss
    bodies.push({ ...valid, [property.toUpperCase()]: valid[property] ?? 'x' });
    bodies.push({ ...valid, [`${property}s`]: 'x' });
  }
  // missing required keys
  for (const key of required) {
    const rest = { ...valid };
    delete rest[key];
    bodies.push(rest);
  }
  // extra keys with random names
  for (let i = 0; i < 10; i++) bodies.push({ ...valid, [`extra_${Math.floor(rand() * 1e6)}`]: rand() > 0.5 ? 'x' : 1 });
  // strange strings where strings go: over-long ones must be refused; others must be refused for
  // a reason of their own, so they ride along with an unknown key
  for (const text of STRANGE_STRINGS) bodies.push({ ...valid, [text.slice(0, 50)]: text });
  for (const property of properties) bodies.push({ ...valid, [property]: 'y'.repeat(70_000) });
  // not an object at all
  bodies.push([], [valid], 'text', 42, null, true);
  return bodies;
}

function requestsFor(operation: Operation, ids: Record<string, string>, foreignIds: Record<string, string>, rand: () => number): FuzzRequest[] {
  const path = (values: Record<string, string>) => fillPath(operation.template, values);
  const validRaw = operation.requestSchema ? JSON.stringify(operation.requestExample ?? {}) : undefined;
  const withValidBody = (request: FuzzRequest): FuzzRequest =>
    validRaw === undefined ? request : { ...request, rawBody: validRaw, headers: { 'content-type': 'application/json', ...request.headers } };
  const requests: FuzzRequest[] = [];
  const names = [...operation.template.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);

  // authentication
  for (const token of [null, '', 'tid_unknown', 'x'.repeat(600), 'tid_' + '\u00e9'.repeat(10)]) {
    requests.push(withValidBody({ label: `token ${JSON.stringify(token)?.slice(0, 20)}`, path: path(ids), token }));
  }
  for (const authorization of ['Basic Zm9vOmJhcg==', 'Bearer', 'Bearer  ', 'bearer', 'Token abc', 'Bearer a b']) {
    requests.push(withValidBody({ label: `authorization ${authorization}`, path: path(ids), token: null, headers: { authorization } }));
  }
  requests.push(withValidBody({ label: 'token twice in query', path: `${path(ids)}?access_token=a&access_token=b`, token: null }));

  // invalid, unknown and foreign IDs in every path parameter
  for (const name of names) {
    for (const bad of BAD_IDS) requests.push(withValidBody({ label: `${name}=${bad}`, path: path({ ...ids, [name]: bad }) }));
    requests.push(withValidBody({ label: `${name} unknown`, path: path({ ...ids, [name]: '987654321' }) }));
    requests.push(withValidBody({ label: `${name} foreign`, path: path({ ...ids, [name]: foreignIds[name] ?? '1' }) }));
  }

  // query parameters: out of range, wrong type, duplicated
  for (const name of operation.queryNames) {
    for (const bad of ['-1', 'abc', '1.5', '1e3', '', '99999999999999999999', '%00', '0x10']) {
      if (name === 'start' && bad === '') continue;
      requests.push(withValidBody({ label: `${name}=${bad}`, path: `${path(ids)}?${name}=${bad}` }));
    }
    requests.push(withValidBody({ label: `${name} twice`, path: `${path(ids)}?${name}=1&${name}=2` }));
    if (name === 'limit') requests.push(withValidBody({ label: 'limit=1001', path: `${path(ids)}?limit=1001` }), withValidBody({ label: 'limit=0', path: `${path(ids)}?limit=0` }));
  }

  if (operation.requestSchema) {
    for (const body of mutateBody(operation, rand)) {
      requests.push({ label: `body ${JSON.stringify(body).slice(0, 60)}`, path: path(ids), rawBody: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    }
    for (const raw of BAD_JSON) requests.push({ label: `bad json ${raw}`, path: path(ids), rawBody: raw, headers: { 'content-type': 'application/json' } });
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonp', '']) {
      requests.push({ label: `content-type ${contentType}`, path: path(ids), rawBody: validRaw ?? '{}', headers: contentType ? { 'content-type': contentType } : {} });
    }
    requests.push({ label: 'empty body', path: path(ids), rawBody: '', headers: { 'content-type': 'application/json' } });
    requests.push({ label: 'too large', path: path(ids), rawBody: `{"x":"${'z'.repeat(1_100_000)}"}`, headers: { 'content-type': 'application/json' } });
  }

  // top up to at least 200 with random combinations of the above
  const base = [...requests];
  while (requests.length < 200) {
    const pick = base[Math.floor(rand() * base.length)] as FuzzRequest;
    const noise = `${pick.path.includes('?') ? '&' : '?'}${encodeURIComponent(String.fromCharCode(0x21 + Math.floor(rand() * 0x5d)))}=${Math.floor(rand() * 1000)}`;
    requests.push({ ...pick, label: `${pick.label} + noise`, path: `${pick.path}${noise}` });
  }
  return requests;
}

let h: Harness;
let intruder: string;
const ids: Record<string, string> = { databaseID: '1', collectionID: '1', profileID: '1', subprofileID: '1', callbackID: '1', deliveryID: '1' };
const foreignIds: Record<string, string> = { databaseID: '2', collectionID: '2', profileID: '2', subprofileID: '2', callbackID: '2', deliveryID: '2' };

async function snapshot(): Promise<string> {
  const paths = ['/v1/databases', '/v1/database/1/collections', '/v1/database/1/profiles', '/v1/collection/1/subprofiles', '/v1/database/1/callbacks', '/v1/callback/1/deliveries', '/v1/callback/1/secret'];
  return (await Promise.all(paths.map(async (path) => (await h.request('GET', path)).text))).join('\n');
}

beforeAll(async () => {
  h = await createHarness({ TIDINGS_RATE_LIMIT: '0' });
  await h.request('POST', '/v1/databases', { body: { name: 'victim' } });
  await h.request('POST', '/v1/database/1/collections', { body: { name: 'orders' } });
  await h.request('POST', '/v1/database/1/profiles', { body: { fields: { company: 'Apple' } } });
  await h.request('POST', '/v1/profile/1/subprofiles/1', { body: { fields: { product: 'x' } } });
  await h.request('POST', '/v1/database/1/callbacks', { body: { url: 'https://hooks.example.org/a' } });
  await h.request('POST', '/v1/callback/1/test');
  intruder = await h.newAccount('intruder');
  await h.request('POST', '/v1/databases', { token: intruder, body: { name: 'theirs' } });
  await h.request('POST', '/v1/database/2/collections', { token: intruder, body: { name: 'c' } });
  await h.request('POST', '/v1/database/2/profiles', { token: intruder, body: {} });
  await h.request('POST', '/v1/profile/2/subprofiles/2', { token: intruder, body: { fields: {} } });
  await h.request('POST', '/v1/database/2/callbacks', { token: intruder, body: { url: 'https://hooks.example.org/b' } });
  await h.request('POST', '/v1/callback/2/test', { token: intruder });
}, 30_000);

afterAll(async () => {
  await h.close();
});

describe('schema-driven fuzzing', () => {
  // health takes no input at all, so there is nothing invalid to send it
  const all = contractOperations(checker.contract).filter((operation) => operation.operationId !== 'getHealth');
  const totals: Record<string, number> = {};

  it('covers every operation of the contract that takes input', () => {
    expect(all.length).toBe(42);
  });

  it.each(all.map((operation, index) => [operation.operationId, operation, index] as const))(
    '%s: 200+ invalid requests, every answer a 4xx error envelope',
    async (_name, operation, index) => {
      const before = await snapshot();
      const requests = requestsFor(operation, ids, foreignIds, random(index + 1));
      expect(requests.length).toBeGreaterThanOrEqual(200);
      const statuses = new Map<number, number>();
      for (const request of requests) {
        const response = await h.request(operation.method, request.path, {
          ...(request.token !== undefined && { token: request.token }),
          ...(request.headers && { headers: request.headers }),
          ...(request.rawBody !== undefined && { rawBody: request.rawBody }),
        });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status, `${request.label}: ${response.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect(response.status, request.label).toBeLessThan(500);
        expect(response.body, request.label).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      }
      totals[operation.operationId] = requests.length;
      expect(await snapshot()).toBe(before);
      expect((await h.request('GET', '/v1/health', { token: null })).status).toBe(200);
    },
  );

  afterAll(() => {
    const sum = Object.values(totals).reduce((a, b) => a + b, 0);
    console.log(`fuzz: ${sum} invalid requests over ${Object.keys(totals).length} operations, no 5xx`);
  });
});
