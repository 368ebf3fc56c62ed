// The contract mock (pnpm mock) answers every operation with the status and body the contract
// declares, and answers like the real server wherever the answer depends on no stored data: the
// same status, code and message for a missing token, an unknown route, a malformed ID or body.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseChecker } from './support/contract-check.ts';
import { contractOperations, fillPath } from './support/operations.ts';
import { startProcess, waitForStatus, type Started } from './support/processes.ts';

const checker = new ResponseChecker();
const specDir = fileURLToPath(new URL('../../../spec/', import.meta.url));
const exampleIds: Record<string, string> = {
  databaseID: '12',
  collectionID: '34',
  profileID: '56',
  subprofileID: '78',
  callbackID: '21',
  deliveryID: '9001',
};

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'tidings-mock-test-'));
const SERVER_TOKEN = 'bootstrap-token-for-mock-tests';
const started: Started[] = [];

async function startMock(...args: string[]): Promise<string> {
  const mock = await startProcess(process.execPath, ['scripts/mock.ts', ...args], {
    cwd: specDir,
    env: { MOCK_PORT: '0' },
    ready: /tidings mock: (http:\/\/[^\s]+)\/v1/,
  });
  started.push(mock);
  await waitForStatus(`${mock.match[1]}/v1/health`, 200);
  return mock.match[1] as string;
}

let base: string;

beforeAll(async () => {
  base = await startMock();
}, 60_000);

afterAll(async () => {
  // SIGTERM: the mock stops its Prism on it
  await Promise.all(started.map((child) => child.stop('SIGTERM')));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the contract mock', () => {
  const all = contractOperations(checker.contract).map((operation) => ({ ...operation, path: fillPath(operation.template, exampleIds) }));

  it('covers all 43 operations', () => {
    expect(all.length).toBe(43);
  });

  it.each(all.map((operation) => [operation.operationId, operation] as const))('%s answers as the contract declares', async (_name, operation) => {
    const response = await fetch(`${base}${operation.path}`, {
      method: operation.method,
      headers: {
        authorization: 'Bearer tid_any_token_works_on_the_mock',
        ...(operation.requestExample !== undefined && { 'content-type': 'application/json' }),
      },
      ...(operation.requestExample !== undefined && { body: JSON.stringify(operation.requestExample) }),
    });
    const checked = await checker.check(operation.method, operation.path, response);
    expect(checked.status).toBe(operation.successStatus);
  });

  it('answers GET /databases?access_token=x with the list envelope from the examples', async () => {
    const response = await fetch(`${base}/v1/databases?access_token=x`);
    const checked = await checker.check('GET', '/v1/databases', response);
    expect(checked.body).toMatchObject({ start: 0, limit: 100, total: 1, data: [{ ID: '12', name: 'customers' }] });
  });

  it('answers a missing token with the server’s exact 400 body', async () => {
    const response = await fetch(`${base}/v1/databases`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { message: 'Invalid access token', code: 'invalid_access_token' } });
  });

  it('turns validation failures into the error envelope', async () => {
    const unknown = await fetch(`${base}/v1/databases?access_token=x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Name: 'x' }),
    });
    const checked = await checker.check('POST', '/v1/databases', unknown);
    expect(checked).toMatchObject({ status: 400, body: { error: { code: 'unknown_property' } } });
    const paging = await fetch(`${base}/v1/databases?access_token=x&limit=5000`);
    expect((await checker.check('GET', '/v1/databases', paging)).body).toMatchObject({ error: { code: 'invalid_parameter' } });
  });

  it.each(all.filter((operation) => operation.template.includes('{')).map((operation) => [operation.operationId, operation] as const))(
    '%s answers Prefer: code=404 with the not-found code of the first resource in its path',
    async (_name, operation) => {
      const response = await fetch(`${base}${operation.path}`, {
        method: operation.method,
        headers: {
          authorization: 'Bearer tid_any_token_works_on_the_mock',
          prefer: 'code=404',
          ...(operation.requestExample !== undefined && { 'content-type': 'application/json' }),
        },
        ...(operation.requestExample !== undefined && { body: JSON.stringify(operation.requestExample) }),
      });
      const kind = /\{(\w+)ID\}/.exec(operation.template)?.[1];
      expect((await checker.check(operation.method, operation.path, response)).body).toEqual({
        error: { message: `No ${kind} with ID "99"`, code: `${kind}_not_found` },
      });
    },
  );

  it('offers both not-found answers where the path names a profile and a collection', async () => {
    const response = await fetch(`${base}/v1/profile/56/subprofiles/34?access_token=x`, {
      headers: { prefer: 'code=404, example=collectionNotFound' },
    });
    const checked = await checker.check('GET', '/v1/profile/56/subprofiles/34', response);
    expect(checked.body).toMatchObject({ error: { code: 'collection_not_found' } });
  });
});

type Probe = [label: string, method: string, path: string, init?: { headers?: Record<string, string>; body?: string; anonymous?: true }];

const json = (body: string) => ({ headers: { 'content-type': 'application/json' }, body });

describe('the contract mock and the server', () => {
  let server: string;

  beforeAll(async () => {
    const serverProcess = await startProcess(process.execPath, ['src/main.ts'], {
      cwd: serverDir,
      env: { PORT: '0', HOST: '127.0.0.1', TIDINGS_DATA_DIR: dataDir, TIDINGS_BOOTSTRAP_TOKEN: SERVER_TOKEN, LOG_LEVEL: 'warn' },
      ready: /listening on (http:\/\/[^\s]+)[\s\S]*\n  token /,
    });
    started.push(serverProcess);
    server = serverProcess.match[1] as string;
  }, 60_000);

  async function ask(origin: string, [, method, path, init = {}]: Probe) {
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: { ...(!init.anonymous && { authorization: `Bearer ${SERVER_TOKEN}` }), ...init.headers },
      ...(init.body !== undefined && { body: init.body }),
      // the mock once never answered broken JSON: fail rather than wait for the test's time-out
      signal: AbortSignal.timeout(5_000),
    });
    const checked = await checker.check(method, path, response);
    const cors = [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));
    return { status: checked.status, body: checked.body, cors };
  }

  // answered before any stored data is looked at, so the same status, code and message on both
  const sameAnswer: Probe[] = [
    ['a missing token', 'GET', '/v1/databases', { anonymous: true }],
    ['an Authorization that is not Bearer', 'GET', '/v1/databases', { anonymous: true, headers: { authorization: 'Basic eDp5' } }],
    ['a CORS preflight', 'OPTIONS', '/v1/databases', { anonymous: true, headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } }],
    ['OPTIONS with a token', 'OPTIONS', '/v1/callback/21'],
    ['an unknown path', 'GET', '/v1/nowhere'],
    ['a path outside /v1', 'GET', '/nowhere'],
    ['a method the path does not have', 'PATCH', '/v1/callback/21', json('{}')],
    ['a malformed callback ID', 'GET', '/v1/callback/abc'],
    ['an ID with a leading zero', 'DELETE', '/v1/delivery/01'],
    ['a percent-encoded ID', 'GET', '/v1/profile/a%20b'],
    ['a malformed profile and collection ID', 'GET', '/v1/profile/x/subprofiles/y'],
    ['a malformed collection ID', 'POST', '/v1/profile/56/subprofiles/y', json('{"fields":{}}')],
    ['an ID too large to be stored', 'GET', '/v1/callback/99999999999999999'],
    ['a malformed ID and broken JSON', 'PUT', '/v1/callback/abc', json('{"url":')],
    ['broken JSON', 'POST', '/v1/databases', json('{"name":')],
    ['an empty body', 'POST', '/v1/databases', json('')],
    ['no body', 'POST', '/v1/databases'],
    ['a body not sent as JSON', 'POST', '/v1/databases', { headers: { 'content-type': 'text/plain' }, body: '{"name":"x"}' }],
    ['a body over the limit', 'POST', '/v1/databases', json(`{"name":"${'x'.repeat(2 * 1024 * 1024)}"}`)],
    ['a body over the limit on a POST that takes none', 'POST', '/v1/callback/21/test', json('x'.repeat(2 * 1024 * 1024))],
  ];

  it.each(sameAnswer)('%s: the same answer, and no CORS headers', async (...probe) => {
    const [fromServer, fromMock] = await Promise.all([ask(server, probe), ask(base, probe)]);
    expect(fromMock).toEqual(fromServer);
    expect(fromMock.cors).toEqual([]);
  });

  // the schema checks are Prism's on the mock: the same status and code, in Prism's words
  const sameCode: Probe[] = [
    ['an unknown key', 'POST', '/v1/databases', json('{"Name":"x"}')],
    ['a value of the wrong type', 'PUT', '/v1/profile/56', json('{"fields":{"a":1}}')],
    ['a url that is not a string', 'POST', '/v1/database/12/callbacks', json('{"url":5}')],
    ['an expression over 4096 characters', 'POST', '/v1/database/12/callbacks', json(JSON.stringify({ url: 'https://a.example/', expression: 'a'.repeat(4097) }))],
    ['a limit out of range', 'GET', '/v1/databases?limit=5000'],
    ['an unknown delivery status', 'GET', '/v1/callback/21/deliveries?status=bogus'],
  ];

  it.each(sameCode)('%s: the same status and code', async (...probe) => {
    const [fromServer, fromMock] = await Promise.all([ask(server, probe), ask(base, probe)]);
    expect([fromMock.status, (fromMock.body as { error?: { code: string } }).error?.code]).toEqual([
      fromServer.status,
      (fromServer.body as { error?: { code: string } }).error?.code,
    ]);
  });
});

describe('the contract mock with --dynamic', () => {
  let dynamic: string;

  beforeAll(async () => {
    dynamic = await startMock('--dynamic');
  }, 60_000);

  // json-schema-faker ignores Fields' maxProperties: without help it made up to ≈2000 fields
  it('makes up answers the contract allows, profile fields included, for every operation', async () => {
    for (let round = 0; round < 3; round++) {
      for (const operation of contractOperations(checker.contract)) {
        const path = fillPath(operation.template, exampleIds);
        const response = await fetch(`${dynamic}${path}`, {
          method: operation.method,
          headers: {
            authorization: 'Bearer tid_any_token_works_on_the_mock',
            ...(operation.requestExample !== undefined && { 'content-type': 'application/json' }),
          },
          ...(operation.requestExample !== undefined && { body: JSON.stringify(operation.requestExample) }),
        });
        expect((await checker.check(operation.method, path, response)).status).toBe(operation.successStatus);
      }
    }
  }, 60_000);
});
