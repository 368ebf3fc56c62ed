// One suite, two targets: client.mock.test.ts runs it against the Prism mock and
// client.server.test.ts against the real server, which proves they speak the same contract. It
// asserts only what both must do — statuses, shapes (every answer is also validated against the
// contract by the contractCheck middleware) and error envelopes — never values the mock cannot
// know: the mock answers with the contract's examples, whatever was sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTidingsClient, paginate, TidingsApiError, type TidingsClient } from '../src/index.ts';
import { contractCheck } from './support/contract.ts';

export interface SuiteTarget {
  baseUrl: string;
  token: string;
  /** Resources that exist on the target: the examples' IDs on the mock, seeded ones on the server. */
  ids: { database: string; collection: string; profile: string; subprofile: string; callback: string; delivery: string };
  stop: () => Promise<void>;
}

/** Prism answers with this status and example when asked; the server ignores the header. */
const preferNotFound = (example: string) => ({ Prefer: `code=404, example=${example}` });

export function describeClientSuite(name: string, start: () => Promise<SuiteTarget>): void {
  describe(name, () => {
    let target: SuiteTarget;
    let client: TidingsClient;
    let ids: SuiteTarget['ids'];

    beforeAll(async () => {
      target = await start();
      ids = target.ids;
      client = createTidingsClient({ baseUrl: target.baseUrl, accessToken: target.token, userAgent: 'tidings-client-tests/1' });
      client.use(contractCheck);
    });
    afterAll(async () => {
      await target?.stop();
    });

    it('answers the health check', async () => {
      const { data, response } = await client.GET('/health');
      expect(response.status).toBe(200);
      expect(data).toMatchObject({ status: 'ok', version: expect.any(String) });
    });

    it('lists databases in the list envelope', async () => {
      const { data } = await client.GET('/databases', { params: { query: { limit: 10 } } });
      expect(data).toMatchObject({ start: 0, count: expect.any(Number), total: expect.any(Number) });
      expect(data?.data.map((database) => database.ID)).toContain(ids.database);
    });

    it('creates a database from only a name, with the X-Location header', async () => {
      const { data, response } = await client.POST('/databases', { body: { name: 'suite' } });
      expect(response.status).toBe(201);
      expect(data?.ID).toEqual(expect.any(String));
      expect(response.headers.get('X-Location')).toBeTruthy();
    });

    it('gets and updates a database, with PUT and POST alike', async () => {
      const path = { databaseID: ids.database };
      expect((await client.GET('/database/{databaseID}', { params: { path } })).data?.ID).toBe(ids.database);
      const put = await client.PUT('/database/{databaseID}', { params: { path }, body: { description: 'Put by the suite' } });
      const post = await client.POST('/database/{databaseID}', { params: { path }, body: { description: 'Posted by the suite' } });
      expect([put.response.status, post.response.status]).toEqual([200, 200]);
      expect(post.data?.ID).toBe(ids.database);
    });

    it('iterates over every profile of a database with paginate, a page at a time', async () => {
      const first = await client.GET('/database/{databaseID}/profiles', { params: { path: { databaseID: ids.database } } });
      const profiles = [];
      for await (const profile of paginate(client, '/database/{databaseID}/profiles', {
        params: { path: { databaseID: ids.database }, query: { limit: 1 } },
      })) {
        profiles.push(profile);
      }
      expect(profiles).toHaveLength(first.data?.total ?? -1);
      expect(profiles.every((profile) => profile.database === ids.database && typeof profile.fields === 'object')).toBe(true);
    });

    it('creates, reads, updates and deletes a profile', async () => {
      const created = await client.POST('/database/{databaseID}/profiles', {
        params: { path: { databaseID: ids.database } },
        body: { fields: { email: 'suite@example.com' }, interests: ['newsletter'] },
      });
      expect(created.response.status).toBe(201);
      const path = { profileID: created.data?.ID ?? '' };
      expect((await client.GET('/profile/{profileID}', { params: { path } })).data?.ID).toBe(path.profileID);
      const updated = await client.PUT('/profile/{profileID}', { params: { path }, body: { fields: { city: 'Utrecht' } } });
      expect(updated.data?.fields).toEqual(expect.any(Object));
      const deleted = await client.DELETE('/profile/{profileID}', { params: { path } });
      expect(deleted.response.status).toBe(204);
      expect(deleted.response.headers.get('X-Deleted')).toBeTruthy();
    });

    it('works with collections and subprofiles', async () => {
      const collections = await client.GET('/database/{databaseID}/collections', { params: { path: { databaseID: ids.database } } });
      expect(collections.data?.data.map((collection) => collection.ID)).toContain(ids.collection);
      expect((await client.GET('/collection/{collectionID}', { params: { path: { collectionID: ids.collection } } })).data?.ID).toBe(ids.collection);
      const path = { profileID: ids.profile, collectionID: ids.collection };
      const created = await client.POST('/profile/{profileID}/subprofiles/{collectionID}', { params: { path }, body: { fields: { product: 'Book' } } });
      expect(created.response.status).toBe(201);
      expect((await client.GET('/profile/{profileID}/subprofiles/{collectionID}', { params: { path } })).data?.total).toBeGreaterThan(0);
      const all = await client.GET('/collection/{collectionID}/subprofiles', { params: { path: { collectionID: ids.collection } } });
      expect(all.data?.data.map((subprofile) => subprofile.ID)).toContain(ids.subprofile);
      const subprofile = { subprofileID: ids.subprofile };
      expect((await client.GET('/subprofile/{subprofileID}', { params: { path: subprofile } })).data?.ID).toBe(ids.subprofile);
      expect((await client.POST('/subprofile/{subprofileID}', { params: { path: subprofile }, body: { fields: { amount: '2' } } })).response.status).toBe(200);
      const deleted = await client.DELETE('/subprofile/{subprofileID}', { params: { path: { subprofileID: created.data?.ID ?? '' } } });
      expect(deleted.response.status).toBe(204);
    });

    it('registers callbacks from only a url, and manages them and their secrets', async () => {
      const created = await client.POST('/database/{databaseID}/callbacks', {
        params: { path: { databaseID: ids.database } },
        body: { url: 'https://hooks.example.org/suite' },
      });
      expect(created.response.status).toBe(201);
      expect(created.data?.secret).toMatch(/^whsec_/);
      const collectionCallback = await client.POST('/collection/{collectionID}/callbacks', {
        params: { path: { collectionID: ids.collection } },
        body: { url: 'https://hooks.example.org/orders', method: 'xml', ordering: 'profile' },
      });
      expect(collectionCallback.response.status).toBe(201);
      expect(collectionCallback.data?.collection).toEqual(expect.any(String));

      const path = { callbackID: ids.callback };
      expect((await client.GET('/callback/{callbackID}', { params: { path } })).data?.ID).toBe(ids.callback);
      const updated = await client.PUT('/callback/{callbackID}', { params: { path }, body: { ordering: 'profile' } });
      expect(updated.data?.version).toBeGreaterThan(1);
      expect((await client.GET('/callback/{callbackID}/secret', { params: { path } })).data?.secret).toMatch(/^whsec_/);
      const rotated = await client.POST('/callback/{callbackID}/secret/rotate', { params: { path } });
      expect(rotated.data?.previous).toEqual(expect.any(Array));
      const listed = await client.GET('/database/{databaseID}/callbacks', { params: { path: { databaseID: ids.database } } });
      expect(listed.data?.data.map((callback) => callback.ID)).toContain(ids.callback);
      const inCollection = await client.GET('/collection/{collectionID}/callbacks', { params: { path: { collectionID: ids.collection } } });
      expect(inCollection.data?.data.every((callback) => callback.collection !== null)).toBe(true);
      const deleted = await client.DELETE('/callback/{callbackID}', { params: { path: { callbackID: created.data?.ID ?? '' } } });
      expect(deleted.response.status).toBe(204);
    });

    it('queues test messages and shows deliveries with their attempts', async () => {
      const path = { callbackID: ids.callback };
      const queued = await client.POST('/callback/{callbackID}/test', { params: { path } });
      expect(queued.response.status).toBe(202);
      expect(queued.data?.webhookId).toEqual(expect.any(String));
      const deliveries = await client.GET('/callback/{callbackID}/deliveries', { params: { path, query: { limit: 5 } } });
      expect(deliveries.data?.total).toBeGreaterThan(0);
      const delivery = await client.GET('/delivery/{deliveryID}', { params: { path: { deliveryID: ids.delivery } } });
      expect(delivery.data?.attemptLog).toEqual(expect.any(Array));
      const retried = await client.POST('/delivery/{deliveryID}/retry', { params: { path: { deliveryID: ids.delivery } } });
      expect(retried.response.status).toBe(202);
    });

    it('hands back an unknown property as the typed error envelope, not an exception', async () => {
      // @ts-expect-error — keys are case-sensitive: `Name` is not a property of a database
      const { data, error, response } = await client.POST('/databases', { body: { Name: 'x' } });
      expect(data).toBeUndefined();
      expect(response.status).toBe(400);
      expect(error?.error.code).toBe('unknown_property');
      expect(error?.error.message).toContain('Name');
    });

    it('hands back a property of the wrong type as invalid_body', async () => {
      // @ts-expect-error — a name is a string
      const { error, response } = await client.POST('/databases', { body: { name: 42 } });
      expect(response.status).toBe(400);
      expect(error?.error.code).toBe('invalid_body');
    });

    it('hands back a limit over 1000 as invalid_parameter', async () => {
      const { error } = await client.GET('/databases', { params: { query: { limit: 5000 } } });
      expect(error?.error.code).toBe('invalid_parameter');
    });

    it('hands back an unknown ID as 404 with the code of its kind', async () => {
      const { error, response } = await client.GET('/callback/{callbackID}', {
        params: { path: { callbackID: '987654321' } },
        headers: preferNotFound('callbackNotFound'),
      });
      expect(response.status).toBe(404);
      expect(error).toEqual({ error: { message: expect.any(String), code: 'callback_not_found' } });
    });

    it('answers a request without a token with 400 invalid_access_token', async () => {
      const withoutToken = {
        onRequest({ request }: { request: Request }) {
          request.headers.delete('Authorization');
          return request;
        },
      };
      const { error, response } = await client.GET('/databases', { middleware: [withoutToken] });
      expect(response.status).toBe(400);
      expect(error).toEqual({ error: { message: 'Invalid access token', code: 'invalid_access_token' } });
    });

    it('makes paginate throw a TidingsApiError carrying the envelope when a page is an error', async () => {
      const pages = paginate(client, '/database/{databaseID}/profiles', {
        params: { path: { databaseID: '987654321' } },
        headers: preferNotFound('databaseNotFound'),
      });
      const failure = await pages.next().then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(TidingsApiError);
      expect(failure).toMatchObject({ status: 404, code: 'database_not_found', envelope: { error: { code: 'database_not_found' } } });
    });
  });
}
