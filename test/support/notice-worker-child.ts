/**
 * The notice worker alone, in its own process, against the test databases: what the server's
 * pg-boss job runs, without the server around it (a test kills it with SIGKILL at random points
 * and starts it again). Delivers a tenant's due messages until none is left unfinished, polling
 * while other claims (a killed worker's) have not lapsed yet. Prints "worker ready" and
 * "worker done" on stderr.
 * Prints "fanout step" after each committed fan-out step (a test kills it between steps).
 * Env: SUBREG_TEST_TARGETS (the suite's dbTargets as JSON), SMTP_URL, TENANT_ID, LEASE_MS,
 * FANOUT_CHUNK (recipients per fan-out step), and the audit keys (TEST_AUDIT_ENV).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import type { DatabaseTargets } from '../../src/db/bootstrap.js';
import { Databases } from '../../src/db/databases.js';
import { deliverDue } from '../../src/features/notices/notice-worker.js';
import { TenantDirectory } from '../../src/features/tenants/tenant-directory.js';
import { loadAuditKeys } from '../../src/platform/audit-keys.js';
import { loadConfig } from '../../src/platform/config.js';
import type { AppDeps } from '../../src/app/deps.js';
import { createMailer } from '../../src/platform/mail/mailer.js';
import { createMetrics } from '../../src/platform/metrics.js';

const env = process.env;
const targets = JSON.parse(env.SUBREG_TEST_TARGETS ?? '') as DatabaseTargets;
const config = {
  // The audit keys come from the environment (the links in the messages are signed with them).
  ...loadConfig({ ...env, DATA_DIR: '/nonexistent', LOG_LEVEL: 'silent' }),
  embedded: false,
};
const dbs = new Databases(targets.controlUrl, targets.regions, 4, { auditKeys: loadAuditKeys(config) });
const deps: AppDeps = {
  config,
  dbs,
  directory: new TenantDirectory(dbs.control),
  metrics: createMetrics(),
  mail: createMailer({
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    dataDir: config.dataDir,
    log: () => {},
  }),
};
const tenant = await deps.directory.byId(env.TENANT_ID ?? '');
if (!tenant) throw new Error(`no tenant ${env.TENANT_ID}`);
const leaseMs = Number(env.LEASE_MS ?? 2000);
const fanoutChunk = env.FANOUT_CHUNK ? Number(env.FANOUT_CHUNK) : undefined;

const unfinished = async () => {
  const { rows } = await dbs.withTenant(tenant, (tx) =>
    tx.execute<{ n: number }>(
      sql`select (select count(*) from notice_deliveries where status in ('queued', 'sending'))
               + (select count(*) from change_notices where fanned_out_at is null) as n`,
    ),
  );
  return Number(rows[0]!.n);
};

process.stderr.write('worker ready\n');
for (;;) {
  const run = await deliverDue(deps, tenant, {
    leaseMs,
    retryDelay: () => 200,
    fanoutChunk,
    onFanoutStep: (s) => process.stderr.write(`fanout step ${s.made}${s.done ? ' done' : ''}\n`),
  });
  if (run.sent) process.stderr.write(`sent ${run.sent}\n`);
  if ((await unfinished()) === 0) break;
  await sleep(100);
}
process.stderr.write('worker done\n');
deps.mail?.close();
await dbs.close();
process.exit(0);
