import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/support/harness.ts';

let h: Harness;

beforeEach(async () => {
  h = await createHarness();
  await h.request('POST', '/v1/databases', { body: { name: 'customers' } });
});

afterEach(async () => {
  await h.close();
});

const profiles = async (token?: string) =>
  ((await h.request('GET', '/v1/database/1/profiles', token === undefined ? {} : { token })).body as { total: number }).total;

describe('Idempotency-Key', () => {
  it('answers a request sent again with the same key with the first answer, and acts once', async () => {
    const send = () => h.request('POST', '/v1/database/1/profiles', { body: { fields: { email: 'jane@example.com' } }, headers: { 'idempotency-key': 'create-jane-1' } });
    const first = await send();
    const again = await send();
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await profiles()).toBe(1);
    // without a key, the same request acts again
    expect((await h.request('POST', '/v1/database/1/profiles', { body: { fields: { email: 'jane@example.com' } } })).status).toBe(201);
    expect(await profiles()).toBe(2);
  });

  it('refuses the key with another body or path (409 idempotency_key_reused), changing nothing', async () => {
    const headers = { 'idempotency-key': 'key-1' };
    expect((await h.request('POST', '/v1/database/1/profiles', { body: { fields: { a: '1' } }, headers })).status).toBe(201);
    const otherBody = await h.request('POST', '/v1/database/1/profiles', { body: { fields: { a: '2' } }, headers });
    expect(otherBody.status).toBe(409);
    expect(otherBody.body).toMatchObject({ error: { code: 'idempotency_key_reused' } });
    const otherPath = await h.request('PUT', '/v1/profile/1', { body: { fields: { a: '1' } }, headers });
    expect(otherPath.status).toBe(409);
    expect(await profiles()).toBe(1);
  });

  it('keeps an answer 24 hours, for its account only', async () => {
    const headers = { 'idempotency-key': 'shared-key' };
    const mine = await h.request('POST', '/v1/database/1/profiles', { body: { fields: {} }, headers });
    const other = await h.newAccount('other');
    await h.request('POST', '/v1/databases', { body: { name: 'theirs' }, token: other });
    // the same key and request in another account is that account's own
    const theirs = await h.request('POST', '/v1/database/2/profiles', { body: { fields: {} }, headers, token: other });
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    h.clock.advance(24 * 3600_000 - 1000);
    expect((await h.request('POST', '/v1/database/1/profiles', { body: { fields: {} }, headers })).headers.get('idempotent-replayed')).toBe('true');
    h.clock.advance(2000);
    const later = await h.request('POST', '/v1/database/1/profiles', { body: { fields: {} }, headers });
    expect(later.headers.get('idempotent-replayed')).toBeNull();
    expect(later.body).not.toEqual(mine.body);
    expect(await profiles()).toBe(2);
  });

  it('keeps a 4xx answer too, and works for PUT and for POSTs without a body', async () => {
    const missing = await h.request('PUT', '/v1/profile/99', { body: { fields: { a: '1' } }, headers: { 'idempotency-key': 'put-99' } });
    expect(missing.status).toBe(404);
    const replayed = await h.request('PUT', '/v1/profile/99', { body: { fields: { a: '1' } }, headers: { 'idempotency-key': 'put-99' } });
    expect(replayed.status).toBe(404);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    await h.request('POST', '/v1/database/1/callbacks', { body: { url: 'https://hooks.example.org/x' } });
    const test = () => h.request('POST', '/v1/callback/1/test', { headers: { 'idempotency-key': 'test-1' } });
    const first = await test();
    expect(first.status).toBe(202);
    expect((await test()).body).toEqual(first.body);
    const deliveries = (await h.request('GET', '/v1/callback/1/deliveries')).body as { total: number };
    expect(deliveries.total).toBe(1);
  });

  it('lets one of two requests with one key at once act, and answers the other from it or with 409 in use', async () => {
    const send = () => h.request('POST', '/v1/database/1/profiles', { body: { fields: { b: '1' } }, headers: { 'idempotency-key': 'race' } });
    const answers = await Promise.all([send(), send(), send()]);
    for (const answer of answers) {
      if (answer.status === 409) expect(answer.body).toMatchObject({ error: { code: 'idempotency_key_in_use' } });
      else expect(answer.status).toBe(201);
    }
    expect(await profiles()).toBe(1);
  });

  it('refuses a malformed key with 400, and leaves reads and read-only tokens as they are', async () => {
    const bad = await h.request('POST', '/v1/database/1/profiles', { body: { fields: {} }, headers: { 'idempotency-key': 'has space' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'invalid_parameter' } });
    const long = await h.request('POST', '/v1/database/1/profiles', { body: { fields: {} }, headers: { 'idempotency-key': 'k'.repeat(256) } });
    expect(long.status).toBe(400);
    expect((await h.request('GET', '/v1/database/1', { headers: { 'idempotency-key': 'has space' } })).status).toBe(200);
    const readOnly = await h.newAccount('reader', true);
    expect((await h.request('POST', '/v1/databases', { body: { name: 'x' }, headers: { 'idempotency-key': 'ro' }, token: readOnly })).status).toBe(403);
    expect(await profiles()).toBe(0);
  });

  it('frees a key whose first request was abandoned (its process died) after a minute, not 24 hours', async () => {
    const accountId = (await h.store.authenticate(h.token))?.accountId as number;
    // claimed, and never finished: as when a process dies in the middle of the request
    const fingerprint = createHash('sha256').update('POST /v1/database/1/profiles\n{"fields":{}}').digest('hex');
    expect(await h.store.idempotency.claim(accountId, 'abandoned', fingerprint)).toEqual({ state: 'proceed' });
    const send = () => h.request('POST', '/v1/database/1/profiles', { body: { fields: {} }, headers: { 'idempotency-key': 'abandoned' } });
    const early = await send();
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ error: { code: 'idempotency_key_in_use' } });
    h.clock.advance(61_000);
    const later = await send();
    expect(later.status).toBe(201);
    expect((await send()).headers.get('idempotent-replayed')).toBe('true');
    expect(await profiles()).toBe(1);
  });
});
