// `tidings listen`: a callback's messages streamed to a developer's machine (listen/stream.ts), and
// the listener's report of what its target answered, recorded as the delivery's attempt.
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { readBody } from '../http/body.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError, notFound, parseId } from '../http/errors.ts';
import { json } from '../http/respond.ts';
import { hubOf } from '../listen/hub.ts';
import { HOLD_HEARTBEATS, runListener } from '../listen/stream.ts';
import { settle } from '../worker/settle.ts';

function readOnlyRefused(): ApiError {
  return new ApiError(403, 'forbidden', 'This access token is read-only; use a token that may write');
}

export const listenRoutes = new Hono<AppEnv>()
  .get('/callback/:callbackID/listen', async (c) => {
    const callbackId = parseId('callback', c.req.param('callbackID'));
    const principal = c.get('principal');
    // listening takes the callback's messages from its URL: a change to it, refused to a read-only token
    if (principal.readOnly) throw readOnlyRefused();
    const deps = c.get('deps');
    const heartbeatMs = deps.config.listenHeartbeatMs;
    if (!(await deps.store.listeners.hold(principal.accountId, callbackId, deps.clock.now() + HOLD_HEARTBEATS * heartbeatMs))) {
      throw notFound('callback', c.req.param('callbackID'));
    }
    const hub = deps.listenHub ?? hubOf(deps.store);
    // a reverse proxy (nginx) that buffers answers would hold the events back
    c.header('x-accel-buffering', 'no');
    return streamSSE(c, (stream) =>
      runListener(stream, principal.accountId, callbackId, {
        store: deps.store,
        hub,
        clock: deps.clock,
        sandbox: deps.sandbox,
        userAgent: `Tidings/${deps.version}`,
        deliveryTimeoutMs: deps.config.deliveryTimeoutMs,
        heartbeatMs,
      }),
    );
  })
  .post('/callback/:callbackID/listen/:deliveryID', async (c) => {
    const callbackId = parseId('callback', c.req.param('callbackID'));
    const deliveryId = parseId('delivery', c.req.param('deliveryID'));
    const report = await readBody(c, 'reportListenedAttempt');
    const deps = c.get('deps');
    const { accountId } = c.get('principal');
    const taken = await deps.store.listeners.takeLease(accountId, callbackId, deliveryId, Number(report.lease));
    if (taken === 'no callback') throw notFound('callback', c.req.param('callbackID'));
    if (taken === 'no delivery') throw notFound('delivery', c.req.param('deliveryID'));
    if (taken === 'lost') {
      throw new ApiError(409, 'listen_lease_lost', `The lease on delivery ${deliveryId} ran out or was reported already; the message was handed out again`);
    }
    const outcome = settle(
      // a listener's target is not the callback's receiver: its answers bear on no rate, pause or breaker
      { id: taken.id, attempts: taken.attempts, retryBase: taken.retryBase, leaseUntil: taken.leaseUntil, callback: { id: taken.callbackId, rateLimit: null, rate: null, unreachable: false } },
      { statusCode: report.statusCode, retryAfter: report.retryAfter, response: report.response, durationMs: report.durationMs, error: report.error },
      { clock: deps.clock, random: Math.random, retryScheduleSeconds: deps.config.retryScheduleSeconds },
    );
    outcome.attempt.via = 'listener';
    outcome.throttle = null;
    await deps.store.recordAttempts([outcome]);
    (deps.listenHub ?? hubOf(deps.store)).reported(callbackId, deliveryId);
    const stored = await deps.store.getDelivery(accountId, deliveryId);
    if (!stored) throw notFound('delivery', c.req.param('deliveryID'));
    const { payload: _payload, method: _method, attemptLog: _log, ...delivery } = stored;
    return json('reportListenedAttempt', 200, delivery);
  });
