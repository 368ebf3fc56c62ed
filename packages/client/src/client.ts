// createTidingsClient: openapi-fetch typed by the contract's paths. The access token and the user
// agent are middleware, so every call — including those paginate makes — carries them.
import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { paths } from './generated/openapi.ts';

export interface TidingsClientOptions {
  /** The API's base URL, including `/v1`: `https://tidings.example.org/v1`. */
  baseUrl: string;
  /** An access token, sent as `Authorization: Bearer <token>` on every request. */
  accessToken: string;
  /** A fetch to use instead of `globalThis.fetch` (a proxy agent, retries, a test double). */
  fetch?: ClientOptions['fetch'];
  /** Sent as the `User-Agent` header, e.g. `my-app/1.2.0`. */
  userAgent?: string;
}

/**
 * A Tidings API client: `client.GET('/database/{databaseID}', { params: { path: { databaseID } } })`.
 * Every call resolves to `{ data, response }` on success or `{ error, response }` with the typed
 * error envelope (`error.error.code`); it rejects only when no answer arrived (network failure).
 */
export type TidingsClient = Client<paths>;

export function createTidingsClient(options: TidingsClientOptions): TidingsClient {
  const { accessToken, userAgent } = options;
  if (typeof accessToken !== 'string' || accessToken.trim() === '') {
    throw new TypeError('createTidingsClient: accessToken must be a non-empty string');
  }
  const baseUrl = new URL(options.baseUrl).href;
  const client = createClient<paths>({ baseUrl, ...(options.fetch && { fetch: options.fetch }) });
  const identify: Middleware = {
    onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${accessToken}`);
      if (userAgent !== undefined) request.headers.set('User-Agent', userAgent);
      return request;
    },
  };
  client.use(identify);
  return client;
}
