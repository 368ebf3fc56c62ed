// What the store must do the same on both dialects when requests arrive at once, as they do when
// several API processes share PostgreSQL (the embedded store runs one writer at a time anyway).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/support/harness.ts';

let h: Harness;

beforeEach(async () => {
  h = await createHarness({ TIDINGS_MAX_CALLBACKS_PER_DATABASE: '3' });
  await h.request('POST', '/v1/databases', { body: { name: 'customers' } });
});

afterEach(async () => {
  await h.close();
});

describe('the store under concurrent writes', () => {
  it('merges concurrent updates of one profile without losing any', async () => {
    await h.request('POST', '/v1/database/1/callbacks', { body: { url: 'https://hooks.example.org/t', ordering: 'profile' } });
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: { start: 'yes' } } });
    const updates = await Promise.all(
      Array.from({ length: 12 }, (_unused, i) => h.request('PUT', '/v1/profile/1', { body: { fields: { [`field${i}`]: String(i) } } })),
    );
    expect(updates.map((response) => response.status)).toEqual(Array(12).fill(200));
    const profile = (await h.request('GET', '/v1/profile/1')).body as { fields: Record<string, string> };
    expect(Object.keys(profile.fields).sort()).toEqual(['start', ...Array.from({ length: 12 }, (_unused, i) => `field${i}`)].sort());
    const deliveries = (await h.request('GET', '/v1/callback/1/deliveries?limit=100')).body as { total: number };
    expect(deliveries.total).toBe(13);
  });

  it('keeps the callback limit when callbacks are created at once', async () => {
    const created = await Promise.all(
      Array.from({ length: 8 }, (_unused, i) => h.request('POST', '/v1/database/1/callbacks', { body: { url: `https://hooks.example.org/${i}` } })),
    );
    const statuses = created.map((response) => response.status).sort();
    expect(statuses).toEqual([201, 201, 201, 400, 400, 400, 400, 400]);
  });

  it('deletes a database while its profiles are being written, without a server error', async () => {
    await h.request('POST', '/v1/database/1/callbacks', { body: { url: 'https://hooks.example.org/t' } });
    for (let i = 0; i < 10; i++) await h.request('POST', '/v1/database/1/profiles', { body: { fields: { i: String(i) } } });
    const writes = Array.from({ length: 40 }, (_unused, i) =>
      h.request('PUT', `/v1/profile/${(i % 10) + 1}`, { body: { fields: { round: String(i) } } }),
    );
    const deleted = h.request('DELETE', '/v1/database/1');
    const statuses = (await Promise.all(writes)).map((response) => response.status);
    expect((await deleted).status).toBe(204);
    expect(statuses.every((status) => status === 200 || status === 404), statuses.join(' ')).toBe(true);
    expect((await h.request('GET', '/v1/database/1')).status).toBe(404);
  });

  it('creates an account once when it is asked for several times at once', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => h.store.createAccount('default')));
    expect(results.filter((result) => result !== null)).toHaveLength(1);
  });

  it('stores U+0000 in text as U+FFFD rather than failing the request', async () => {
    const response = await h.request('POST', '/v1/databases', { body: { name: 'nul\u0000name', description: '\u0000' } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ name: 'nul\uFFFDname', description: '\uFFFD' });
    const profile = await h.request('POST', '/v1/database/2/profiles', { body: { fields: { 'key\u0000': 'value\u0000' } } });
    expect(profile.status).toBe(201);
    // inside the stored JSON the character is escaped, so fields keep it exactly
    expect((profile.body as { fields: Record<string, string> }).fields).toEqual({ 'key\u0000': 'value\u0000' });
  });
});
