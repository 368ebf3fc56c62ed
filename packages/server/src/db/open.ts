import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { TransactionTracing } from './connection.ts';
import { openPostgresStore } from './postgres/index.ts';
import { openSqliteStore } from './sqlite/index.ts';
import type { Store } from '../records/store.ts';

/**
 * Opens the store the configuration names: PostgreSQL when DATABASE_URL is set, else the embedded one.
 * Pending migrations are applied unless `migrate` is false (`pnpm tidings migrate` applies them itself).
 */
export async function openStore(
  config: Config,
  clock: Clock,
  options: { migrate?: boolean; backgroundCheckpoints?: boolean; onError?: (message: string) => void; tracing?: TransactionTracing } = {},
): Promise<Store> {
  const firstAttemptDelayMs = (config.retryScheduleSeconds[0] ?? 0) * 1000;
  if (config.databaseUrl !== null) {
    return openPostgresStore(config.databaseUrl, clock, {
      poolSize: config.postgresPoolSize,
      statementTimeoutMs: config.postgresStatementTimeoutMs,
      firstAttemptDelayMs,
      ...(options.migrate !== undefined && { migrate: options.migrate }),
      ...(options.onError !== undefined && { onError: options.onError }),
      ...(options.tracing !== undefined && { tracing: options.tracing }),
    });
  }
  return openSqliteStore(config.dataDir, clock, { firstAttemptDelayMs, ...options });
}
