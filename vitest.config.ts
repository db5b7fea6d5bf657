import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'apps/web/**', 'apps/landing/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: files run in parallel, each on its own database and queue prefix.
    pool: 'forks',
    reporters: ['default', './test/support/summaryReporter.ts'],
  },
});
