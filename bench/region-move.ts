/**
 * Benchmark: moving a tenant holding 1,000,000 rows (mostly audit events) between two region
 * databases, against a raw `COPY ... TO STDOUT | COPY ... FROM STDIN` of the same tables between
 * the same two databases, in the same run. Prints throughput ratios, the write freeze, and the
 * estimate against the actual durations.
 * Run: npm run bench -- region-move   (ROWS=200000 npm run bench -- region-move for a quick run)
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { prepareDatabases, resolveTargets } from '../src/db/bootstrap.js';
import { Databases } from '../src/db/databases.js';
import { copyOutSql, deleteTenantRows } from '../src/features/regions/move-copy.js';
import type { MoveEstimate } from '../src/features/regions/move-estimate.js';
import { openMoveSession } from '../src/features/regions/move-session.js';
import { RegionMoves } from '../src/features/regions/region-moves.js';
import { listTenantTables } from '../src/features/regions/tenant-tables.js';
import { TenantDirectory } from '../src/features/tenants/tenant-directory.js';
import { createTenant } from '../src/features/tenants/tenants.service.js';
import { loadAuditKeys } from '../src/platform/audit-keys.js';
import { loadConfig } from '../src/platform/config.js';
import type { AppDeps } from '../src/app/deps.js';
import { createMetrics } from '../src/platform/metrics.js';

const ROWS = Number(process.env.ROWS ?? 1_000_000);
const ENTRIES = Math.round(ROWS * 0.01);
const AUDIT = ROWS - 2 * ENTRIES;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rate = (rows: number, ms: number) => `${Math.round(rows / (ms / 1000)).toLocaleString('en-US')} rows/s`;

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'subreg-bench-move-'));
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
  const moves = new RegionMoves(deps, targets.regions, { purgeGraceMs: 0 });
  deps.moves = moves;
  const src = targets.regions.find((r) => r.id === 'eu-west')!;
  const dst = targets.regions.find((r) => r.id === 'us-central')!;
  const { tenant } = await createTenant(deps, {
    slug: 'bench-move',
    name: 'Bench move',
    regionId: 'eu-west',
    owner: { email: 'bench@example.test' },
  });

  // Load as the owner with generate_series: one list, ENTRIES entities and entries, audit events.
  const t0 = performance.now();
  const owner = await openMoveSession(src.url, tenant.id);
  await owner.query(
    `insert into lists (tenant_id, id, slug, title) values ($1, gen_random_uuid(), 'main', 'Main')`,
    [tenant.id],
  );
  await owner.query(
    `insert into entities (tenant_id, id, legal_name, normalized_name, kind, corporate_country)
     select $1, gen_random_uuid(), 'Entity ' || g || ' GmbH', 'entity ' || g || ' gmbh', 'third_party', 'DE' from generate_series(1, $2) g`,
    [tenant.id, ENTRIES],
  );
  await owner.query(
    `insert into entries (tenant_id, id, list_id, entity_id, group_name, purpose, country_codes, locations, position)
     select e.tenant_id, gen_random_uuid(), l.id, e.id, 'Group', 'Hosting of the platform', '{DE}',
            '[{"written":"Germany","countries":["DE"],"regions":[],"role":null}]'::jsonb, row_number() over ()
       from entities e cross join lists l where e.tenant_id = $1 and l.tenant_id = $1`,
    [tenant.id],
  );
  await owner.query(
    `insert into audit_events (tenant_id, seq, id, occurred_at, actor_type, actor_id, action, object_type, object_id, after, prev_hash, hash)
     select $1, g + 1, gen_random_uuid(), now() - (g || ' seconds')::interval, 'user', 'bench', 'entry.updated', 'entry',
            gen_random_uuid()::text, jsonb_build_object('purpose', 'Hosting of the platform', 'n', g),
            md5(g::text) || md5((g + 1)::text), md5((g + 1)::text) || md5(g::text)
       from generate_series(1, $2) g`,
    [tenant.id, AUDIT],
  );
  await owner.query('analyze');
  await owner.end();
  const tables = await (async () => {
    const c = await openMoveSession(src.url, tenant.id);
    try {
      return await listTenantTables(c);
    } finally {
      await c.end();
    }
  })();
  const counts = await (async () => {
    const c = await openMoveSession(src.url, tenant.id);
    const r = await c.query<{ n: string }>(
      tables
        .map((t) => `select count(*) as n from "${t.name}" where tenant_id = '${tenant.id}'`)
        .join(' union all '),
    );
    await c.end();
    return r.rows.reduce((a, x) => a + Number(x.n), 0);
  })();
  console.log(`loaded ${counts.toLocaleString('en-US')} rows of one tenant in ${s(performance.now() - t0)}`);

  // Baseline: raw COPY of the same tables between the same databases, then removed again.
  const a = await openMoveSession(src.url, tenant.id);
  const b = await openMoveSession(dst.url, tenant.id);
  const r0 = performance.now();
  for (const t of tables) {
    await pipeline(
      a.query(copyTo(copyOutSql(t, tenant.id))),
      b.query(copyFrom(`COPY "${t.name}" (${t.columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`)),
    );
  }
  const rawMs = performance.now() - r0;
  await deleteTenantRows(b, tables, tenant.id);
  await b.query('vacuum analyze');
  await a.end();
  await b.end();

  // The move: estimate first, then run (no purge grace: one process, caches forgotten at the switch).
  const e0 = performance.now();
  const plan = await moves.plan('bench-move', 'us-central', 'bench');
  const estimateMs = performance.now() - e0;
  const est = plan.estimate as MoveEstimate;
  const m0 = performance.now();
  const done = await moves.run(plan.id);
  const runMs = performance.now() - m0;
  if (done.state !== 'completed') throw new Error(`move ended ${done.state}: ${done.error}`);
  const steps = done.steps as Record<string, { ms: number }>;
  const frozenMs = done.unfrozenAt!.getTime() - done.frozenAt!.getTime();

  const copyRatio = rawMs / steps.copy!.ms;
  const frozenRatio = rawMs / frozenMs;
  const totalErr = (est.durationMs.total - runMs) / runMs;
  const frozenErr = (est.durationMs.frozen - frozenMs) / frozenMs;
  console.log(
    `\nrows moved             ${done.copiedRows.toLocaleString('en-US')} (${(done.copiedBytes / 1_048_576).toFixed(0)} MB of COPY text)`,
  );
  console.log(`raw COPY | COPY        ${s(rawMs)}  ${rate(counts, rawMs)}   (baseline)`);
  console.log(
    `move: copy step        ${s(steps.copy!.ms)}  ${rate(counts, steps.copy!.ms)}   ratio ${copyRatio.toFixed(2)} of raw`,
  );
  console.log(
    `move: writes frozen    ${s(frozenMs)}  ${rate(counts, frozenMs)}   ratio ${frozenRatio.toFixed(2)} of raw (freeze+copy+verify+switch+jobs+unfreeze)`,
  );
  console.log(
    `move: steps            ${Object.entries(steps)
      .map(([k, v]) => `${k} ${s(v.ms)}`)
      .join(', ')}`,
  );
  console.log(
    `estimate per step      ${Object.entries(est.durationMs)
      .map(([k, v]) => `${k} ${s(v)}`)
      .join(', ')}`,
  );
  console.log(`move: whole run        ${s(runMs)} (with the purge of the source)`);
  console.log(
    `estimate (took ${s(estimateMs)}): frozen ${s(est.durationMs.frozen)} (${(frozenErr * 100).toFixed(0)}% vs actual), total ${s(est.durationMs.total)} (${(totalErr * 100).toFixed(0)}% vs actual)`,
  );
  const verdict = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
  console.log(
    `\ntarget: move throughput >= 0.5 of raw, during the freeze: ${verdict(frozenRatio >= 0.5)} (${frozenRatio.toFixed(2)}); copy step alone: ${verdict(copyRatio >= 0.5)} (${copyRatio.toFixed(2)})`,
  );
  console.log(`target: write freeze reported: ${s(frozenMs)}`);
  console.log(
    `target: estimate within 25% of actual: total ${verdict(Math.abs(totalErr) <= 0.25)} (${(totalErr * 100).toFixed(0)}%), frozen ${verdict(Math.abs(frozenErr) <= 0.25)} (${(frozenErr * 100).toFixed(0)}%)`,
  );
  await dbs.close();
} finally {
  await embedded?.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}
