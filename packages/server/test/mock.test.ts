// The contract mock (pnpm mock) answers every operation with the status and body the contract
// declares, and agrees with the real server on the error envelope for a missing token.
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

let mock: Started;
let base: string;

beforeAll(async () => {
  const started = await startProcess(process.execPath, ['scripts/mock.ts'], {
    cwd: specDir,
    env: { MOCK_PORT: '0' },
    ready: /tidings mock: (http:\/\/[^\s]+)\/v1/,
  });
  mock = started;
  base = started.match[1] as string;
  await waitForStatus(`${base}/v1/health`, 200);
}, 60_000);

afterAll(async () => {
  await mock?.stop();
});

describe('the contract mock', () => {
  const all = contractOperations(checker.contract).map((operation) => ({ ...operation, path: fillPath(operation.template, exampleIds) }));

  it('covers all 40 operations', () => {
    expect(all.length).toBe(40);
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
});
