// The process: read config, open the store, serve HTTP and run the worker, shut down gracefully.
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { systemClock } from './clock.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createExpressionSandbox } from './expression/index.ts';
import { Contract } from './http/contract.ts';
import { loadDocsHtml } from './http/docs.ts';
import { parseAllowedNetworks } from './net/networks.ts';
import { openStore } from './store/open.ts';
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
  const store = await openStore(config, clock).catch((error: unknown) =>
    fail(error instanceof ConfigError ? error.message : `cannot open the store: ${(error as Error).message}`),
  );
  if (config.bootstrapToken !== null && !(await store.hasAccounts())) {
    const account = await store.createAccount('default');
    if (account) await store.addToken(account.id, config.bootstrapToken, false);
    console.log('tidings: created account "default" with the token from TIDINGS_BOOTSTRAP_TOKEN');
  }

  const sandbox = createExpressionSandbox({
    timeoutMs: config.expressionTimeoutMs,
    memoryBytes: config.expressionMemoryBytes,
  });
  const app = createApp({
    store,
    config,
    clock,
    contract: new Contract(),
    sandbox,
    allowedNetworks,
    version: VERSION,
    docsHtml: loadDocsHtml,
  });

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    const base = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${info.port}`;
    console.log(`tidings ${VERSION} listening on ${base}  (store: ${store.dialect}, role: ${config.role})`);
    console.log(`  API   ${base}/v1`);
    console.log(`  docs  ${base}/docs   contract ${base}/openapi.json`);
    console.log(
      config.bootstrapToken !== null
        ? '  token the one in TIDINGS_BOOTSTRAP_TOKEN'
        : '  token create one with: pnpm tidings accounts create NAME',
    );
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`tidings: ${signal} received, shutting down`);
    const force = setTimeout(() => fail('shutdown took longer than 10 s; exiting'), 10_000);
    force.unref();
    server.close(async () => {
      await sandbox.close();
      await store.close();
      process.exit(0);
    });
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

await main();
