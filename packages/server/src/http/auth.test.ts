import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/support/harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

const INVALID = { error: { message: 'Invalid access token', code: 'invalid_access_token' } };

describe('authentication', () => {
  it('answers a missing, unknown or malformed token with the seed’s exact 400 body', async () => {
    expect(await h.request('GET', '/v1/databases', { token: null })).toMatchObject({ status: 400, body: INVALID });
    expect(await h.request('GET', '/v1/databases', { token: 'tid_nope' })).toMatchObject({ status: 400, body: INVALID });
    expect(await h.request('GET', '/v1/databases', { token: null, headers: { authorization: 'Basic Zm9vOmJhcg==' } })).toMatchObject({
      status: 400,
      body: INVALID,
    });
    expect(await h.request('GET', '/v1/databases', { token: 'tid_nope', tokenInQuery: true })).toMatchObject({
      status: 400,
      body: INVALID,
    });
  });

  it('accepts the token as access_token query parameter or as a Bearer header', async () => {
    expect((await h.request('GET', '/v1/databases', { tokenInQuery: true })).status).toBe(200);
    expect((await h.request('GET', '/v1/databases')).status).toBe(200);
  });

  it('lets a read-only token read but not write', async () => {
    const readOnly = await h.newAccount('reader', true);
    expect((await h.request('GET', '/v1/databases', { token: readOnly })).status).toBe(200);
    const write = await h.request('POST', '/v1/databases', { token: readOnly, body: { name: 'x' } });
    expect(write).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
  });

  it('stops accepting a revoked token within two seconds', async () => {
    const token = await h.newAccount('leaving');
    expect((await h.request('GET', '/v1/databases', { token })).status).toBe(200);
    expect(await h.store.revokeToken(token)).toBe(true);
    // remembered without a store read for up to two seconds
    h.clock.advance(1_999);
    expect((await h.request('GET', '/v1/databases', { token })).status).toBe(200);
    h.clock.advance(1);
    expect(await h.request('GET', '/v1/databases', { token })).toMatchObject({ status: 400, body: INVALID });
  });

  it('answers health without a token', async () => {
    const health = await h.request('GET', '/v1/health', { token: null });
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('serves the bundled contract at /openapi.json', async () => {
    const spec = await h.request('GET', '/openapi.json', { token: null });
    expect(spec.status).toBe(200);
    expect((spec.body as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('answers unknown routes with the error envelope', async () => {
    const response = await h.request('GET', '/v1/nowhere');
    expect(response).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });
});

describe('limits', () => {
  it('answers a body over the limit with 413 before reading it whole', async () => {
    const big = `{"name":"${'x'.repeat(3 * 1024 * 1024)}"}`;
    const response = await h.request('POST', '/v1/databases', { rawBody: big, headers: { 'content-type': 'application/json' } });
    expect(response).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
  });

  it('rate-limits per token with 429 and Retry-After', async () => {
    const limited = await createHarness({ TIDINGS_RATE_LIMIT: '5' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await limited.request('GET', '/v1/databases')).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      const refused = await limited.request('GET', '/v1/databases');
      expect(refused).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      limited.clock.advance(1000);
      expect((await limited.request('GET', '/v1/databases')).status).toBe(200);
      const other = await limited.newAccount('other');
      expect((await limited.request('GET', '/v1/databases', { token: other })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('tells the token’s quota in RateLimit-Limit, -Remaining and -Reset on every answer it limits, errors included', async () => {
    const limited = await createHarness({ TIDINGS_RATE_LIMIT: '5' });
    const quota = (response: { headers: Headers }) =>
      ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after'].map((name) => response.headers.get(name));
    try {
      expect(quota(await limited.request('GET', '/v1/databases'))).toEqual(['5', '4', '1', null]);
      const created = await limited.request('POST', '/v1/databases', { body: { name: 'customers' } });
      expect([created.status, ...quota(created)]).toEqual([201, '5', '3', '1', null]);
      const invalid = await limited.request('POST', '/v1/databases', { body: { name: '' } });
      expect([invalid.status, ...quota(invalid)]).toEqual([400, '5', '2', '1', null]);
      const missing = await limited.request('GET', '/v1/database/999');
      expect([missing.status, ...quota(missing)]).toEqual([404, '5', '1', '1', null]);
      const readOnly = await limited.newAccount('reader', true);
      const refused = await limited.request('POST', '/v1/databases', { token: readOnly, body: { name: 'x' } });
      expect([refused.status, ...quota(refused)]).toEqual([403, '5', '4', '1', null]);
      expect(quota(await limited.request('GET', '/v1/databases'))).toEqual(['5', '0', '1', null]);
      const limitedOut = await limited.request('GET', '/v1/databases');
      expect([limitedOut.status, ...quota(limitedOut)]).toEqual([429, '5', '0', '1', '1']);
      limited.clock.advance(1000);
      expect(quota(await limited.request('GET', '/v1/databases'))).toEqual(['5', '4', '1', null]);
    } finally {
      await limited.close();
    }
  });

  it('sends no RateLimit headers without a limit, to an unknown token, or on health', async () => {
    const names = (response: { headers: Headers }) => [...response.headers.keys()].filter((name) => name.startsWith('ratelimit'));
    expect(names(await h.request('GET', '/v1/databases'))).toEqual([]);
    const limited = await createHarness({ TIDINGS_RATE_LIMIT: '5' });
    try {
      expect(names(await limited.request('GET', '/v1/databases', { token: 'tid_nope' }))).toEqual([]);
      expect(names(await limited.request('GET', '/v1/health', { token: null }))).toEqual([]);
      expect(names(await limited.request('GET', '/v1/databases'))).toEqual(['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']);
    } finally {
      await limited.close();
    }
  });
});
