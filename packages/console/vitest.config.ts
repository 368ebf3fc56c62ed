import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // one server, one mock and one browser are shared by every test of a file, so files run one by one
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
