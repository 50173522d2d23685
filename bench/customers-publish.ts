/**
 * Benchmark: what customers cost a publish. Two tenants, each with one list and the same
 * number of confirmed subscribers; in one of them every subscriber-th contact speaks for a
 * customer (half under specific authorisation, with a longer notice period). The publish
 * request (HTTP, through the app) finds the longest notice period and asks for approvals in
 * its transaction; measured interleaved against the tenant without customers, same run.
 * Run: node --import tsx bench/customers-publish.ts   (sizes: BENCH_SUBSCRIBERS, BENCH_CUSTOMERS, BENCH_ROUNDS)
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { prepareDatabases, resolveTargets } from '../src/db/bootstrap.js';
import { Databases } from '../src/db/databases.js';
import { TenantDirectory } from '../src/features/tenants/tenant-directory.js';
import { createTenant } from '../src/features/tenants/tenants.service.js';
import { issueToken } from '../src/features/tokens/tokens.service.js';
import { buildApp } from '../src/http/app.js';
import { loadAuditKeys } from '../src/platform/audit-keys.js';
import { loadConfig } from '../src/platform/config.js';
import type { AppDeps } from '../src/app/deps.js';
import { createMetrics } from '../src/platform/metrics.js';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)] ?? 0;

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'subreg-bench-customers-'));
const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
const { targets, embedded } = await resolveTargets(config, () => {});
try {
  await prepareDatabases(targets);
  const dbs = new Databases(targets.controlUrl, targets.regions, 10, { auditKeys: loadAuditKeys(config) });
  const deps: AppDeps = {
    config,
    dbs,
    directory: new TenantDirectory(dbs.control),
    metrics: createMetrics(),
  };
  const app = await buildApp(deps, { logger: false });

  const setUp = async (slug: string, customers: number) => {
    const { tenant } = await createTenant(deps, {
      slug,
      name: slug,
      regionId: 'eu-west',
      owner: { email: `${slug}@x.test` },
    });
    const tok = await issueToken(
      deps,
      { tenantId: tenant.id, regionId: 'eu-west', name: 'bench', scope: 'write', createdBy: null },
      { actorType: 'system', actorId: 'bench', requestId: null },
    );
    const headers = { authorization: `Bearer ${tok.token}` };
    const base = `/api/v1/tenants/${slug}`;
    const list = await app.inject({
      method: 'POST',
      url: `${base}/lists`,
      headers,
      payload: { slug: 'main', title: 'Main', noticePeriodDays: 30 },
    });
    const url = `${base}/lists/${list.json().id}`;
    let n = 0;
    const addEntry = () =>
      app.inject({
        method: 'POST',
        url: `${url}/entries`,
        headers,
        payload: { entity: { legalName: `Vendor ${n++} Ltd` }, purpose: 'Hosting' },
      });
    await addEntry();
    await app.inject({ method: 'POST', url: `${url}/versions`, headers, payload: {} });
    await dbs.withTenant(tenant, async (tx) => {
      await tx.execute(sql`insert into customers (tenant_id, id, organisation, authorisation, notice_period_days, notify_by)
        select ${tenant.id}::uuid, gen_random_uuid(), 'Customer ' || i, case when i % 2 = 0 then 'specific' else 'general' end,
               case when i % 10 = 0 then 45 else null end, 'email'
        from generate_series(1, ${customers}) i`);
      await tx.execute(sql`insert into subscribers (tenant_id, id, email, status, added_by, confirmed_at, customer_id)
        select ${tenant.id}::uuid, gen_random_uuid(), 's' || i || '@x.test', 'confirmed', 'staff', now(),
               (select id from customers c where c.organisation = 'Customer ' || i)
        from generate_series(1, ${SUBSCRIBERS}) i`);
    });
    return {
      publish: async () => {
        await addEntry();
        const t0 = process.hrtime.bigint();
        const r = await app.inject({
          method: 'POST',
          url: `${url}/versions`,
          headers,
          payload: { replacePending: true },
        });
        const took = ms(t0);
        if (r.statusCode !== 201) throw new Error(`publish: ${r.statusCode} ${r.body.slice(0, 300)}`);
        return took;
      },
    };
  };
  const plain = await setUp('bench-plain', 0);
  const withCustomers = await setUp('bench-customers', CUSTOMERS);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    a.push(await plain.publish());
    b.push(await withCustomers.publish());
  }
  console.log(
    `publish with ${SUBSCRIBERS} confirmed subscribers, ${ROUNDS} rounds interleaved, ${process.version} (ms):`,
  );
  for (const [label, xs] of [
    ['no customers', a],
    [`${CUSTOMERS} customers (${CUSTOMERS / 2} specific)`, b],
  ] as const)
    console.log(
      `  ${label.padEnd(34)} p50 ${pct(xs, 0.5).toFixed(1)}  p95 ${pct(xs, 0.95).toFixed(1)}  max ${Math.max(...xs).toFixed(1)}`,
    );
  await app.close();
  await dbs.close();
} finally {
  await embedded?.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}
