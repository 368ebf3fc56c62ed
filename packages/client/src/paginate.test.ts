import { describe, expect, expectTypeOf, it } from 'vitest';
import { createTidingsClient } from './client.ts';
import { paginate, type ListItem } from './paginate.ts';
import type { Database, Delivery, Profile } from './types.ts';
import { TidingsApiError } from './api-error.ts';

/** A fake API over `count` profiles that answers pages as the server does and records the queries. */
function fakeApi(count: number, options: { shrinkTo?: number } = {}) {
  const queries: URLSearchParams[] = [];
  let total = count;
  const fetch = async (request: Request) => {
    const query = new URL(request.url).searchParams;
    queries.push(query);
    const start = Number(query.get('start') ?? 0);
    const limit = Number(query.get('limit') ?? 100);
    const data = Array.from({ length: Math.max(0, Math.min(limit, total - start)) }, (_, i) => ({ ID: String(start + i + 1) }));
    const page = { start, limit, count: data.length, total: count, data };
    if (options.shrinkTo !== undefined) total = options.shrinkTo;
    return Response.json(page);
  };
  return { queries, client: createTidingsClient({ baseUrl: 'https://tidings.example.org/v1', accessToken: 't', fetch }) };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('paginate', () => {
  it('yields every item, requesting pages of 100 until total is reached', async () => {
    const { client, queries } = fakeApi(250);
    const profiles = await collect(paginate(client, '/database/{databaseID}/profiles', { params: { path: { databaseID: '12' } } }));
    expect(profiles.map((profile) => profile.ID)).toEqual(Array.from({ length: 250 }, (_, i) => String(i + 1)));
    expect(queries.map((query) => `${query.get('start')}/${query.get('limit')}`)).toEqual(['0/100', '100/100', '200/100']);
  });

  it('keeps the caller’s limit, start and other query parameters', async () => {
    const { client, queries } = fakeApi(10);
    const deliveries = await collect(
      paginate(client, '/callback/{callbackID}/deliveries', { params: { path: { callbackID: '21' }, query: { status: 'failed', start: 4, limit: 3 } } }),
    );
    expect(deliveries).toHaveLength(6);
    expect(queries.map((query) => query.toString())).toEqual([
      'status=failed&start=4&limit=3',
      'status=failed&start=7&limit=3',
    ]);
  });

  it('stops at an empty page even when total promised more (items deleted meanwhile)', async () => {
    const { client, queries } = fakeApi(5, { shrinkTo: 2 });
    expect(await collect(paginate(client, '/databases', { params: { query: { limit: 2 } } }))).toHaveLength(2);
    expect(queries).toHaveLength(2);
  });

  it('throws a TidingsApiError carrying the envelope when a page is an error answer', async () => {
    const envelope = { error: { message: 'Database not found', code: 'database_not_found' } };
    const client = createTidingsClient({
      baseUrl: 'https://tidings.example.org/v1',
      accessToken: 't',
      fetch: async () => Response.json(envelope, { status: 404 }),
    });
    const failure = await collect(paginate(client, '/database/{databaseID}/profiles', { params: { path: { databaseID: '99' } } })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TidingsApiError);
    expect(failure).toMatchObject({ status: 404, code: 'database_not_found', envelope, message: 'Database not found (database_not_found, HTTP 404)' });
  });

  it('describes an error answer that is not the envelope (a proxy’s) by its status', async () => {
    const client = createTidingsClient({
      baseUrl: 'https://tidings.example.org/v1',
      accessToken: 't',
      fetch: async () => new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    });
    const failure = await collect(paginate(client, '/databases')).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'TidingsApiError', status: 502, code: undefined, envelope: undefined });
    expect((failure as Error).message).toMatch(/^HTTP 502 Bad Gateway/);
  });

  it('is typed by the path: items, parameters, and list paths only', () => {
    const { client } = fakeApi(0);
    expectTypeOf(paginate(client, '/databases')).toEqualTypeOf<AsyncGenerator<Database, void, undefined>>();
    expectTypeOf<ListItem<'/database/{databaseID}/profiles'>>().toEqualTypeOf<Profile>();
    expectTypeOf<ListItem<'/callback/{callbackID}/deliveries'>>().toEqualTypeOf<Delivery>();
    // @ts-expect-error — the path parameter is databaseID
    void paginate(client, '/database/{databaseID}/profiles', { params: { path: { database: '12' } } });
    // @ts-expect-error — a path with parameters needs them
    void paginate(client, '/database/{databaseID}/profiles');
    // @ts-expect-error — one database is not a list
    void paginate(client, '/database/{databaseID}', { params: { path: { databaseID: '12' } } });
  });
});
