/**
 * Benchmark: public list pages over real HTTP, compressed (Accept-Encoding: br), of a 50-entry
 * and of a 4,000-entry list (its first page: 200 entries; and its JSON export), against a bare
 * Node `http` server in a SEPARATE process sending the same bytes with the same headers. Load
 * comes from autocannon in a third process (keep-alive, 200 connections, 5 s per measurement;
 * bare and page alternate for 3 rounds and their medians are compared). Target: at least 0.8
 * of the bare server's requests per second, with 0 errors. BENCH_MANY_TENANTS=1 measures again
 * with 10,000 tenants in the region (the cost must not grow with them either).
 * Run: npm run bench -- trust-page   (BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS to change)
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
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
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);
const BIG = 4000;

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/**
 * A load run, with the server's CPU time per request: requests per second swing with whatever
 * else the machine runs, CPU per request much less, so both are printed.
 */
async function load(
  url: string,
  serverPid: number,
): Promise<{ rps: number; p50: number; p99: number; errors: number; cpuUs: number }> {
  const cpu0 = await cpuSeconds(serverPid);
  const { stdout } = await run(
    process.execPath,
    [AUTOCANNON, '-c', String(CONNECTIONS), '-d', String(SECONDS), '-H', 'accept-encoding=br', '-j', url],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const r = JSON.parse(stdout);
  const cpu = (await cpuSeconds(serverPid)) - cpu0;
  return {
    cpuUs: (cpu * 1e6) / Math.max(1, r.requests.total),
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
  };
}

/** The bytes as sent (fetch would decompress them). */
function rawGet(url: string, encoding: string): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': encoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
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

  // The 4,000-entry list: rows in bulk as the owner, then published through the service.
  const big = await createList(deps, ctx, { slug: 'big', title: 'Every sub-processor' } as never);
  const region = targets.regions.find((r) => r.id === 'eu-west')!;
  {
    const owner = new pg.Client({ connectionString: region.url });
    await owner.connect();
    await owner.query(
      'alter table entities no force row level security; alter table entries no force row level security',
    );
    await owner.query(
      `insert into entities (tenant_id, id, legal_name, normalized_name, kind, trading_names)
       select $1::uuid, gen_random_uuid(), 'Vendor ' || g || ' Limited', 'vendor ' || g || ' limited', 'third_party', array['Vendor ' || g]
       from generate_series(1, $2) g`,
      [tenant.id, BIG],
    );
    await owner.query(
      `insert into entries (tenant_id, id, list_id, entity_id, group_name, purpose, data_categories, locations, country_codes, position)
       select e.tenant_id, gen_random_uuid(), $2::uuid, e.id, 'Group ' || (row_number() over (order by e.legal_name) % 20),
              'Hosting, support and maintenance of the platform', 'Names, email addresses, usage data',
              '[{"written":"Germany","countries":["DE"],"regions":[],"role":null},{"written":"EU","countries":[],"regions":["EU"],"role":null}]'::jsonb,
              array['DE'], row_number() over (order by e.legal_name)
       from entities e where e.tenant_id = $1::uuid and e.normalized_name like 'vendor % limited' and e.legal_name ~ '^Vendor [0-9]+ Limited$'
         and not exists (select 1 from entries x where x.tenant_id = e.tenant_id and x.entity_id = e.id)`,
      [tenant.id, big.id],
    );
    await owner.query(
      'alter table entities force row level security; alter table entries force row level security; analyze',
    );
    await owner.end();
  }
  await publishList(deps, ctx, big.id, { summary: 'Bench' });

  const app = await buildApp(deps, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const pages = [
    ['HTML, 50 entries', '/t/bench-main/platform'],
    [`HTML, ${BIG} entries (page 1)`, '/t/bench-main/big'],
    [`JSON, ${BIG} entries`, '/t/bench-main/big.json'],
  ] as const;

  // The same bytes and headers, compressed, from a bare Node server in its own process.
  const manifest: Record<string, { file: string; headers: Record<string, string> }> = {};
  const sizes: string[] = [];
  for (const [name, url] of pages) {
    const res = await rawGet(`${origin}${url}`, 'br');
    const plain = await rawGet(`${origin}${url}`, 'identity');
    const body = res.body;
    if (res.headers['content-encoding'] !== 'br') throw new Error(`${url} is not sent compressed`);
    const file = path.join(dataDir, `bare${Object.keys(manifest).length}.br`);
    await fs.writeFile(file, body);
    const headers: Record<string, string> = {};
    const skip = ['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'x-request-id'];
    for (const [k, v] of Object.entries(res.headers))
      if (typeof v === 'string' && !skip.includes(k)) headers[k] = v;
    manifest[url] = { file, headers };
    sizes.push(`${name}: ${plain.body.length} B, ${body.length} B br`);
  }
  const manifestFile = path.join(dataDir, 'bare.json');
  await fs.writeFile(manifestFile, JSON.stringify(manifest));
  const bare = spawn(
    process.execPath,
    ['--import', 'tsx', path.resolve(import.meta.dirname, '_bare-server.ts'), manifestFile],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const barePort = await new Promise<number>((resolve, reject) => {
    bare.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
    bare.once('exit', (code) => reject(new Error(`bare server exited (${code})`)));
  });
  const bareOrigin = `http://127.0.0.1:${barePort}`;
  for (const [, url] of pages) {
    const a = (await rawGet(`${bareOrigin}${url}`, 'br')).body;
    const b = (await rawGet(`${origin}${url}`, 'br')).body;
    if (!a.equals(b)) throw new Error(`the bare server does not send what ${url} sends`);
  }

  // Static and page alternate for ROUNDS rounds and the medians are compared: the machine is
  // shared (tests, other benchmarks), and one 5-second sample of each swings by 30 % or more.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const measure = async (label: string) => {
    const rows: string[] = [];
    for (const [name, page] of pages) {
      await load(`${origin}${page}`, process.pid); // warm-up
      await load(`${bareOrigin}${page}`, bare.pid!);
      const s: Awaited<ReturnType<typeof load>>[] = [];
      const p: Awaited<ReturnType<typeof load>>[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        s.push(await load(`${bareOrigin}${page}`, bare.pid!));
        p.push(await load(`${origin}${page}`, process.pid));
      }
      const [sRps, pRps] = [median(s.map((x) => x.rps)), median(p.map((x) => x.rps))];
      const [sP99, pP99] = [median(s.map((x) => x.p99)), median(p.map((x) => x.p99))];
      const [sP50, pP50] = [median(s.map((x) => x.p50)), median(p.map((x) => x.p50))];
      const [sCpu, pCpu] = [median(s.map((x) => x.cpuUs)), median(p.map((x) => x.cpuUs))];
      const errors = [...s, ...p].reduce((n, x) => n + x.errors, 0);
      rows.push(
        `${label.padEnd(15)} ${name.padEnd(28)} bare ${sRps.toFixed(0).padStart(6)} rps p50 ${sP50} p99 ${sP99} ms | subreg ${pRps.toFixed(0).padStart(6)} rps p50 ${pP50} p99 ${pP99} ms | ratio ${(pRps / sRps).toFixed(2)} | CPU/request bare ${sCpu.toFixed(0)} us, subreg ${pCpu.toFixed(0)} us (${(sCpu / pCpu).toFixed(2)}) | errors ${errors}`,
      );
    }
    return rows;
  };

  console.log(
    `trust page vs a bare node http server (separate process), Accept-Encoding: br, autocannon -c ${CONNECTIONS} -d ${SECONDS}, median of ${ROUNDS} alternating rounds, ${process.version}, load ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  for (const line of sizes) console.log(`  ${line}`);
  for (const r of await measure('1 tenant')) console.log(r);
  if (process.env.BENCH_MANY_TENANTS !== '1') {
    bare.kill();
    await app.close();
    await dbs.close();
  } else {
    // 9,999 more tenants in the region, each with a published list (bulk SQL as the owner).
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
    bare.kill();
    await app.close();
    await dbs.close();
  }
} finally {
  await embedded?.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}
