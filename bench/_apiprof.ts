/**
 * Benchmark: the entries list API (1,000 tenants x 50 entries in one region, and one more tenant
 * with a 4,000-entry list) against the same query run directly in SQL, in the same run: the
 * first page (limit=50) of each size, the baseline running the very statement the API sends. Prints p50/p99 and their ratios; the ratio should not grow
 * with the list (target: at most 1.5x at both sizes).
 * Run: node --import tsx bench/entries-api.ts (npm run bench runs every benchmark)
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { prepareDatabases, resolveTargets } from '../src/db/bootstrap.js';
import { Databases } from '../src/db/databases.js';
import { entriesPageQuery } from '../src/features/entries/entries-page.repo.js';
import { entriesQuery } from '../src/features/entries/entries.schemas.js';
import { TenantDirectory } from '../src/features/tenants/tenant-directory.js';
import { issueToken } from '../src/features/tokens/tokens.service.js';
import { buildApp } from '../src/http/app.js';
import { loadAuditKeys } from '../src/platform/audit-keys.js';
import { loadConfig } from '../src/platform/config.js';
import { createMetrics } from '../src/platform/metrics.js';

const TENANTS = 20;
const ENTRIES = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1000);
const BIG = 100;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function time(n: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out;
}

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'subreg-bench-'));
const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
const { targets, embedded } = await resolveTargets(config, () => {});
try {
  await prepareDatabases(targets);
  const region = targets.regions.find((r) => r.id === 'eu-west')!;
  // Bulk load as the owner: tenants in the directory, then lists, entities and entries.
  const control = new pg.Client({ connectionString: targets.controlUrl });
  const owner = new pg.Client({ connectionString: region.url });
  await control.connect();
  await owner.connect();
  await control.query(
    `insert into tenants (id, slug, name, region_id)
     select gen_random_uuid(), 'bench-' || g, 'Bench ' || g, 'eu-west' from generate_series(1, $1) g`,
    [TENANTS],
  );
  const { rows: tenants } = await control.query(
    `select id, slug from tenants where slug like 'bench-%' order by slug`,
  );
  await owner.query(
    'alter table lists no force row level security; alter table entities no force row level security; alter table entries no force row level security',
  );
  await owner.query(
    `insert into lists (tenant_id, id, slug, title) select t::uuid, gen_random_uuid(), 'main', 'Main' from unnest($1::text[]) t`,
    [tenants.map((t) => t.id)],
  );
  await owner.query(
    `insert into entities (tenant_id, id, legal_name, normalized_name, kind)
     select l.tenant_id, gen_random_uuid(), 'Vendor ' || g || ' Ltd', 'vendor ' || g || ' ltd', 'third_party'
     from lists l, generate_series(1, $1) g`,
    [ENTRIES],
  );
  await owner.query(
    `insert into entries (tenant_id, id, list_id, entity_id, group_name, purpose, locations, country_codes, position)
     select e.tenant_id, gen_random_uuid(), l.id, e.id, 'Hosting', 'Hosting of the platform',
            '[{"written":"Germany","countries":["DE"],"regions":[],"role":null}]'::jsonb, array['DE'],
            row_number() over (partition by e.tenant_id order by e.legal_name)
     from entities e join lists l on l.tenant_id = e.tenant_id`,
  );
  // One more tenant whose list has 4,000 entries.
  const { rows: big } = await control.query(
    `insert into tenants (id, slug, name, region_id) values (gen_random_uuid(), 'bench-big', 'Bench big', 'eu-west') returning id, slug`,
  );
  await owner.query(
    `insert into lists (tenant_id, id, slug, title) values ($1::uuid, gen_random_uuid(), 'main', 'Main')`,
    [big[0].id],
  );
  await owner.query(
    `insert into entities (tenant_id, id, legal_name, normalized_name, kind)
     select $1::uuid, gen_random_uuid(), 'Vendor ' || g || ' Ltd', 'vendor ' || g || ' ltd', 'third_party'
     from generate_series(1, $2) g`,
    [big[0].id, BIG],
  );
  await owner.query(
    `insert into entries (tenant_id, id, list_id, entity_id, group_name, purpose, locations, country_codes, position)
     select e.tenant_id, gen_random_uuid(), l.id, e.id, 'Hosting', 'Hosting of the platform',
            '[{"written":"Germany","countries":["DE"],"regions":[],"role":null}]'::jsonb, array['DE'],
            row_number() over (order by e.legal_name)
     from entities e join lists l on l.tenant_id = e.tenant_id where e.tenant_id = $1::uuid`,
    [big[0].id],
  );
  await owner.query(
    'alter table lists force row level security; alter table entities force row level security; alter table entries force row level security; analyze',
  );
  await control.end();
  await owner.end();

  const dbs = new Databases(targets.controlUrl, targets.regions, 10, { auditKeys: loadAuditKeys(config) });
  const deps = { config, dbs, directory: new TenantDirectory(dbs.control), metrics: createMetrics() };
  const app = await buildApp(deps, { logger: false });
  const pool = dbs.regionPoolForTests('eu-west');
  const row = (name: string, xs: number[]) =>
    `${name.padEnd(34)} p50 ${pct(xs, 50).toFixed(3)} ms   p99 ${pct(xs, 99).toFixed(3)} ms`;
  console.log(
    `entries list, ${TENANTS} tenants x ${ENTRIES} entries + 1 tenant x ${BIG} in eu-west, first page (limit=50), ${ROUNDS} sequential requests each, ${process.version}`,
  );

  const measure = async (target: { id: string; slug: string }, size: number) => {
    const tok = await issueToken(
      deps,
      { tenantId: target.id, regionId: 'eu-west', name: 'bench', scope: 'read', createdBy: null },
      { actorType: 'system', actorId: 'bench', requestId: null },
    );
    const [list] = await dbs
      .withTenant({ id: target.id, regionId: 'eu-west' }, (tx) => tx.execute('select id from lists'))
      .then((r) => r.rows as { id: string }[]);
    const url = `/api/v1/tenants/${target.slug}/lists/${list!.id}/entries?limit=50`;
    const headers = { authorization: `Bearer ${tok.token}` };
    const check = await app.inject({ method: 'GET', url, headers });
    if (check.statusCode !== 200 || check.json().items.length !== 50)
      throw new Error(`bad answer: ${check.body.slice(0, 200)}`);
    // The baseline is the very statement the API sends for this page (same text, same values).
    const { text: sqlText, values } = entriesPageQuery(list!.id, entriesQuery.parse({ limit: '50' }), null);
    const plan = await pool.connect();
    try {
      await plan.query(`BEGIN; SELECT set_config('app.tenant_id', '${target.id}', true)`);
      const explained = await plan.query(`explain ${sqlText}`, values);
      await plan.query('COMMIT');
      console.log(`plan (${size} entries): ${explained.rows.map((r) => r['QUERY PLAN'].trim()).join(' | ')}`);
    } finally {
      plan.release();
    }
    const direct = async () => {
      const c = await pool.connect();
      try {
        await c.query(`BEGIN; SELECT set_config('app.tenant_id', '${target.id}', true)`);
        await c.query(sqlText, values);
        await c.query('COMMIT');
      } finally {
        c.release();
      }
    };
    const api = async () => {
      await app.inject({ method: 'GET', url, headers });
    };
    await time(300, api);
    const { Session } = await import('node:inspector/promises');
    const session = new Session(); session.connect();
    await session.post('Profiler.enable'); await session.post('Profiler.setSamplingInterval', { interval: 100 }); await session.post('Profiler.start');
    const t = await time(5000, api);
    const { profile } = await session.post('Profiler.stop');
    (await import('node:fs')).writeFileSync('/tmp/api.cpuprofile', JSON.stringify(profile));
    console.log('api p50', pct(t, 50));
  };
  await measure(tenants[Math.floor(tenants.length / 2)]!, ENTRIES);
  await app.close();
  await dbs.close();
} finally {
  await embedded?.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}
