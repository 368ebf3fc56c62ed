// Fresh PostgreSQL databases for tests: one per harness or per process test, copied from a template
// that the global setup migrated once, and dropped again afterwards. The cluster is a throwaway one
// (scripts/postgres-cluster.sh) or the one TIDINGS_TEST_DATABASE_URL names (a superuser URL).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** which store the harness opens: the project decides, so every harness suite runs on both */
    tidingsStore: 'sqlite' | 'postgres';
    /** superuser URL of the test cluster, null when there is none */
    tidingsPostgresUrl: string | null;
    /** the migrated database every test database is copied from */
    tidingsPostgresTemplate: string | null;
    /** how the names of this run's test databases begin; the global teardown drops what is left */
    tidingsPostgresPrefix: string;
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

let admin: pg.Pool | null = null;

function adminPool(url: string): pg.Pool {
  admin ??= new pg.Pool({ connectionString: url, max: 2, allowExitOnIdle: true });
  return admin;
}

/** The URL of another database in the same cluster. */
export function databaseUrl(clusterUrl: string, database: string): string {
  const url = new URL(clusterUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export function postgresClusterUrl(): string {
  const url = inject('tidingsPostgresUrl');
  if (!url) throw new Error('no PostgreSQL test cluster: the postgres project needs TIDINGS_TEST_DATABASE_URL or a local PostgreSQL server');
  return url;
}

/** A new database of its own: migrated and empty, or with `migrated: false` without any table. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  if (!(options.migrated ?? true)) return createDatabase('template0');
  // CREATE DATABASE takes a few hundred ms: the next test's database is made while this test runs
  const ready = spare ?? createDatabase(inject('tidingsPostgresTemplate'));
  spare = createDatabase(inject('tidingsPostgresTemplate'));
  spare.catch(() => undefined);
  return ready;
}

let spare: Promise<TestDatabase> | null = null;

async function createDatabase(template: string | null): Promise<TestDatabase> {
  const clusterUrl = postgresClusterUrl();
  const name = `${inject('tidingsPostgresPrefix')}${randomBytes(6).toString('hex')}`;
  const pool = adminPool(clusterUrl);
  for (let attempt = 1; ; attempt++) {
    try {
      await pool.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
      break;
    } catch (error) {
      // 55006: the template still has a session that is closing (the global setup's, just ended)
      if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    name,
    url: databaseUrl(clusterUrl, name),
    drop: async () => {
      // a closed pool's sessions end a moment later; FORCE would make their last breath an error
      for (let wait = 0; wait < 20; wait++) {
        const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
        if (rows[0]?.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
