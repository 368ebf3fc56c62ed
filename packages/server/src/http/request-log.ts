// Every answer carries an X-Request-Id: the caller's own when it sent a sane one (at most 128 of
// A-Z a-z 0-9 . _ -), else a new UUID. With a log, each request leaves one line with that ID, so a
// caller's report of a failed request finds its line. Only the path is logged, never the query: a
// token may be in it (access_token).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Log } from '../log.ts';
import { withAnswerHeaders } from './answer-headers.ts';
import type { AppEnv } from './env.ts';

const SANE_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function requestIds(log: Log | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming !== undefined && SANE_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', id);
    const began = log === undefined ? 0 : performance.now();
    await withAnswerHeaders(c, { 'x-request-id': id }, next);
    if (log === undefined) return;
    const status = c.res.status;
    const fields = {
      requestId: id,
      method: c.req.method,
      path: c.req.path,
      route: routePath(c, -1),
      status,
      durationMs: Math.round((performance.now() - began) * 100) / 100,
    };
    if (status >= 500) log.error(fields, 'request');
    else log.info(fields, 'request');
  };
}
