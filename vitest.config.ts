import { defineConfig } from 'vitest/config';

// Two tiers. `unit`: pure code (parsers, recognisers, renderers, diffing), no database, seconds.
// `integration`: everything that talks to PostgreSQL, HTTP, the CLI or a browser; the global
// setup starts an embedded PostgreSQL (or uses CONTROL_DATABASE_URL and the region URLs).
// `npm test` runs both; `npm run test:unit` / `npm run test:integration` run one.
const UNIT = ['src/**/*.unit.test.ts', 'test/**/*.unit.test.ts'];
// CI's second pass (another Node version, the machine's PostgreSQL) leaves out the browser
// journeys: they prove the admin app and pages in Chromium, which the first pass already ran,
// and the two passes together must stay within CI's time.
const BROWSER = process.env.SUBREG_TEST_SKIP_BROWSER === '1' ? ['test/browser/**'] : [];

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
          exclude: [...UNIT, ...BROWSER, '**/node_modules/**'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
