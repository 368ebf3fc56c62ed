// Idempotency-Key on POST and PUT, with Stripe's semantics: a client that lost an answer (a time-out,
// a dropped connection) sends the same request with the same key again and gets the first answer,
// marked `Idempotent-Replayed: true`, instead of creating a second profile or callback. The key is
// kept 24 hours (records/idempotency.ts). A key sent with a different request (method, path or body)
// is refused with 409 idempotency_key_reused; while its first request runs, 409 idempotency_key_in_use.
// An answer the server could not give (a fault of the store: 503, 507) is not kept, but the key stays
// "in progress" for a minute (records/idempotency.ts): a connection lost at the moment of a commit can
// leave the change made, and a retry at once must not make it twice. After that the key is free again.
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { bodyText } from './body.ts';
import type { AppEnv } from './env.ts';
import { ApiError } from './errors.ts';

/** what Stripe allows: up to 255 characters; here visible ASCII, so a key is safe to log and store */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export function idempotency(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (key === undefined || (c.req.method !== 'POST' && c.req.method !== 'PUT')) return next();
    if (!KEY_PATTERN.test(key)) {
      throw new ApiError(400, 'invalid_parameter', 'The Idempotency-Key header must be 1 to 255 visible ASCII characters (a UUID, say)');
    }
    const { store, config } = c.get('deps');
    const text = await bodyText(c, config.maxBodyBytes);
    c.set('bodyText', text);
    const url = new URL(c.req.url);
    const fingerprint = createHash('sha256').update(`${c.req.method} ${url.pathname}\n${text}`).digest('hex');
    const { accountId } = c.get('principal');
    const claim = await store.idempotency.claim(accountId, key, fingerprint);
    if (claim.state === 'replay') {
      return new Response(claim.answer.body === '' ? null : claim.answer.body, {
        status: claim.answer.status,
        headers: { ...claim.answer.headers, 'idempotent-replayed': 'true' },
      });
    }
    if (claim.state === 'mismatch') {
      throw new ApiError(
        409,
        'idempotency_key_reused',
        'This Idempotency-Key was sent with another request (method, path or body) in the last 24 hours; use a new key for a new request',
      );
    }
    if (claim.state === 'in_progress') {
      throw new ApiError(409, 'idempotency_key_in_use', 'The first request with this Idempotency-Key is still being carried out; send it again in a moment');
    }
    await next();
    const answer = c.res;
    if (answer.status >= 500) return;
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      headers[name] = value;
    });
    try {
      await store.idempotency.finish(accountId, key, { status: answer.status, headers, body: await answer.clone().text() });
    } catch {
      // the change is made: its answer goes out even if it cannot be kept (the key frees itself after
      // a minute; a retry with it then runs again, as without a key)
    }
  };
}
