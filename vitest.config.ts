import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // chDB binds one data directory per process: each fork owns one, each test its own database.
    pool: 'forks',
    maxWorkers: 2,
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/globalSetup.ts'],
  },
});
