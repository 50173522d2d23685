/**
 * Benchmark: the public list page (HTML and JSON) of a 50-entry list over real HTTP, against
 * the same server answering a precomputed buffer of the same size, in the same run; with 1
 * tenant in the region and again with 10,000. Load comes from autocannon in another process
 * (keep-alive, 20 connections, 5 s per measurement; static and page alternate for 3 rounds and
 * their medians are compared). Target: at least 0.8 of the static figure,
 * flat between 1 and 10,000 tenants.
 * Run: npm run bench -- trust-page
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { prepareDatabases, resolveTargets } from '../src/db/bootstrap.js';
import { Databases } from '../src/db/databases.js';
import { createEntry } from '../src/features/entries/entries.service.js';
import { createList } from '../src/features/lists/lists.service.js';
import { PublicCache } from '../src/features/publishing/public-cache.js';
import { publishList } from '../src/features/publishing/versions.service.js';
import { TenantDirectory } from '../src/features/tenants/tenant-directory.js';
import { createTenant } from '../src/features/tenants/tenants.service.js';
import { buildApp } from '../src/http/app.js';
import { loadAuditKeys } from '../src/platform/audit-keys.js';
import { loadConfig } from '../src/platform/config.js';
import type { TenantContext } from '../src/platform/context.js';
import { createMetrics } from '../src/platform/metrics.js';

const run = promisify(execFile);
const AUTOCANNON = path.resolve(import.meta.dirname, '../node_modules/autocannon/autocannon.js');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function load(url: string): Promise<{ rps: number; p99: number; errors: number }> {
  const { stdout } = await run(process.execPath, [AUTOCANNON, '-c', '20', '-d', String(SECONDS), '-j', url], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const r = JSON.parse(stdout);
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'subreg-bench-trust-'));
const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
const { targets, embedded } = await resolveTargets(config, () => {});
try {
  await prepareDatabases(targets);
  const dbs = new Databases(targets.controlUrl, targets.regions, 10, { auditKeys: loadAuditKeys(config) });
  const deps = {
    config,
    dbs,
    directory: new TenantDirectory(dbs.control),
    metrics: createMetrics(),
    publicCache: new PublicCache(),
  };
  const { tenant, ownerId } = await createTenant(deps, {
    slug: 'bench-main',
    name: 'Bench Main',
    regionId: 'eu-west',
    owner: { email: 'bench@example.test', password: 'bench-password-123' },
  });
  const ctx: TenantContext = {
    tenant,
    actor: { type: 'user', id: ownerId, userId: ownerId },
    role: 'owner',
    requestId: null,
  };
  const list = await createList(deps, ctx, {
    slug: 'platform',
    title: 'Platform sub-processors',
    classification: 'Public',
  } as never);
  for (let i = 0; i < 50; i++) {
    await createEntry(deps, ctx, list.id, {
      entity: { legalName: `Vendor ${i} Limited`, kind: 'third_party', tradingNames: [`Vendor ${i}`] },
      group: `Group ${i % 4}`,
      purpose: 'Hosting, support and maintenance of the platform',
      dataCategories: 'Names, email addresses, usage data',
      locations: ['Germany', 'EU'],
    } as never);
  }
  await publishList(deps, ctx, list.id, { summary: 'Bench' });

  const probe = await buildApp(deps, { logger: false });
  const html = (await probe.inject({ method: 'GET', url: '/t/bench-main/platform' })).rawPayload;
  const json = (await probe.inject({ method: 'GET', url: '/t/bench-main/platform.json' })).rawPayload;
  await probe.close();
  const app = await buildApp(deps, { logger: false });
  // The baseline: the same server, the same bytes and the same caching headers a static file
  // server would send (ETag, Cache-Control), and no work at all.
  const staticRoute =
    (body: Buffer, type: string) => async (_req: unknown, reply: import('fastify').FastifyReply) =>
      reply
        .header('etag', '"static"')
        .header('cache-control', 'public, max-age=0, must-revalidate')
        .header('x-content-type-options', 'nosniff')
        .type(type)
        .send(body);
  app.get('/static.html', staticRoute(html, 'text/html; charset=utf-8'));
  app.get('/static.json', staticRoute(json, 'application/json; charset=utf-8'));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  // Static and page alternate for ROUNDS rounds and the medians are compared: the machine is
  // shared (tests, other benchmarks), and one 5-second sample of each swings by 30 % or more.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const measure = async (label: string) => {
    const rows: string[] = [];
    for (const [name, page, baseline] of [
      ['HTML', '/t/bench-main/platform', '/static.html'],
      ['JSON', '/t/bench-main/platform.json', '/static.json'],
    ] as const) {
      await load(`${origin}${page}`); // warm-up
      const s: Awaited<ReturnType<typeof load>>[] = [];
      const p: Awaited<ReturnType<typeof load>>[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        s.push(await load(`${origin}${baseline}`));
        p.push(await load(`${origin}${page}`));
      }
      const [sRps, pRps] = [median(s.map((x) => x.rps)), median(p.map((x) => x.rps))];
      const [sP99, pP99] = [median(s.map((x) => x.p99)), median(p.map((x) => x.p99))];
      const errors = [...s, ...p].reduce((n, x) => n + x.errors, 0);
      rows.push(
        `${label.padEnd(16)} ${name.padEnd(5)} static ${sRps.toFixed(0).padStart(6)} rps p99 ${String(sP99).padStart(3)} ms | page ${pRps.toFixed(0).padStart(6)} rps p99 ${String(pP99).padStart(3)} ms | ratio ${(pRps / sRps).toFixed(2)} | errors ${errors}`,
      );
    }
    return rows;
  };

  console.log(
    `trust page, 50 entries, ${html.length} B HTML / ${json.length} B JSON, autocannon -c 20 -d ${SECONDS}, median of ${ROUNDS} alternating rounds, ${process.version}`,
  );
  for (const r of await measure('1 tenant')) console.log(r);

  // 9,999 more tenants in the region, each with a published list (bulk SQL as the owner).
  const region = targets.regions.find((r) => r.id === 'eu-west')!;
  const control = new pg.Client({ connectionString: targets.controlUrl });
  const owner = new pg.Client({ connectionString: region.url });
  await control.connect();
  await owner.connect();
  await control.query(
    `insert into tenants (id, slug, name, region_id) select gen_random_uuid(), 'bench-' || g, 'Bench ' || g, 'eu-west' from generate_series(1, 9999) g`,
  );
  const { rows: others } = await control.query(`select id from tenants where slug ~ '^bench-[0-9]+$'`);
  await owner.query(
    'alter table lists no force row level security; alter table list_versions no force row level security; alter table tenant_profiles no force row level security',
  );
  await owner.query(
    `insert into tenant_profiles (tenant_id, display_name) select t::uuid, 'Bench' from unnest($1::text[]) t`,
    [others.map((t) => t.id)],
  );
  await owner.query(
    `insert into lists (tenant_id, id, slug, title) select t::uuid, gen_random_uuid(), 'platform', 'Platform' from unnest($1::text[]) t`,
    [others.map((t) => t.id)],
  );
  await owner.query(
    `insert into list_versions (tenant_id, list_id, number, published_at, effective_at, author_type, snapshot, changes, content_hash)
     select l.tenant_id, l.id, 1, now(), now(), 'system', v.snapshot, v.changes, v.content_hash
     from lists l, (select snapshot, changes, content_hash from list_versions where list_id = $1) v
     where l.tenant_id <> $2::uuid`,
    [list.id, tenant.id],
  );
  await owner.query(
    'alter table lists force row level security; alter table list_versions force row level security; alter table tenant_profiles force row level security; analyze',
  );
  await control.query('analyze');
  await control.end();
  await owner.end();
  for (const r of await measure('10,000 tenants')) console.log(r);
  await app.close();
  await dbs.close();
} finally {
  await embedded?.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}
