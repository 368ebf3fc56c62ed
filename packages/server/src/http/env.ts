import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { ExpressionSandbox } from '../expression/index.ts';
import type { ListenHub } from '../listen/hub.ts';
import type { AllowedNetworks } from '../net/networks.ts';
import type { Principal, Store } from '../records/store.ts';
import type { Metrics } from '../metrics.ts';
import type { Log } from '../log.ts';
import type { ThrottledLog } from '../throttled-log.ts';
import type { Tracing } from '../tracing.ts';
import type { Contract } from './contract.ts';

/** Everything the HTTP app depends on, passed in by main.ts or a test. */
export interface AppDeps {
  store: Store;
  config: Config;
  clock: Clock;
  contract: Contract;
  sandbox: ExpressionSandbox;
  allowedNetworks: AllowedNetworks;
  version: string;
  /** where faults of the store are logged, once per interval (main.ts shares it with the worker) */
  faultLog?: ThrottledLog;
  /** Prometheus metrics (metrics.ts) the app counts its requests and faults in, when given */
  metrics?: Metrics;
  /** a line per request, with its X-Request-Id (request-log.ts), when given */
  log?: Log;
  /** a span per API request (tracing.ts), when tracing is on */
  tracing?: Tracing;
  /** the process's `tidings listen` streams (main.ts closes them at shutdown); one per store when not given */
  listenHub?: ListenHub;
  /** serves the Redoc page at /docs when given */
  docsHtml?: () => string | null;
}

export interface AppEnv {
  Variables: {
    principal: Principal;
    /** the body as read by the Idempotency-Key check, for readBody not to read it again */
    bodyText?: string;
    deps: AppDeps;
    /** the X-Request-Id this request is answered with */
    requestId: string;
  };
}
