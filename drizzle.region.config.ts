import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: [
    './src/db/schema/region.ts',
    './src/db/schema/region-imports.ts',
    './src/db/schema/region-versions.ts',
    './src/db/schema/region-idempotency.ts',
    './src/db/schema/region-webhooks.ts',
    './src/db/schema/region-notices.ts',
    './src/db/schema/region-customers.ts',
    './src/db/schema/region-approvals.ts',
  ],
  out: './src/db/migrations/region',
});
