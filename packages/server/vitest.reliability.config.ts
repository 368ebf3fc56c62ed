// pnpm test:reliability: faults, hostile input and load (test/reliability/), on the embedded store.
// The PostgreSQL crash case (kill -9 of a worker) is test/scaleout.e2e.test.ts in the main suite.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 30_000,
    // one file at a time: the load and soak tests measure the machine, so nothing else may share it
    fileParallelism: false,
  },
});
