// Whether the postgres test project can run here: a cluster is named, or Debian's server is installed
// so the global setup can start a throwaway one.
import { existsSync, readdirSync } from 'node:fs';

export function postgresServerInstalled(): boolean {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return false;
  return readdirSync(root).some((version) => existsSync(`${root}/${version}/bin/pg_ctl`));
}

/** null when the postgres variants can run, else the reason they cannot */
export function postgresUnavailableReason(env: Record<string, string | undefined> = process.env): string | null {
  if (env.TIDINGS_TEST_DATABASE_URL?.trim() || postgresServerInstalled()) return null;
  return 'no TIDINGS_TEST_DATABASE_URL and no PostgreSQL server under /usr/lib/postgresql (apt-get install -y postgresql)';
}
