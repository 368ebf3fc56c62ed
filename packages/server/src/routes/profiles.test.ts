import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
  await h.request('POST', '/v1/databases', { body: { name: 'customers' } });
  await h.request('POST', '/v1/database/1/collections', { body: { name: 'orders' } });
});
afterEach(async () => {
  await h.close();
});

describe('collections', () => {
  it('creates, lists, renames and deletes', async () => {
    const created = await h.request('POST', '/v1/database/1/collections', { body: { name: 'returns' } });
    expect(created).toMatchObject({ status: 201, body: { ID: '2', name: 'returns', database: '1' } });
    expect(created.headers.get('location')).toBe('/v1/collection/2');
    expect((await h.request('GET', '/v1/database/1/collections')).body).toMatchObject({ total: 2, count: 2 });
    expect((await h.request('PUT', '/v1/collection/2', { body: { name: 'refunds' } })).body).toMatchObject({ name: 'refunds' });
    const gone = await h.request('DELETE', '/v1/collection/2');
    expect(gone.headers.get('x-deleted')).toBe('collection 2');
    expect((await h.request('GET', '/v1/database/9/collections')).body).toMatchObject({ error: { code: 'database_not_found' } });
  });
});

describe('profiles', () => {
  it('creates with fields and interests, merges fields on update, replaces interests', async () => {
    const created = await h.request('POST', '/v1/database/1/profiles', {
      body: { fields: { email: 'jane@example.com', company: 'Apple' }, interests: ['newsletter'] },
    });
    expect(created).toMatchObject({
      status: 201,
      body: { ID: '1', database: '1', fields: { email: 'jane@example.com', company: 'Apple' }, interests: ['newsletter'] },
    });
    h.clock.advance(5000);
    const updated = await h.request('PUT', '/v1/profile/1', { body: { fields: { company: 'Banana' }, interests: [] } });
    expect(updated.body).toMatchObject({
      fields: { email: 'jane@example.com', company: 'Banana' },
      interests: [],
      created: '2026-11-22 09:00:00',
      modified: '2026-11-22 09:00:05',
    });
    const empty = await h.request('POST', '/v1/database/1/profiles', { body: {} });
    expect(empty.body).toMatchObject({ fields: {}, interests: [] });
  });

  it('keeps field keys case-sensitive and refuses non-string values', async () => {
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: { Title: 'sir' } } });
    const updated = await h.request('PUT', '/v1/profile/1', { body: { fields: { title: 'madam' } } });
    expect(updated.body).toMatchObject({ fields: { Title: 'sir', title: 'madam' } });
    const numeric = await h.request('PUT', '/v1/profile/1', { body: { fields: { age: 42 } } });
    expect(numeric.body).toMatchObject({ error: { code: 'invalid_body', message: "Property 'fields.age' must be a string, got a number" } });
  });

  it('lists with paging and deletes', async () => {
    for (let i = 0; i < 5; i++) await h.request('POST', '/v1/database/1/profiles', { body: { fields: { n: String(i) } } });
    const page = await h.request('GET', '/v1/database/1/profiles?start=4&limit=2');
    expect(page.body).toMatchObject({ start: 4, limit: 2, count: 1, total: 5, data: [{ ID: '5' }] });
    const gone = await h.request('DELETE', '/v1/profile/5');
    expect(gone.headers.get('x-deleted')).toBe('profile 5');
    expect((await h.request('GET', '/v1/profile/5')).body).toMatchObject({ error: { code: 'profile_not_found' } });
  });
});

describe('subprofiles', () => {
  beforeEach(async () => {
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: { email: 'jane@example.com' } } });
  });

  it('creates under a profile and collection, lists both ways, merges fields on update', async () => {
    const created = await h.request('POST', '/v1/profile/1/subprofiles/1', { body: { fields: { product: 'MacBook' } } });
    expect(created).toMatchObject({ status: 201, body: { ID: '1', profile: '1', collection: '1', fields: { product: 'MacBook' } } });
    expect(created.headers.get('x-location')).toBe('/v1/subprofile/1');
    expect((await h.request('GET', '/v1/profile/1/subprofiles/1')).body).toMatchObject({ total: 1, data: [{ ID: '1' }] });
    expect((await h.request('GET', '/v1/collection/1/subprofiles')).body).toMatchObject({ total: 1, data: [{ ID: '1' }] });
    const updated = await h.request('POST', '/v1/subprofile/1', { body: { fields: { amount: '1299' } } });
    expect(updated.body).toMatchObject({ fields: { product: 'MacBook', amount: '1299' } });
    const gone = await h.request('DELETE', '/v1/subprofile/1');
    expect(gone.headers.get('x-deleted')).toBe('subprofile 1');
  });

  it('refuses a collection of another database with collection_not_found', async () => {
    await h.request('POST', '/v1/databases', { body: { name: 'other' } });
    await h.request('POST', '/v1/database/2/collections', { body: { name: 'elsewhere' } });
    const response = await h.request('POST', '/v1/profile/1/subprofiles/2', { body: { fields: {} } });
    expect(response).toMatchObject({ status: 404, body: { error: { code: 'collection_not_found' } } });
    expect((await h.request('GET', '/v1/profile/9/subprofiles/1')).body).toMatchObject({ error: { code: 'profile_not_found' } });
  });

  it('deleting a profile deletes its subprofiles', async () => {
    await h.request('POST', '/v1/profile/1/subprofiles/1', { body: { fields: { product: 'x' } } });
    await h.request('DELETE', '/v1/profile/1');
    expect((await h.request('GET', '/v1/subprofile/1')).status).toBe(404);
  });
});

describe('what a record may hold', () => {
  const many = (prefix: string, count: number, value = 'x') =>
    Object.fromEntries(Array.from({ length: count }, (_, index) => [`${prefix}${index}`, value]));

  it('refuses an update that would give a profile more than 1,000 fields, and changes nothing', async () => {
    await h.request('POST', '/v1/database/1/callbacks', { body: { url: 'https://hooks.example.org/t', action: 'update' } });
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: many('a', 600) } });
    const refused = await h.request('PUT', '/v1/profile/1', { body: { fields: many('b', 401) } });
    expect(refused).toMatchObject({
      status: 400,
      body: { error: { code: 'fields_limit_reached', message: 'After this update profile 1 would hold 1001 fields; a profile holds at most 1000' } },
    });
    const profile = (await h.request('GET', '/v1/profile/1')).body as { fields: Record<string, string> };
    expect(Object.keys(profile.fields)).toHaveLength(600);
    expect((await h.request('GET', '/v1/callback/1/deliveries')).body).toMatchObject({ total: 0 });
    // up to the limit, and changing fields it has, is fine
    expect((await h.request('PUT', '/v1/profile/1', { body: { fields: { ...many('b', 400), a0: 'changed' } } })).status).toBe(200);
    expect((await h.request('PUT', '/v1/profile/1', { body: { fields: { a1: 'changed' } } })).status).toBe(200);
    expect((await h.request('GET', '/v1/callback/1/deliveries')).body).toMatchObject({ total: 2 });
  });

  it('refuses an update that would make the fields larger than a request may be', async () => {
    const limited = await createHarness({ TIDINGS_MAX_BODY_BYTES: '4096' });
    try {
      await limited.request('POST', '/v1/databases', { body: { name: 'small' } });
      await limited.request('POST', '/v1/database/1/collections', { body: { name: 'orders' } });
      await limited.request('POST', '/v1/database/1/profiles', { body: { fields: { a: 'x'.repeat(3000) } } });
      const refused = await limited.request('POST', '/v1/profile/1', { body: { fields: { b: 'é'.repeat(600) } } });
      expect(refused).toMatchObject({ status: 400, body: { error: { code: 'fields_limit_reached' } } });
      expect((refused.body as { error: { message: string } }).error.message).toBe(
        'After this update the fields of profile 1 would take 4215 bytes; a profile holds at most 4096',
      );
      await limited.request('POST', '/v1/profile/1/subprofiles/1', { body: { fields: { a: 'x'.repeat(3000) } } });
      const subprofile = await limited.request('PUT', '/v1/subprofile/1', { body: { fields: { b: 'x'.repeat(1200) } } });
      expect(subprofile).toMatchObject({ status: 400, body: { error: { code: 'fields_limit_reached' } } });
      expect((await limited.request('GET', '/v1/subprofile/1')).body).toMatchObject({ fields: { a: 'x'.repeat(3000) } });
    } finally {
      await limited.close();
    }
  });
});
