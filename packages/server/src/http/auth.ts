import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../clock.ts';
import type { Principal, Store } from '../records/store.ts';
import { ApiError, invalidToken } from './errors.ts';
import { withAnswerHeaders } from './answer-headers.ts';
import type { AppEnv } from './env.ts';
import { RateLimiter, rateLimitHeaders } from './rate-limit.ts';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The query of a request URL, read without parsing the whole URL (`new URL` costs more). */
export function queryOf(url: string): URLSearchParams {
  const queryStart = url.indexOf('?');
  return new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
}

/** The token of a request: `Authorization: Bearer …` or the `access_token` query parameter. */
export function requestToken(authorization: string | undefined, url: string): string | null {
  if (authorization !== undefined) {
    const match = /^Bearer +([^\s]+) *$/i.exec(authorization);
    return match ? (match[1] as string) : null;
  }
  const tokens = queryOf(url).getAll('access_token');
  return tokens.length === 1 ? (tokens[0] as string) : null;
}

const TOKEN_CACHE_TTL_MS = 2_000;
const TOKEN_CACHE_SIZE = 10_000;

/**
 * Remembers token lookups for two seconds: the lookup is the one store round trip every request
 * makes. A token revoked with the CLI (another process) stops working within that time.
 */
export class TokenCache {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #entries = new Map<string, { principal: Principal; until: number }>();

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
  }

  /** The principal remembered for the token, or undefined when it must be looked up (principal()). */
  remembered(token: string): Principal | undefined {
    const cached = this.#entries.get(token);
    return cached !== undefined && cached.until > this.#clock.now() ? cached.principal : undefined;
  }

  async principal(token: string): Promise<Principal | null> {
    const remembered = this.remembered(token);
    if (remembered !== undefined) return remembered;
    const principal = await this.#store.authenticate(token);
    // unknown tokens are not remembered: guessing must not fill the cache
    if (principal === null) {
      this.#entries.delete(token);
      return null;
    }
    if (this.#entries.size >= TOKEN_CACHE_SIZE) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(token, { principal, until: this.#clock.now() + TOKEN_CACHE_TTL_MS });
    return principal;
  }
}

/**
 * Authenticates every /v1 request but health, applies the token's rate limit (and tells it in the
 * RateLimit-* headers of the answer), and refuses writes with a read-only token. An unknown or
 * missing token is a 400 with the seed's exact body, and no RateLimit-* headers: it has no bucket.
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  let limiter: RateLimiter | null = null;
  let tokens: TokenCache | null = null;
  return async (c, next) => {
    const deps = c.get('deps');
    limiter ??= new RateLimiter(deps.config.rateLimitPerSecond, deps.clock);
    tokens ??= new TokenCache(deps.store, deps.clock);
    const token = requestToken(c.req.header('authorization'), c.req.url);
    if (token === null || token.length > 512) throw invalidToken();
    // a remembered token costs no await (a promise and a turn of the microtask queue per request)
    const principal = tokens.remembered(token) ?? (await tokens.principal(token));
    if (principal === null) throw invalidToken();
    const limit = limiter.take(token);
    const headers = limit === null ? null : rateLimitHeaders(limit);
    if (limit !== null && limit.waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(limit.waitMs / 1000));
      throw new ApiError(429, 'rate_limited', `Too many requests for this token; retry in ${seconds} s`, {
        'retry-after': String(seconds),
        ...headers,
      });
    }
    if (principal.readOnly && WRITE_METHODS.has(c.req.method)) {
      throw new ApiError(403, 'forbidden', 'This access token is read-only; use a token that may write', headers ?? {});
    }
    c.set('principal', principal);
    if (headers === null) await next();
    else await withAnswerHeaders(c, headers, next);
  };
}
