import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

describe('databases', () => {
  it('creates a database with 201, X-Location and Location, and IDs as strings', async () => {
    const response = await h.request('POST', '/v1/databases', { body: { name: 'customers', description: 'Newsletter' } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ ID: '1', name: 'customers', description: 'Newsletter' });
    expect(response.headers.get('x-location')).toBe('/v1/database/1');
    expect(response.headers.get('location')).toBe('/v1/database/1');
  });

  it('lists with start and limit in the list envelope, with integer numbers', async () => {
    for (const name of ['a', 'b', 'c']) await h.request('POST', '/v1/databases', { body: { name } });
    const page = await h.request('GET', '/v1/databases?start=1&limit=1');
    expect(page.body).toEqual({
      start: 1,
      limit: 1,
      count: 1,
      total: 3,
      data: [expect.objectContaining({ ID: '2', name: 'b' })],
    });
    const all = await h.request('GET', '/v1/databases');
    expect(all.body).toMatchObject({ start: 0, limit: 100, count: 3, total: 3 });
  });

  it('refuses paging parameters out of range or given twice', async () => {
    for (const query of ['limit=0', 'limit=1001', 'start=-1', 'limit=ten', 'limit=1&limit=2', 'start=1.5']) {
      const response = await h.request('GET', `/v1/databases?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.body).toMatchObject({ error: { code: 'invalid_parameter' } });
    }
  });

  it('reads, updates with PUT and POST alike, and deletes with X-Deleted', async () => {
    await h.request('POST', '/v1/databases', { body: { name: 'customers' } });
    expect((await h.request('GET', '/v1/database/1')).body).toMatchObject({ ID: '1', name: 'customers', description: '' });
    const put = await h.request('PUT', '/v1/database/1', { body: { description: 'd1' } });
    expect(put.status).toBe(200);
    expect(put.headers.get('x-location')).toBe('/v1/database/1');
    expect(put.body).toMatchObject({ name: 'customers', description: 'd1' });
    const post = await h.request('POST', '/v1/database/1', { body: { name: 'renamed' } });
    expect(post.body).toMatchObject({ name: 'renamed', description: 'd1' });
    const gone = await h.request('DELETE', '/v1/database/1');
    expect(gone.status).toBe(204);
    expect(gone.headers.get('x-deleted')).toBe('database 1');
    expect((await h.request('GET', '/v1/database/1')).status).toBe(404);
  });

  it('deleting a database deletes its collections, profiles and callbacks', async () => {
    await h.request('POST', '/v1/databases', { body: { name: 'customers' } });
    await h.request('POST', '/v1/database/1/collections', { body: { name: 'orders' } });
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: { a: '1' } } });
    await h.request('POST', '/v1/database/1/callbacks', { body: { url: 'https://hooks.example.org/x' } });
    await h.request('DELETE', '/v1/database/1');
    expect((await h.request('GET', '/v1/collection/1')).status).toBe(404);
    expect((await h.request('GET', '/v1/profile/1')).status).toBe(404);
    expect((await h.request('GET', '/v1/callback/1')).status).toBe(404);
  });

  it('answers a malformed ID with database_id_invalid and an unknown one with database_not_found', async () => {
    for (const id of ['abc', '0', '-1', '01', '1.5', '%20']) {
      const response = await h.request('GET', `/v1/database/${id}`);
      expect(response.status, id).toBe(400);
      expect(response.body).toMatchObject({ error: { code: 'database_id_invalid' } });
    }
    const missing = await h.request('GET', '/v1/database/999');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { message: 'No database with ID "999"', code: 'database_not_found' } });
  });

  it('validates bodies: unknown keys with a suggestion, wrong types, missing keys, empty updates', async () => {
    const unknown = await h.request('POST', '/v1/databases', { body: { Name: 'x' } });
    expect(unknown.body).toEqual({
      error: { message: "Unknown property 'Name' — did you mean 'name'?", code: 'unknown_property' },
    });
    const wrongType = await h.request('POST', '/v1/databases', { body: { name: 5 } });
    expect(wrongType.body).toMatchObject({ error: { code: 'invalid_body', message: "Property 'name' must be a string, got a number" } });
    const missing = await h.request('POST', '/v1/databases', { body: {} });
    expect(missing.body).toMatchObject({ error: { code: 'invalid_body', message: "The request body is missing the required property 'name'" } });
    await h.request('POST', '/v1/databases', { body: { name: 'x' } });
    const empty = await h.request('PUT', '/v1/database/1', { body: {} });
    expect(empty.body).toMatchObject({ error: { code: 'invalid_body' } });
    const array = await h.request('POST', '/v1/databases', { body: [] });
    expect(array.body).toMatchObject({ error: { code: 'invalid_body', message: 'The request body must be a JSON object' } });
  });

  it('refuses malformed JSON, empty bodies and other content types', async () => {
    const malformed = await h.request('POST', '/v1/databases', { rawBody: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { code: 'invalid_body' } });
    expect((malformed.body as { error: { message: string } }).error.message).toMatch(/^The request body is not valid JSON/);
    const empty = await h.request('POST', '/v1/databases', { rawBody: '', headers: { 'content-type': 'application/json' } });
    expect(empty.body).toMatchObject({ error: { code: 'invalid_body' } });
    const form = await h.request('POST', '/v1/databases', {
      rawBody: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    expect(form.body).toMatchObject({ error: { code: 'unsupported_media_type' } });
  });
});
