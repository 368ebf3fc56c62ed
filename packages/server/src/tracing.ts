// OpenTelemetry tracing (W3C Trace Context, OTLP over HTTP), on only when the standard
// OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set (config.ts). Spans are
// made by hand where they say something: one per API request, one per store transaction made for it,
// one per delivery attempt. No library is instrumented automatically: that would cost every request
// and every message. When tracing is off this module is not loaded (main.ts imports it only when it
// is on), there is no Tracing object, and the callers' `tracing?.` costs nothing else. A change's
// event stores the trace context of the transaction that wrote it (a child of the request's span);
// each attempt of its deliveries is a child of that, and the receiver gets the attempt's `traceparent`.
import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Dialect, TransactionSpan, TransactionTracing } from './db/connection.ts';
import type { AppEnv } from './http/env.ts';
import type { AttemptOutcome, DueDelivery } from './queue/types.ts';
import { failureClass } from './worker/attempt-log.ts';

const headerGetter: TextMapGetter<Headers> = {
  keys: (headers) => [...headers.keys()],
  get: (headers, key) => headers.get(key) ?? undefined,
};

const DB_SYSTEMS: Record<Dialect, string> = { sqlite: 'sqlite', postgres: 'postgresql' };

/** An attempt's span, started before its request leaves; `headers` carry its `traceparent`. */
export interface AttemptSpan {
  headers: Record<string, string>;
  end(outcome: AttemptOutcome): void;
}

export class Tracing implements TransactionTracing {
  readonly #provider: TracerProvider;
  readonly #tracer: Tracer;
  readonly #propagator = new W3CTraceContextPropagator();

  /** Loaded (dynamically, by main.ts) only when config.tracing is on: a process without it loads none of the SDK. */
  constructor(version: string) {
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the defaults
    const resource = resourceFromAttributes({ 'service.name': 'tidings', 'service.version': version }).merge(
      detectResources({ detectors: [envDetector] }),
    );
    // the exporter reads the endpoint, headers and time-out from the OTEL_EXPORTER_OTLP_* variables
    this.#provider = new TracerProvider({ resource, spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })] });
    // what carries the active span through awaits (context.with, context.active)
    context.setGlobalContextManager(new AsyncLocalStorageContextManager());
    this.#tracer = this.#provider.getTracer('tidings', version);
  }

  /** Hono middleware: a server span per request, continuing the caller's trace when it sent `traceparent`. */
  requests(): MiddlewareHandler<AppEnv> {
    return (c, next) => {
      const parent = this.#propagator.extract(ROOT_CONTEXT, c.req.raw.headers, headerGetter);
      const method = c.req.method;
      const span = this.#tracer.startSpan(
        method,
        { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': c.req.path } },
        parent,
      );
      return context.with(trace.setSpan(parent, span), async () => {
        try {
          await next();
        } finally {
          const route = routePath(c, -1);
          const status = c.res.status;
          span.updateName(`${method} ${route}`);
          span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
          span.setAttribute('tidings.request_id', c.get('requestId'));
          if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        }
      });
    };
  }

  /** A span for a store transaction made inside a traced request; null outside one (the worker's claims and records). */
  transaction(dialect: Dialect): TransactionSpan | null {
    const parent = context.active();
    if (trace.getSpan(parent) === undefined) return null;
    const span = this.#tracer.startSpan('store transaction', { kind: SpanKind.INTERNAL, attributes: { 'db.system.name': DB_SYSTEMS[dialect] } }, parent);
    const own = trace.setSpan(parent, span);
    return {
      bind: (work) => context.bind(own, work),
      end: (error) => {
        if (error !== undefined) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          span.setAttribute('error.type', (error as Error).name || 'Error');
        }
        span.end();
      },
    };
  }

  /** The W3C `traceparent` of the active span, to be stored with the event a change queues. */
  traceparent(): string | null {
    const carrier: Record<string, string> = {};
    this.#propagator.inject(context.active(), carrier, { set: (target, key, value) => (target[key] = value) });
    return carrier.traceparent ?? null;
  }

  /** Runs `work` outside any trace: what a request wakes (the worker's claims) is not part of it. */
  detached(work: () => void): void {
    context.with(ROOT_CONTEXT, work);
  }

  /** The span of one attempt: a child of the change's stored trace context (a root when there is none). */
  attempt(delivery: DueDelivery, headers: Record<string, string>): AttemptSpan {
    const stored: Context =
      delivery.traceparent === null
        ? ROOT_CONTEXT
        : this.#propagator.extract(ROOT_CONTEXT, { traceparent: delivery.traceparent }, { keys: Object.keys, get: (carrier, key) => (carrier as Record<string, string>)[key] });
    // the host only: a callback URL may hold a secret in its path or query
    const target = URL.parse(delivery.callback.url);
    const span: Span = this.#tracer.startSpan(
      'POST',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': 'POST',
          ...(target !== null && { 'server.address': target.hostname }),
          'tidings.callback.id': delivery.callback.id,
          'tidings.delivery.id': delivery.id,
          'tidings.attempt': delivery.attempts + 1,
          'tidings.webhook_id': delivery.webhookId,
        },
      },
      stored,
    );
    const sent = { ...headers };
    this.#propagator.inject(trace.setSpan(stored, span), sent, { set: (target, key, value) => ((target as Record<string, string>)[key] = value) });
    return {
      headers: sent,
      end: (outcome) => {
        const { statusCode, error } = outcome.attempt;
        if (statusCode !== null) span.setAttribute('http.response.status_code', statusCode);
        span.setAttribute('tidings.outcome', outcome.status);
        if (outcome.status !== 'succeeded') {
          span.setStatus({ code: SpanStatusCode.ERROR, ...(error !== null && { message: error }) });
          span.setAttribute('error.type', failureClass(outcome));
        }
        span.end();
      },
    };
  }

  /** Sends what is still buffered; called at shutdown. */
  async shutdown(): Promise<void> {
    await this.#provider.shutdown();
  }
}
