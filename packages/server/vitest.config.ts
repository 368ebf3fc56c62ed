// Two projects: `sqlite` runs every test on the embedded store; `postgres` runs again every suite that
// builds on the test harness (createHarness), now on PostgreSQL, plus the PostgreSQL-only tests. The
// output names the project of every file (|sqlite| …, |postgres| …).
import { globSync, readFileSync } from 'node:fs';
import { configDefaults, defineConfig } from 'vitest/config';
import { postgresUnavailableReason } from './test/support/postgres-available.ts';

const allTests = ['src/**/*.test.ts', 'test/*.test.ts'];
// test/reliability/ runs on its own: pnpm test:reliability (vitest.reliability.config.ts)
const postgresOnly = ['src/db/postgres/**/*.test.ts', 'src/queue/postgres/**/*.test.ts', 'test/scaleout.e2e.test.ts', 'test/rate-limit.e2e.test.ts', 'test/transfer.e2e.test.ts'];
const harnessSuites = globSync(allTests, { cwd: import.meta.dirname }).filter((file) =>
  readFileSync(`${import.meta.dirname}/${file}`, 'utf8').includes('createHarness('),
);
// end-to-end suites that start the server on the store their project provides
const bothStores = ['test/listen.e2e.test.ts'];

const unavailable = postgresUnavailableReason();
if (unavailable !== null) {
  if (process.env.CI === 'true') {
    throw new Error(`CI=true, and the PostgreSQL variants of the tests cannot run: ${unavailable}`);
  }
  console.warn(`\n  PostgreSQL variants SKIPPED: ${unavailable}\n`);
}

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    globalSetup: ['test/support/postgres-global-setup.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'sqlite', include: allTests, exclude: [...configDefaults.exclude, ...postgresOnly], provide: { tidingsStore: 'sqlite' as const } },
      },
      ...(unavailable === null
        ? [
            {
              extends: true,
              test: { name: 'postgres', include: [...harnessSuites, ...bothStores, ...postgresOnly], provide: { tidingsStore: 'postgres' as const } },
            },
          ]
        : []),
    ],
  },
});
