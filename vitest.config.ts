import { defineConfig } from 'vitest/config';

// Two tiers. `unit`: pure code (parsers, recognisers, renderers, diffing), no database, seconds.
// `integration`: everything that talks to PostgreSQL, HTTP, the CLI or a browser; the global
// setup starts an embedded PostgreSQL (or uses CONTROL_DATABASE_URL and the region URLs).
// `npm test` runs both; `npm run test:unit` / `npm run test:integration` run one.
const UNIT = ['src/**/*.unit.test.ts', 'test/**/*.unit.test.ts'];
// CI's second pass (Node 24, the machine's PostgreSQL, run beside the first) leaves out what
// does not depend on the database server and costs minutes: the browser journeys, the
// process-kill trials and the tests that drive the CLI (the CLI journey also records running
// servers in a folder both passes would share). The first pass runs them all.
const SECOND_PASS_SKIPS =
  process.env.SUBREG_TEST_SECOND_PASS === '1'
    ? [
        'test/browser/**',
        'test/regions/move-killed.test.ts',
        'test/notices/fanout-killed.test.ts',
        'test/cli.test.ts',
        'test/cli-journey.test.ts',
        'test/**/*-cli.test.ts',
        'test/audit-tamper.test.ts',
      ]
    : [];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { test: { name: 'unit', include: UNIT, testTimeout: 30_000 } },
      {
        test: {
          name: 'integration',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...UNIT, ...SECOND_PASS_SKIPS, '**/node_modules/**'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
