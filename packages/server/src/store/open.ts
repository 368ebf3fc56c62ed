import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import { ConfigError } from '../config.ts';
import { openSqliteStore } from './sqlite/index.ts';
import type { Store } from './store.ts';

/** Opens the store the configuration names: PostgreSQL when DATABASE_URL is set, else the embedded one. */
export async function openStore(config: Config, clock: Clock): Promise<Store> {
  if (config.databaseUrl !== null) {
    throw new ConfigError('DATABASE_URL is set, but this build has no PostgreSQL store yet; unset it to use the embedded store');
  }
  return openSqliteStore(config.dataDir, clock, { firstAttemptDelayMs: (config.retryScheduleSeconds[0] ?? 0) * 1000 });
}
