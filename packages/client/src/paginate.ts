// paginate: every item of a list operation, one page at a time, following start/limit/total.
import type { FetchOptions } from 'openapi-fetch';
import { TidingsApiError } from './api-error.ts';
import type { TidingsClient } from './client.ts';
import type { paths } from './generated/openapi.ts';

type JsonBody<Response> = Response extends { content: { 'application/json': infer Body } } ? Body : never;
type OkBody<Operation> = Operation extends { responses: { 200: infer Response } } ? JsonBody<Response> : never;
type ListOperation<Path extends keyof paths> = paths[Path] extends { get: infer Operation } ? Operation : never;

/** The paths whose GET answers a page (`{ start, limit, count, total, data }`). */
export type ListPath = {
  [Path in keyof paths]: OkBody<ListOperation<Path>> extends { data: unknown[]; total: number } ? Path : never;
}[keyof paths];

/** The type of the items a list path answers: `ListItem<'/databases'>` is `Database`. */
export type ListItem<Path extends ListPath> = OkBody<ListOperation<Path>>['data'][number];

/** What `paginate` takes after the path: the GET's options (`params.path`, `params.query`, `signal`, …). */
export type PaginateInit<Path extends ListPath> = FetchOptions<ListOperation<Path>>;

type PaginateArgs<Path extends ListPath> =
  ListOperation<Path> extends { parameters: { path: object } } ? [init: PaginateInit<Path>] : [init?: PaginateInit<Path>];

const DEFAULT_LIMIT = 100;

type PageRequester = (
  path: string,
  init: { params: { path?: object; query: Record<string, unknown> } } & Record<string, unknown>,
) => Promise<{ data?: { data: unknown[]; total: number }; error?: unknown; response: Response }>;

/**
 * Iterates over every item of a list operation, requesting pages of `limit` (100 unless
 * `params.query.limit` says otherwise) from `params.query.start` (0) until `total` is reached.
 *
 * ```ts
 * for await (const profile of paginate(client, '/database/{databaseID}/profiles', {
 *   params: { path: { databaseID: '12' } },
 * })) console.log(profile.ID, profile.fields);
 * ```
 *
 * An iterator cannot hand an error answer back in-band the way `client.GET` does: when a page is
 * answered with an error, the iteration throws a `TidingsApiError` carrying the error envelope
 * (`error.code`, `error.status`). Network failures are thrown as they come from `fetch`.
 */
export async function* paginate<Path extends ListPath>(
  client: TidingsClient,
  path: Path,
  ...[init]: PaginateArgs<Path>
): AsyncGenerator<ListItem<Path>, void, undefined> {
  const options = (init ?? {}) as { params?: { path?: object; query?: Record<string, unknown> } } & Record<string, unknown>;
  const query = options.params?.query ?? {};
  const limit = typeof query.limit === 'number' ? query.limit : DEFAULT_LIMIT;
  let start = typeof query.start === 'number' ? query.start : 0;
  const get = client.GET as unknown as PageRequester;
  for (;;) {
    const { data: page, error, response } = await get(path, {
      ...options,
      params: { ...options.params, query: { ...query, start, limit } },
    });
    if (error !== undefined || page === undefined) throw new TidingsApiError(response, error);
    yield* page.data as Array<ListItem<Path>>;
    start += page.data.length;
    if (page.data.length === 0 || start >= page.total) return;
  }
}
