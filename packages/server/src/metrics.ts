// Prometheus metrics (prom-client), named tidings_<noun>_<unit> with labels from small fixed sets:
// HTTP method, the route as registered (never the path with its IDs), status code, delivery outcome,
// expression result, fault kind. No callback IDs, no URLs, no tokens. The queue's depth is read from
// the store when Prometheus scrapes, so on PostgreSQL every process reports the same truth.
import { performance } from 'node:perf_hooks';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { StoreFault } from './db/faults.ts';
import type { ExpressionSandbox } from './expression/index.ts';
import type { Store } from './records/store.ts';

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS']);

type DeliveryOutcome = 'succeeded' | 'failed' | 'exhausted' | 'skipped' | 'discarded';

export class Metrics {
  readonly registry = new Registry();
  readonly #requests: Histogram<'method' | 'route' | 'status'>;
  readonly #deliveries: Counter<'outcome'>;
  readonly #attempts: Histogram<'result'>;
  readonly #expressions: Counter<'result'>;
  readonly #faults: Counter<'kind' | 'source'>;

  /** `store`: where the queue's depth is read at every scrape (null: no queue gauges) */
  constructor(store: Store | null) {
    collectDefaultMetrics({ register: this.registry });
    // gauges named like counters: promtool's lint refuses them, and the handle counts say little
    for (const misnamed of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(misnamed);
    }
    this.#requests = new Histogram({
      name: 'tidings_api_request_duration_seconds',
      help: 'API requests by method, route (as registered, e.g. /v1/profile/:profileID) and status, and how long they took',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.#deliveries = new Counter({
      name: 'tidings_deliveries_total',
      help: 'Delivery attempts by outcome: succeeded, failed (retried later), exhausted (no retry left), skipped (the expression failed), discarded (the expression did not match)',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    this.#attempts = new Histogram({
      name: 'tidings_delivery_attempt_duration_seconds',
      help: 'How long an attempt took, from the request leaving to the answer (or the failure), by result (success: a 2xx)',
      labelNames: ['result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
      registers: [this.registry],
    });
    this.#expressions = new Counter({
      name: 'tidings_expression_evaluations_total',
      help: 'Callback expressions evaluated, by result: matched, unmatched, error (it threw or hit its memory limit), timeout',
      labelNames: ['result'],
      registers: [this.registry],
    });
    this.#faults = new Counter({
      name: 'tidings_store_faults_total',
      help: 'Faults of the store (unavailable: PostgreSQL away or too slow; full: no space to write), by where they were met (api, worker, health)',
      labelNames: ['kind', 'source'],
      registers: [this.registry],
    });
    if (store !== null) this.#queueGauges(store);
  }

  #queueGauges(store: Store): void {
    let reading: ReturnType<Store['queueDepth']> | null = null;
    // the three gauges of one scrape share one read
    const depth = () => {
      reading ??= store.queueDepth().finally(() => setImmediate(() => (reading = null)));
      return reading;
    };
    const gauge = (name: string, help: string, value: (read: Awaited<ReturnType<Store['queueDepth']>>) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect: async function collect(this: Gauge) {
          try {
            this.set(value(await depth()));
          } catch {
            // the store is away: the scrape still answers, with the process's other metrics
            this.reset();
          }
        },
      });
    gauge('tidings_queue_due_deliveries', 'Deliveries due now and waiting for a worker (read from the store)', (read) => read.due);
    gauge('tidings_queue_in_flight_deliveries', 'Deliveries leased by a worker and being attempted (read from the store)', (read) => read.inFlight);
    gauge(
      'tidings_queue_parked_deliveries',
      'Deliveries held back while their callback\'s circuit breaker is open (read from the store)',
      (read) => read.parked,
    );
    gauge('tidings_queue_oldest_due_age_seconds', 'How long the longest-waiting due delivery has waited; 0 when none is due', (read) =>
      read.oldestDueAt === null ? 0 : Math.max(0, (Date.now() - read.oldestDueAt) / 1000),
    );
  }

  /** Hono middleware: every API request, by method, registered route and status. */
  requests(): MiddlewareHandler {
    return async (c, next) => {
      const began = performance.now();
      await next();
      const method = METHODS.has(c.req.method) ? c.req.method : 'OTHER';
      this.#requests.observe({ method, route: routePath(c, -1), status: String(c.res.status) }, (performance.now() - began) / 1000);
    };
  }

  delivery(outcome: DeliveryOutcome, attemptMs?: number): void {
    this.#deliveries.inc({ outcome });
    if (attemptMs !== undefined) this.#attempts.observe({ result: outcome === 'succeeded' ? 'success' : 'failure' }, attemptMs / 1000);
  }

  fault(fault: StoreFault, source: 'api' | 'worker' | 'health'): void {
    this.#faults.inc({ kind: fault.kind, source });
  }

  /** The sandbox, counting each evaluation's result. */
  counting(sandbox: ExpressionSandbox): ExpressionSandbox {
    return {
      ...sandbox,
      evaluate: async (source, record, owner) => {
        const outcome = await sandbox.evaluate(source, record, owner);
        const result = outcome.error === undefined ? (outcome.matched ? 'matched' : 'unmatched') : /time limit|ran out of time/.test(outcome.error) ? 'timeout' : 'error';
        this.#expressions.inc({ result });
        return outcome;
      },
    };
  }
}
