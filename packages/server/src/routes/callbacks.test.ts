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

const URL_OK = 'https://hooks.example.org/tidings';

describe('callbacks', () => {
  it('needs only url and fills the seed’s defaults; the create answer carries the secret once', async () => {
    const response = await h.request('POST', '/v1/database/1/callbacks', { body: { url: URL_OK } });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-location')).toBe('/v1/callback/1');
    expect(response.body).toMatchObject({
      ID: '1',
      url: URL_OK,
      expression: '',
      action: 'all',
      method: 'json',
      database: '1',
      collection: null,
      ordering: 'none',
      disabled: false,
      disabledReason: null,
      version: 1,
    });
    expect((response.body as { secret: string }).secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const read = await h.request('GET', '/v1/callback/1');
    expect(read.body).not.toHaveProperty('secret');
  });

  it('lists each callback exactly as it reads alone, whatever its text holds', async () => {
    const expressions = ['', `company == "Ünïcødé 😀" && city != 'a\\b'`, 'a\n\t&& b // tab, newline\u0001', '"</script>" + "\u2028"'];
    for (const expression of expressions) {
      const created = await h.request('POST', '/v1/database/1/callbacks', { body: { url: `${URL_OK}?q=1&r="x"`, expression } });
      expect(created.status).toBe(201);
      // the create answer is built in JavaScript, a read is written by the database: the same callback
      const { secret, ...callback } = created.body as { ID: string; secret: string };
      expect(secret).toMatch(/^whsec_/);
      expect((await h.request('GET', `/v1/callback/${callback.ID}`)).body).toStrictEqual(callback);
    }
    expect((await h.request('POST', '/v1/collection/1/callbacks', { body: { url: URL_OK, method: 'xml', ordering: 'profile' } })).status).toBe(201);
    await h.request('PUT', '/v1/callback/2', { body: { disabled: true, action: 'delete' } });
    const listed = [
      ...((await h.request('GET', '/v1/database/1/callbacks')).body as { data: unknown[] }).data,
      ...((await h.request('GET', '/v1/collection/1/callbacks')).body as { data: unknown[] }).data,
    ];
    expect(listed).toHaveLength(5);
    for (const [index, item] of listed.entries()) {
      expect(item).toStrictEqual(withoutThrottle((await h.request('GET', `/v1/callback/${index + 1}`)).body));
    }
    const page = await h.request('GET', '/v1/database/1/callbacks?start=1&limit=2');
    expect(page.body).toMatchObject({ start: 1, limit: 2, count: 2, total: 4, data: [{ ID: '2', disabled: true }, { ID: '3' }] });
  });

  it('answers a list from its cache only while no writer, in this process or another, has changed the callbacks', async () => {
    for (const path of ['/v1/database/1/callbacks', '/v1/database/1/callbacks', '/v1/collection/1/callbacks']) {
      expect((await h.request('POST', path, { body: { url: URL_OK } })).status).toBe(201);
    }
    const list = async (path: string) => (await h.request('GET', path)).body as { total: number; data: Array<Record<string, unknown>> };
    const first = await list('/v1/database/1/callbacks');
    expect(first.data.map((item) => item.ID)).toEqual(['1', '2']);
    expect(await list('/v1/database/1/callbacks')).toStrictEqual(first);
    expect((await list('/v1/database/1/callbacks?limit=1')).data.map((item) => item.ID)).toEqual(['1']);

    // another process (its own store on the same data) changes, deletes, disables
    const other = await h.openAnotherStore();
    await other.updateCallback(1, 1, { url: `${URL_OK}/changed` });
    const changed = await list('/v1/database/1/callbacks');
    expect(changed.data[0]).toStrictEqual(withoutThrottle((await h.request('GET', '/v1/callback/1')).body));
    expect(changed.data[0]).toMatchObject({ url: `${URL_OK}/changed`, version: 2 });
    expect((await list('/v1/database/1/callbacks?limit=1')).data[0]).toMatchObject({ url: `${URL_OK}/changed` });
    expect(await other.deleteCallback(1, 2)).toBe(true);
    expect(await list('/v1/database/1/callbacks')).toMatchObject({ total: 1, data: [{ ID: '1' }] });

    expect((await list('/v1/collection/1/callbacks')).data).toMatchObject([{ ID: '3', disabled: false }]);
    await other.updateCallback(1, 3, { disabled: true });
    expect((await list('/v1/collection/1/callbacks')).data).toMatchObject([{ ID: '3', disabled: true }]);
    // a change in this process, through the API
    await h.request('PUT', '/v1/callback/3', { body: { action: 'delete' } });
    expect((await list('/v1/collection/1/callbacks')).data).toMatchObject([{ ID: '3', action: 'delete' }]);

    // a cached page is still the account's alone, and gone with its collection
    const stranger = await h.newAccount('stranger');
    expect((await h.request('GET', '/v1/database/1/callbacks', { token: stranger })).status).toBe(404);
    expect((await h.request('GET', '/v1/collection/1/callbacks', { token: stranger })).status).toBe(404);
    expect(await other.deleteCollection(1, 1)).toBe(true);
    expect((await h.request('GET', '/v1/collection/1/callbacks')).status).toBe(404);
    expect(await list('/v1/database/1/callbacks')).toMatchObject({ total: 1 });
  });

  it('creates collection callbacks that carry both their collection and database', async () => {
    const response = await h.request('POST', '/v1/collection/1/callbacks', {
      body: { url: URL_OK, method: 'xml', action: 'create', expression: "product == 'MacBook'" },
    });
    expect(response.body).toMatchObject({ collection: '1', database: '1', method: 'xml', action: 'create' });
    const collectionList = await h.request('GET', '/v1/collection/1/callbacks');
    expect(collectionList.body).toMatchObject({ total: 1, data: [{ ID: '1' }] });
    const databaseList = await h.request('GET', '/v1/database/1/callbacks');
    expect(databaseList.body).toMatchObject({ total: 0, data: [] });
  });

  it('refuses unknown keys naming the closest valid one', async () => {
    const response = await h.request('POST', '/v1/database/1/callbacks', { body: { URL: URL_OK } });
    expect(response.body).toEqual({ error: { message: "Unknown property 'URL' — did you mean 'url'?", code: 'unknown_property' } });
    const typo = await h.request('POST', '/v1/database/1/callbacks', { body: { url: URL_OK, expresion: 'a' } });
    expect(typo.body).toMatchObject({ error: { code: 'unknown_property', message: "Unknown property 'expresion' — did you mean 'expression'?" } });
  });

  it('refuses an expression that does not compile, with the parser’s message', async () => {
    const response = await h.request('POST', '/v1/database/1/callbacks', { body: { url: URL_OK, expression: "company == 'Apple" } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'expression_invalid' } });
    expect((response.body as { error: { message: string } }).error.message).toMatch(/SyntaxError/);
  });

  it('refuses expressions over the configured length', async () => {
    const response = await h.request('POST', '/v1/database/1/callbacks', { body: { url: URL_OK, expression: `a == '${'x'.repeat(5000)}'` } });
    expect(response.body).toMatchObject({ error: { code: 'expression_too_long' } });
  });

  it('refuses URLs that are not absolute http(s) and URLs aimed at internal addresses', async () => {
    for (const url of ['ftp://example.org/', '/relative', 'not a url', 'javascript:alert(1)']) {
      const response = await h.request('POST', '/v1/database/1/callbacks', { body: { url } });
      expect(response.body, url).toMatchObject({ error: { code: 'url_invalid' } });
    }
    for (const url of ['http://169.254.169.254/latest/meta-data', 'http://127.0.0.1:8080/', 'http://[::ffff:10.0.0.1]/', 'http://2130706433/', 'http://localhost/']) {
      const response = await h.request('POST', '/v1/database/1/callbacks', { body: { url } });
      expect(response.body, url).toMatchObject({ error: { code: 'url_not_allowed' } });
    }
  });

  it('increments version on every update, PUT and POST alike, and re-enables with disabled:false', async () => {
    await h.request('POST', '/v1/database/1/callbacks', { body: { url: URL_OK } });
    const put = await h.request('PUT', '/v1/callback/1', { body: { action: 'update', disabled: true } });
    expect(put.body).toMatchObject({ version: 2, action: 'update', disabled: true });
    expect(put.headers.get('x-location')).toBe('/v1/callback/1');
    const post = await h.request('POST', '/v1/callback/1', { body: { disabled: false, expression: "city == 'Paris'" } });
    expect(post.body).toMatchObject({ version: 3, disabled: false, disabledReason: null, expression: "city == 'Paris'" });
    const bad = await h.request('PUT', '/v1/callback/1', { body: { action: 'ALL' } });
    expect(bad.body).toMatchObject({ error: { code: 'invalid_body', message: "Property 'action' must be one of 'all', 'create', 'update', 'delete', got \"ALL\"" } });
  });

  it('deletes with X-Deleted', async () => {
    await h.request('POST', '/v1/database/1/callbacks', { body: { url: URL_OK } });
    const response = await h.request('DELETE', '/v1/callback/1');
    expect(response.status).toBe(204);
    expect(response.headers.get('x-deleted')).toBe('callback 1');
    expect((await h.request('DELETE', '/v1/callback/1')).status).toBe(404);
  });

  it('limits callbacks per database, collection callbacks included', async () => {
    const limited = await createHarness({ TIDINGS_MAX_CALLBACKS_PER_DATABASE: '2' });
    try {
      await limited.request('POST', '/v1/databases', { body: { name: 'x' } });
      await limited.request('POST', '/v1/database/1/collections', { body: { name: 'c' } });
      expect((await limited.request('POST', '/v1/database/1/callbacks', { body: { url: URL_OK } })).status).toBe(201);
      expect((await limited.request('POST', '/v1/collection/1/callbacks', { body: { url: URL_OK } })).status).toBe(201);
      const third = await limited.request('POST', '/v1/database/1/callbacks', { body: { url: URL_OK } });
      expect(third.body).toMatchObject({ error: { code: 'callback_limit_reached' } });
      // the count follows deletes: of a callback, and of a collection with its callbacks
      expect((await limited.request('DELETE', '/v1/callback/1')).status).toBe(204);
      expect((await limited.request('POST', '/v1/database/1/callbacks', { body: { url: URL_OK } })).status).toBe(201);
      expect((await limited.request('POST', '/v1/database/1/callbacks', { body: { url: URL_OK } })).status).toBe(400);
      expect((await limited.request('DELETE', '/v1/collection/1')).status).toBe(204);
      expect((await limited.request('POST', '/v1/database/1/callbacks', { body: { url: URL_OK } })).status).toBe(201);
      const full = await limited.request('POST', '/v1/database/1/callbacks', { body: { url: URL_OK } });
      expect(full.body).toMatchObject({ error: { code: 'callback_limit_reached' } });
    } finally {
      await limited.close();
    }
  });

  it('shows the secret and rotates it, keeping the old one for the grace period', async () => {
    const created = await h.request('POST', '/v1/database/1/callbacks', { body: { url: URL_OK } });
    const first = (created.body as { secret: string }).secret;
    expect((await h.request('GET', '/v1/callback/1/secret')).body).toEqual({ secret: first, previous: [] });
    const rotated = await h.request('POST', '/v1/callback/1/secret/rotate');
    const body = rotated.body as { secret: string; previous: Array<{ secret: string; expires: string }> };
    expect(body.secret).not.toBe(first);
    expect(body.previous).toEqual([{ secret: first, expires: '2026-11-23 09:00:00' }]);
    h.clock.advance(24 * 3600 * 1000 + 1);
    expect(((await h.request('GET', '/v1/callback/1/secret')).body as { previous: unknown[] }).previous).toEqual([]);
  });

  it('keeps one rotated-out secret at most, however often the secret is rotated', async () => {
    await h.request('POST', '/v1/database/1/callbacks', { body: { url: URL_OK } });
    let latest = '';
    for (let i = 0; i < 5; i++) {
      const before = ((await h.request('GET', '/v1/callback/1/secret')).body as { secret: string }).secret;
      const rotated = (await h.request('POST', '/v1/callback/1/secret/rotate')).body as { secret: string; previous: Array<{ secret: string }> };
      // the secret this rotation replaced signs on through the grace period; older ones no longer
      expect(rotated.previous.map((previous) => previous.secret)).toEqual([before]);
      latest = rotated.secret;
      h.clock.advance(1000);
    }
    const shown = (await h.request('GET', '/v1/callback/1/secret')).body as { secret: string; previous: unknown[] };
    expect(shown.secret).toBe(latest);
    expect(shown.previous).toHaveLength(1);
    // rotations at once end with one current secret and one rotated-out one all the same
    await Promise.all(Array.from({ length: 6 }, () => h.request('POST', '/v1/callback/1/secret/rotate')));
    expect(((await h.request('GET', '/v1/callback/1/secret')).body as { previous: unknown[] }).previous).toHaveLength(1);
  });

  it('queues a test message (202) that shows up in the deliveries, and retries a delivery by hand (202)', async () => {
    await h.request('POST', '/v1/database/1/callbacks', { body: { url: URL_OK } });
    const test = await h.request('POST', '/v1/callback/1/test');
    expect(test.status).toBe(202);
    expect(test.body).toMatchObject({ callback: '1', status: 'pending', attempts: 0 });
    const list = await h.request('GET', '/v1/callback/1/deliveries?status=pending');
    expect(list.body).toMatchObject({ total: 1, data: [{ ID: (test.body as { ID: string }).ID }] });
    expect((await h.request('GET', '/v1/callback/1/deliveries?status=succeeded')).body).toMatchObject({ total: 0 });
    expect((await h.request('GET', '/v1/callback/1/deliveries?status=bogus')).body).toMatchObject({ error: { code: 'invalid_parameter' } });
    const detail = await h.request('GET', '/v1/delivery/1');
    expect(detail.body).toMatchObject({ ID: '1', attemptLog: [] });
    const retry = await h.request('POST', '/v1/delivery/1/retry');
    expect(retry).toMatchObject({ status: 202, body: { ID: '1', status: 'pending' } });
    expect((await h.request('GET', '/v1/delivery/77')).body).toMatchObject({ error: { code: 'delivery_not_found' } });
    expect((await h.request('POST', '/v1/delivery/x/retry')).body).toMatchObject({ error: { code: 'delivery_id_invalid' } });
  });
});

/** A callback alone as a list shows it: lists leave out the throttle (their pages are cached). */
function withoutThrottle(body: unknown): unknown {
  const { throttle: _throttle, ...rest } = body as Record<string, unknown>;
  return rest;
}
