import { Hono } from 'hono';
import type { ErrorEnvelope } from '@tidings/spec';
import { authenticate } from './http/auth.ts';
import { declaredBodyLimit } from './http/body.ts';
import type { AppDeps, AppEnv } from './http/env.ts';
import { ApiError } from './http/errors.ts';
import { json } from './http/respond.ts';
import { callbackRoutes } from './routes/callbacks.ts';
import { collectionRoutes } from './routes/collections.ts';
import { databaseRoutes } from './routes/databases.ts';
import { deliveryRoutes } from './routes/deliveries.ts';
import { profileRoutes } from './routes/profiles.ts';
import { subprofileRoutes } from './routes/subprofiles.ts';
import { FieldsLimitReached } from './records/store.ts';

export type { AppDeps } from './http/env.ts';

function errorResponse(error: ApiError): Response {
  const body: ErrorEnvelope = { error: { message: error.message, code: error.code } };
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...error.headers },
  });
}

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const bundleText = JSON.stringify(deps.contract.bundle);

  app.use('*', (c, next) => {
    c.set('deps', deps);
    return next();
  });

  app.get('/openapi.json', () => new Response(bundleText, { headers: { 'content-type': 'application/json; charset=utf-8' } }));
  app.get('/docs', (c) => {
    const html = deps.docsHtml?.() ?? null;
    if (html === null) throw new ApiError(404, 'not_found', 'The documentation has not been built; run `pnpm docs`');
    return c.html(html);
  });

  app.get('/v1/health', async () => {
    try {
      await deps.store.hasAccounts();
      return json('getHealth', 200, { status: 'ok', version: deps.version });
    } catch {
      return json('getHealth', 503, { status: 'unavailable', version: deps.version });
    }
  });

  const v1 = new Hono<AppEnv>();
  v1.use('*', authenticate());
  // a body is read only by the operations that take one (readBody, with the same limit while reading)
  v1.use('*', declaredBodyLimit(deps.config.maxBodyBytes));
  v1.route('/', databaseRoutes);
  v1.route('/', collectionRoutes);
  v1.route('/', profileRoutes);
  v1.route('/', subprofileRoutes);
  v1.route('/', callbackRoutes);
  v1.route('/', deliveryRoutes);
  app.route('/v1', v1);

  app.notFound((c) =>
    errorResponse(new ApiError(404, 'not_found', `There is no ${c.req.method} ${new URL(c.req.url).pathname}; see /docs`)),
  );
  app.onError((error) => {
    if (error instanceof ApiError) return errorResponse(error);
    if (error instanceof FieldsLimitReached) return errorResponse(new ApiError(400, 'fields_limit_reached', error.message));
    console.error(error);
    return new Response(JSON.stringify({ error: { message: 'Internal error', code: 'internal_error' } }), {
      status: 500,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  });
  return app;
}
