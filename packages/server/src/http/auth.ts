import type { MiddlewareHandler } from 'hono';
import { ApiError, invalidToken } from './errors.ts';
import type { AppEnv } from './env.ts';
import { RateLimiter } from './rate-limit.ts';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The token of a request: `Authorization: Bearer …` or the `access_token` query parameter. */
export function requestToken(authorization: string | undefined, url: string): string | null {
  if (authorization !== undefined) {
    const match = /^Bearer +([^\s]+) *$/i.exec(authorization);
    return match ? (match[1] as string) : null;
  }
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return null;
  const tokens = new URLSearchParams(url.slice(queryStart + 1)).getAll('access_token');
  return tokens.length === 1 ? (tokens[0] as string) : null;
}

/**
 * Authenticates every /v1 request but health, applies the token's rate limit, and refuses writes
 * with a read-only token. An unknown or missing token is a 400 with the seed's exact body.
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  let limiter: RateLimiter | null = null;
  return async (c, next) => {
    const deps = c.var.deps;
    limiter ??= new RateLimiter(deps.config.rateLimitPerSecond, deps.clock);
    const token = requestToken(c.req.header('authorization'), c.req.url);
    if (token === null || token.length > 512) throw invalidToken();
    const principal = await deps.store.authenticate(token);
    if (principal === null) throw invalidToken();
    const waitMs = limiter.take(token);
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      throw new ApiError(429, 'rate_limited', `Too many requests for this token; retry in ${seconds} s`, {
        'retry-after': String(seconds),
      });
    }
    if (principal.readOnly && WRITE_METHODS.has(c.req.method)) {
      throw new ApiError(403, 'forbidden', 'This access token is read-only; use a token that may write');
    }
    c.set('principal', principal);
    await next();
  };
}
