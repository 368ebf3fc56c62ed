// The process: read config, open the store, serve HTTP and run the worker, shut down gracefully.
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { ListenHub } from './listen/hub.ts';
import { systemClock } from './clock.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createSender } from './receiver/sender.ts';
import { DeliveryWorker } from './worker/worker.ts';
import { createExpressionSandbox } from './expression/index.ts';
import { Contract } from './http/contract.ts';
import { loadDocsHtml } from './http/docs.ts';
import { parseAllowedNetworks } from './net/networks.ts';
import { storeFault } from './db/faults.ts';
import { openStore } from './db/open.ts';
import { serveMetrics } from './http/metrics-server.ts';
import { createLog } from './log.ts';
import { Metrics } from './metrics.ts';
import { ThrottledLog } from './throttled-log.ts';
import { VERSION } from './version.ts';

function fail(message: string): never {
  console.error(`tidings: ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: Config;
  let allowedNetworks;
  try {
    config = loadConfig();
    allowedNetworks = parseAllowedNetworks(config.allowedNetworks);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    fail(`TIDINGS_ALLOWED_NETWORKS: ${(error as Error).message}`);
  }

  const clock = systemClock;
  const log = createLog(config.logLevel);
  // off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: then not even the SDK is loaded
  const tracing = config.tracing ? new (await import('./tracing.ts')).Tracing(VERSION) : null;
  // faults that last (the store away, the disk full) are logged once per interval, not per request
  const faultLog = new ThrottledLog((line) => console.error(line));
  const store = await openStore(config, clock, {
    backgroundCheckpoints: true,
    onError: (message) => faultLog.report(`store ${message.split(/[:(]/)[0]}`, `tidings store: ${message}`),
    ...(tracing !== null && { tracing }),
  }).catch((error: unknown) =>
    fail(error instanceof ConfigError ? error.message : `cannot open the store: ${(error as Error).message}`),
  );
  if (config.bootstrapToken !== null && !(await store.hasAccounts())) {
    // several processes may start at once on one PostgreSQL store: one of them creates the account
    const account = await store.createAccount('default');
    if (account) {
      await store.addToken(account.id, config.bootstrapToken, false);
      console.log('tidings: created account "default" with the token from TIDINGS_BOOTSTRAP_TOKEN');
    }
  }

  const sandbox = createExpressionSandbox({
    timeoutMs: config.expressionTimeoutMs,
    memoryBytes: config.expressionMemoryBytes,
  });
  // counted only when served: the request histogram costs every request a little
  const metrics = config.metricsPort === null ? null : new Metrics(store);
  const metricsServer = metrics === null ? null : await serveMetrics(metrics, config.host, config.metricsPort as number);
  const sender = createSender({ allowed: allowedNetworks, timeoutMs: config.deliveryTimeoutMs });
  const worker =
    config.role === 'api'
      ? null
      : new DeliveryWorker({
          store,
          sender,
          sandbox: metrics?.counting(sandbox) ?? sandbox,
          clock,
          random: Math.random,
          retryScheduleSeconds: config.retryScheduleSeconds,
          deliveryTimeoutMs: config.deliveryTimeoutMs,
          concurrency: config.deliveryConcurrency,
          userAgent: `Tidings/${VERSION}`,
          retentionMs: config.deliveryRetentionDays * 86400_000,
          ...(metrics !== null && { onOutcome: (outcome, attemptMs) => metrics.delivery(outcome, attemptMs) }),
          log,
          ...(tracing !== null && { tracing }),
          onError: (error) => {
            const fault = storeFault(error);
            if (fault === null) console.error('tidings worker:', error);
            else metrics?.fault(fault, 'worker');
            if (fault !== null) faultLog.report(`worker ${fault.kind}`, `tidings worker: ${fault.reason}; deliveries wait until the store is back`);
          },
        });
  if (worker && store.dialect === 'sqlite') {
    // one process delivers from the embedded store, so leases left behind were held by a process
    // that died: what it had in flight is due again now rather than when the lease runs out
    const released = await store.releaseAllLeases();
    if (released > 0) console.log(`tidings: re-queued ${released} deliveries left in flight by the previous run`);
  }
  worker?.start();

  let server: ReturnType<typeof serve> | null = null;
  const listenHub = new ListenHub(store);
  if (config.role !== 'worker') {
    const app = createApp({
      store,
      config,
      clock,
      contract: new Contract(),
      sandbox,
      allowedNetworks,
      version: VERSION,
      docsHtml: loadDocsHtml,
      faultLog,
      listenHub,
      ...(metrics !== null && { metrics }),
      log,
      ...(tracing !== null && { tracing }),
    });
    // A request (headers and body) must arrive within TIDINGS_REQUEST_TIMEOUT_MS, its headers within
    // 20 s of it: without these Node waits 300 s for a body that trickles in, holding what came so far.
    // Node checks its connections against them every `connectionsCheckingInterval`, 30 s by default.
    const serverOptions = {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(config.requestTimeoutMs, 20_000),
      connectionsCheckingInterval: Math.min(config.requestTimeoutMs, 2_000),
    };
    server = serve({ fetch: app.fetch, port: config.port, hostname: config.host, serverOptions }, (info) => {
      const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${info.port}`;
      console.log(`tidings ${VERSION} listening on ${base}  (store: ${store.dialect}, role: ${config.role})`);
      console.log(`  API   ${base}/v1`);
      console.log(`  docs  ${base}/docs   contract ${base}/openapi.json   console ${base}/console`);
      if (metricsServer !== null) console.log(`  metrics http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${metricsServer.port}/metrics`);
      console.log(
        config.bootstrapToken !== null
          ? '  token the one in TIDINGS_BOOTSTRAP_TOKEN'
          : '  token create one with: ./tidings accounts create NAME',
      );
    });
  } else {
    console.log(`tidings ${VERSION} worker started  (store: ${store.dialect}, role: worker)`);
    if (metricsServer !== null) console.log(`  metrics http://${config.host}:${metricsServer.port}/metrics`);
    // A worker's own timers do not hold the process open, and while PostgreSQL is away it has no
    // connection that would: it lives until it is told to stop.
    setInterval(() => undefined, 3600_000);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`tidings: ${signal} received, shutting down`);
    const force = setTimeout(() => fail('shutdown took longer than 20 s; exiting'), 20_000);
    force.unref();
    if (server) {
      // a listener's stream would hold the server open; its listener reconnects to another process
      listenHub.closeAll();
      const closed = new Promise<void>((resolve) => server?.close(() => resolve()));
      if ('closeIdleConnections' in server) server.closeIdleConnections();
      await closed;
    }
    // attempts in flight finish; anything not finished is re-queued when its lease runs out
    await worker?.stop();
    await sender.close();
    await sandbox.close();
    await metricsServer?.close();
    await store.close();
    // the spans still buffered go to the collector before the process ends
    await tracing?.shutdown().catch((error: unknown) => console.error(`tidings: could not send the last traces: ${(error as Error).message}`));
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

await main();
