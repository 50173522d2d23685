/**
 * Benchmark: what sealing costs a change. A region transaction that appends one audit event
 * the stage-1 way (advisory lock, read the tip, insert with plain sha256) against the product's
 * appendAuditEvent (the same plus an HMAC seal and, after the commit, the head update in the
 * control database), in the same run on embedded PostgreSQL. Then a full verify of a chain
 * (links, seals, control head, stored checkpoint) against merely reading the same events.
 * Run: node --import tsx bench/audit-append.ts   (or npm run bench -- audit-append)
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { desc, eq, sql } from 'drizzle-orm';
import { prepareDatabases, resolveTargets } from '../src/db/bootstrap.js';
import { Databases, type TenantTx } from '../src/db/databases.js';
import { auditEvents } from '../src/db/schema/region.js';
import { createCheckpoint } from '../src/features/audit/audit-checkpoints.service.js';
import { GENESIS_HASH, auditEventHash } from '../src/features/audit/audit-hash.js';
import { appendAuditEvent, listAuditEvents } from '../src/features/audit/audit.repo.js';
import { verifyAuditChain } from '../src/features/audit/audit.service.js';
import { TenantDirectory } from '../src/features/tenants/tenant-directory.js';
import { createTenant } from '../src/features/tenants/tenants.service.js';
import { loadAuditKeys } from '../src/platform/audit-keys.js';
import { loadConfig } from '../src/platform/config.js';
import type { AppDeps } from '../src/app/deps.js';
import { createMetrics } from '../src/platform/metrics.js';
import { newId } from '../src/platform/ids.js';

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)] ?? 0;

/** The stage-1 append, kept here as the baseline: no seal, no head outside the region. */
async function appendUnsealed(tx: TenantTx, tenantId: string, i: number) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${tenantId}::text, 7))`);
  const [last] = await tx
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .where(eq(auditEvents.tenantId, tenantId))
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  const f = {
    tenantId,
    seq: (last?.seq ?? 0) + 1,
    id: newId(),
    occurredAt: new Date(),
    actorType: 'system' as const,
    actorId: 'bench',
    action: 'bench.event',
    objectType: 'bench',
    objectId: String(i),
    before: null,
    after: { i },
    requestId: null,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  await tx.insert(auditEvents).values({ ...f, hash: auditEventHash(f) });
}

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'subreg-bench-audit-'));
const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
const { targets, embedded } = await resolveTargets(config, () => {});
try {
  await prepareDatabases(targets);
  const dbs = new Databases(targets.controlUrl, targets.regions, 5, { auditKeys: loadAuditKeys(config) });
  const deps: AppDeps = {
    config,
    dbs,
    directory: new TenantDirectory(dbs.control),
    metrics: createMetrics(),
  };
  const mk = async (slug: string) =>
    (await createTenant(deps, { slug, name: slug, regionId: 'eu-west', owner: { email: `${slug}@x.test` } }))
      .tenant;
  const plain = await mk('bench-plain');
  const sealed = await mk('bench-sealed');
  const N = 1000;
  const base: number[] = [];
  const seal: number[] = [];
  // Interleaved, so both see the same machine load.
  for (let i = 0; i < N; i++) {
    let t0 = process.hrtime.bigint();
    await dbs.withTenant(plain, (tx) => appendUnsealed(tx, plain.id, i));
    base.push(ms(t0));
    t0 = process.hrtime.bigint();
    await dbs.withTenant(sealed, (tx) =>
      appendAuditEvent(tx, {
        tenantId: sealed.id,
        actorType: 'system',
        actorId: 'bench',
        action: 'bench.event',
        objectType: 'bench',
        objectId: String(i),
        after: { i },
      }),
    );
    seal.push(ms(t0));
  }
  console.log(`append one event in its own transaction, ${N} each (ms):`);
  for (const [label, xs] of [
    ['unsealed (stage 1)', base],
    ['sealed + control head', seal],
  ] as const)
    console.log(`  ${label.padEnd(24)} p50 ${pct(xs, 0.5).toFixed(2)}  p99 ${pct(xs, 0.99).toFixed(2)}`);
  console.log(
    `  ratio sealed/unsealed: p50 ${(pct(seal, 0.5) / pct(base, 0.5)).toFixed(2)}x  p99 ${(pct(seal, 0.99) / pct(base, 0.99)).toFixed(2)}x`,
  );

  await createCheckpoint(deps, { ...sealed, slug: 'bench-sealed' });
  const reads: number[] = [];
  const verifies: number[] = [];
  for (let r = 0; r < 5; r++) {
    let t0 = process.hrtime.bigint();
    await dbs.withTenant(sealed, (tx) => listAuditEvents(tx, sealed.id, 0, 5000));
    reads.push(ms(t0));
    t0 = process.hrtime.bigint();
    const v = await verifyAuditChain(deps, sealed);
    verifies.push(ms(t0));
    if (!v.ok) throw new Error(`bench chain broken: ${v.reason}`);
  }
  console.log(
    `verify ${N + 1} events: ${pct(verifies, 0.5).toFixed(1)} ms, reading them alone ${pct(reads, 0.5).toFixed(1)} ms (ratio ${(pct(verifies, 0.5) / pct(reads, 0.5)).toFixed(2)}x)`,
  );
  await dbs.close();
} finally {
  await embedded?.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}
