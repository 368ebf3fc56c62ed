// @tidings/client — the typed client for the Tidings API. (Issue #5 makes this the full package:
// paginate, verifyWebhook, a built dist/.)
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from '@tidings/spec';

export interface TidingsClientOptions {
  /** e.g. http://localhost:8080/v1 */
  baseUrl: string;
  accessToken: string;
  fetch?: typeof globalThis.fetch;
  userAgent?: string;
}

export type TidingsClient = Client<paths>;

export function createTidingsClient(options: TidingsClientOptions): TidingsClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch && { fetch: options.fetch }),
  });
  const auth: Middleware = {
    onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${options.accessToken}`);
      if (options.userAgent) request.headers.set('user-agent', options.userAgent);
      return request;
    },
  };
  client.use(auth);
  return client;
}
