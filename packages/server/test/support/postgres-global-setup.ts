// Vitest global setup: the PostgreSQL cluster the postgres project runs on. TIDINGS_TEST_DATABASE_URL
// (a superuser URL) names one; without it a throwaway cluster is started with
// scripts/postgres-cluster.sh and stopped at the end. Then a template database is migrated once, so
// each test's database is a copy rather than a fresh run of every migration.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openPostgresStore } from '../../src/db/postgres/index.ts';
import { postgresServerInstalled } from './postgres-available.ts';

const clusterScript = fileURLToPath(new URL('../../../../scripts/postgres-cluster.sh', import.meta.url));

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  let url = process.env.TIDINGS_TEST_DATABASE_URL?.trim() || null;
  let clusterDir: string | null = null;
  if (url === null) {
    if (!postgresServerInstalled()) {
      project.provide('tidingsPostgresUrl', null);
      project.provide('tidingsPostgresTemplate', null);
      project.provide('tidingsPostgresPrefix', '');
      return undefined;
    }
    clusterDir = mkdtempSync(join(tmpdir(), 'tidings-pg-'));
    url = execFileSync(clusterScript, ['start', clusterDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  }
  const stopCluster = () => {
    if (clusterDir !== null) execFileSync(clusterScript, ['stop', clusterDir], { stdio: 'inherit' });
  };

  const template = `tidings_template_${process.pid}`;
  const prefix = `tidings_test_${process.pid}_`;
  const admin = new pg.Client({ connectionString: url });
  try {
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${template}`);
    const templateUrl = new URL(url);
    templateUrl.pathname = `/${template}`;
    const store = await openPostgresStore(templateUrl.toString(), { now: () => Date.now() }, { poolSize: 1 });
    await store.close();
  } catch (error) {
    await admin.end().catch(() => undefined);
    stopCluster();
    throw error;
  }
  project.provide('tidingsPostgresUrl', url);
  project.provide('tidingsPostgresTemplate', template);
  project.provide('tidingsPostgresPrefix', prefix);
  console.log(`postgres tests: ${clusterDir === null ? 'TIDINGS_TEST_DATABASE_URL' : 'throwaway cluster'} ${url}`);

  return async () => {
    const leftovers = await admin
      .query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix])
      .catch(() => ({ rows: [] }));
    for (const { datname } of leftovers.rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    stopCluster();
  };
}
