// Two accounts: every operation that takes an ID, called with the other account's IDs, answers 404
// and changes nothing; a read-only token can write nothing, and read everything but a signing secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checker, createHarness, type Harness } from '../../test/support/harness.ts';
import { contractOperations, fillPath } from '../../test/support/operations.ts';

let h: Harness;
let intruder: string;
const ids = { databaseID: '1', collectionID: '1', profileID: '1', subprofileID: '1', callbackID: '1', deliveryID: '1' };

async function snapshot(): Promise<string> {
  const reads = ['/v1/databases', '/v1/database/1/collections', '/v1/database/1/profiles', '/v1/collection/1/subprofiles', '/v1/database/1/callbacks', '/v1/collection/1/callbacks', '/v1/callback/1/deliveries', '/v1/callback/1/secret', '/v1/delivery/1'];
  const bodies = await Promise.all(reads.map(async (path) => (await h.request('GET', path)).text));
  return bodies.join('\n');
}

beforeAll(async () => {
  h = await createHarness();
  await h.request('POST', '/v1/databases', { body: { name: 'customers' } });
  await h.request('POST', '/v1/database/1/collections', { body: { name: 'orders' } });
  await h.request('POST', '/v1/database/1/profiles', { body: { fields: { company: 'Apple' } } });
  await h.request('POST', '/v1/profile/1/subprofiles/1', { body: { fields: { product: 'MacBook' } } });
  await h.request('POST', '/v1/database/1/callbacks', { body: { url: 'https://hooks.example.org/a' } });
  await h.request('POST', '/v1/callback/1/test');
  intruder = await h.newAccount('intruder');
  // the intruder has data of its own, so its IDs exist too and must not be confused with the victim's
  await h.request('POST', '/v1/databases', { token: intruder, body: { name: 'mine' } });
});

afterAll(async () => {
  await h.close();
});

describe('isolation between accounts', () => {
  const operations = contractOperations(checker.contract).filter((operation) => operation.template.includes('{'));

  it('covers every operation that takes an ID', () => {
    expect(operations.length).toBeGreaterThanOrEqual(28);
  });

  it.each(operations.map((operation) => [operation.operationId, operation] as const))(
    '%s with another account’s IDs answers 404 and changes nothing',
    async (_name, operation) => {
      const before = await snapshot();
      const path = fillPath(operation.template, ids);
      const response = await h.request(operation.method, path, {
        token: intruder,
        ...(operation.requestExample !== undefined && { body: operation.requestExample }),
      });
      expect(response.status, `${operation.method} ${path}: ${response.text}`).toBe(404);
      expect(await snapshot()).toBe(before);
    },
  );

  it.each(operations.filter((operation) => operation.method !== 'GET').map((operation) => [operation.operationId, operation] as const))(
    '%s with a read-only token of the same account answers 403 and changes nothing',
    async (_name, operation) => {
      const account = await h.store.findAccount('first');
      const token = `tid_readonly_${operation.operationId}`;
      await h.store.addToken(account!.id, token, true);
      const before = await snapshot();
      const path = fillPath(operation.template, ids);
      const response = await h.request(operation.method, path, {
        token,
        ...(operation.requestExample !== undefined && { body: operation.requestExample }),
      });
      expect(response.status).toBe(403);
      expect(await snapshot()).toBe(before);
    },
  );

  it.each(operations.filter((operation) => operation.method === 'GET').map((operation) => [operation.operationId, operation] as const))(
    '%s with a read-only token of the same account reads, unless it is a signing secret or a listen stream',
    async (_name, operation) => {
      const account = await h.store.findAccount('first');
      const token = `tid_readonly_get_${operation.operationId}`;
      await h.store.addToken(account!.id, token, true);
      const response = await h.request('GET', fillPath(operation.template, ids), { token });
      if (operation.operationId === 'getCallbackSecret') {
        expect(response.status).toBe(403);
        expect(response.text).not.toContain('whsec_');
      } else if (operation.operationId === 'listenCallback') {
        // listening takes the callback's messages from its URL: a change, for a token that may write
        expect(response).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      } else {
        expect(response.status, response.text).toBe(200);
      }
    },
  );
});
