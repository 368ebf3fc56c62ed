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
