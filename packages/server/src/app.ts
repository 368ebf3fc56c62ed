import { Hono } from 'hono';
import type { ErrorEnvelope } from '@tidings/spec';
import { authenticate } from './http/auth.ts';
import { declaredBodyLimit } from './http/body.ts';
import { consoleRoutes } from './http/console.ts';
import { idempotency } from './http/idempotency.ts';
import type { AppDeps, AppEnv } from './http/env.ts';
import { ApiError } from './http/errors.ts';
import { requestIds } from './http/request-log.ts';
import { json } from './http/respond.ts';
import { callbackRoutes } from './routes/callbacks.ts';
import { collectionRoutes } from './routes/collections.ts';
import { databaseRoutes } from './routes/databases.ts';
import { deliveryRoutes } from './routes/deliveries.ts';
import { listenRoutes } from './routes/listen.ts';
import { profileRoutes } from './routes/profiles.ts';
import { subprofileRoutes } from './routes/subprofiles.ts';
import { storeFault, type StoreFault } from './db/faults.ts';
import { FieldsLimitReached } from './records/store.ts';
import { ThrottledLog } from './throttled-log.ts';

export type { AppDeps } from './http/env.ts';

function errorResponse(error: ApiError): Response {
  const body: ErrorEnvelope = { error: { message: error.message, code: error.code } };
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...error.headers },
  });
}

/** Seconds a client is asked to wait after a 503 or a 507: a restart takes seconds, freeing a disk longer. */
const RETRY_AFTER_SECONDS = { unavailable: 2, full: 10 } as const;

/** The answer to a fault of the infrastructure: 503 or 507 in the error envelope, never a 500. */
export function faultError(fault: StoreFault): ApiError {
  const wait = RETRY_AFTER_SECONDS[fault.kind];
  return fault.kind === 'full'
    ? new ApiError(507, 'insufficient_storage', `The store has no space left to write (${fault.reason}); nothing was changed, retry in ${wait} s`, {
        'retry-after': String(wait),
      })
    : new ApiError(503, 'store_unavailable', `The store is unavailable (${fault.reason}); the request was not carried out, retry in ${wait} s`, {
        'retry-after': String(wait),
      });
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const faultLog = deps.faultLog ?? new ThrottledLog((line) => console.error(line));
  const bundleText = JSON.stringify(deps.contract.bundle);

  app.use('*', (c, next) => {
    c.set('deps', deps);
    return next();
  });
  app.use('*', requestIds(deps.log));

  if (deps.metrics) app.use('/v1/*', deps.metrics.requests());
  if (deps.tracing) app.use('/v1/*', deps.tracing.requests());

  app.get('/openapi.json', () => new Response(bundleText, { headers: { 'content-type': 'application/json; charset=utf-8' } }));
  app.get('/docs', (c) => {
    const html = deps.docsHtml?.() ?? null;
    if (html === null) throw new ApiError(404, 'not_found', 'The documentation has not been built; run `pnpm docs`');
    return c.html(html);
  });
  app.route('/console', consoleRoutes);

  app.get('/v1/health', async () => {
    try {
      await deps.store.hasAccounts();
      if (faultLog.active('health')) faultLog.resolve('health', 'tidings: health check passes again');
      return json('getHealth', 200, { status: 'ok', version: deps.version });
    } catch (error) {
      const fault = storeFault(error);
      if (fault !== null) deps.metrics?.fault(fault, 'health');
      faultLog.report('health', `tidings: health check failed: ${fault?.reason ?? (error as Error).message}; answering 503`);
      return json('getHealth', 503, { status: 'unavailable', version: deps.version });
    }
  });

  const v1 = new Hono<AppEnv>();
  v1.use('*', async (c, next) => {
    await next();
    // the first answer after an outage that is not a fault ends it in the log
    if (c.res.status < 500 && faultLog.active('api unavailable')) faultLog.resolve('api unavailable', 'tidings: the store answers again');
    if (c.req.method !== 'GET' && c.res.status < 500 && faultLog.active('api full')) faultLog.resolve('api full', 'tidings: the store writes again');
  });
  v1.use('*', authenticate());
  // a body is read only by the operations that take one (readBody, with the same limit while reading)
  v1.use('*', declaredBodyLimit(deps.config.maxBodyBytes));
  v1.use('*', idempotency());
  v1.route('/', databaseRoutes);
  v1.route('/', collectionRoutes);
  v1.route('/', profileRoutes);
  v1.route('/', subprofileRoutes);
  v1.route('/', callbackRoutes);
  v1.route('/', deliveryRoutes);
  v1.route('/', listenRoutes);
  app.route('/v1', v1);

  app.notFound((c) =>
    errorResponse(new ApiError(404, 'not_found', `There is no ${c.req.method} ${new URL(c.req.url).pathname}; see /docs`)),
  );
  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(error);
    if (error instanceof FieldsLimitReached) return errorResponse(new ApiError(400, 'fields_limit_reached', error.message));
    const fault = storeFault(error);
    if (fault !== null) {
      const answer = faultError(fault);
      deps.metrics?.fault(fault, 'api');
      faultLog.report(`api ${fault.kind}`, `tidings: ${fault.reason}; answering ${answer.status} ${answer.code}`);
      return errorResponse(answer);
    }
    if (deps.log) deps.log.error({ requestId: c.get('requestId'), err: error }, 'internal error');
    else console.error(error);
    return new Response(JSON.stringify({ error: { message: 'Internal error', code: 'internal_error' } }), {
      status: 500,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  });
  return app;
}
