// Headers every answer to a request carries, whichever answer it turns out to be (the operation's, an
// error's from app.onError, a replayed one): X-Request-Id and RateLimit-*.
import type { ServerResponse } from 'node:http';
import type { Context, Next } from 'hono';
import type { AppEnv } from './env.ts';

/**
 * Runs the rest of the request with `headers` on its answer. Served by Node (@hono/node-server
 * passes Node's response as `c.env.outgoing`), they are put on Node's response before anything
 * answers, and Node writes them with whatever answer comes. Set on Hono's Response afterwards, they
 * would turn the adapter's plain header object into a fetch `Headers`, which the adapter then reads
 * back into a plain object: about a tenth of what a GET of a callback costs (api-get benchmark).
 * Elsewhere (`app.request` in tests) they are set on the Response after it.
 */
export async function withAnswerHeaders(c: Context<AppEnv>, headers: Readonly<Record<string, string>>, next: Next): Promise<void> {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (outgoing !== undefined && !outgoing.headersSent) {
    for (const name in headers) outgoing.setHeader(name, headers[name] as string);
    await next();
    return;
  }
  await next();
  for (const name in headers) c.res.headers.set(name, headers[name] as string);
}
