import pg from 'pg';
import PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Harness, bearer, createHarness, makeTenant } from '../support/harness.js';
import { makeMovableTenant, tenantRowsIn } from '../support/move-fixture.js';

/** Tables of a region database that hold no tenant rows, and why. */
const TENANT_FREE: Record<string, string> = {
  'drizzle.__drizzle_migrations': 'which migrations ran',
  'pgboss.version': 'pg-boss bookkeeping',
  'pgboss.queue': 'queue definitions (no data)',
  'pgboss.schedule': 'cron schedules of the platform (heartbeat)',
  'pgboss.subscription': 'pg-boss pub/sub wiring',
};

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

interface Found {
  region: string;
  table: string;
  tenantId: string;
  rows: number;
}

/** Walks every table of every schema of a region database (from its catalogue). */
async function tenantRowsByTable(
  regionId: string,
  url: string,
): Promise<{ found: Found[]; unexplained: string[] }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows: tables } = await c.query<{ s: string; t: string; has_tenant: boolean; has_data: boolean }>(
      `select n.nspname as s, c.relname as t,
              exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as has_tenant,
              exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'data' and not a.attisdropped) as has_data
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and not c.relispartition
          and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')`,
    );
    const found: Found[] = [];
    const unexplained: string[] = [];
    for (const { s, t, has_tenant, has_data } of tables) {
      const name = `${s}.${t}`;
      let sql: string | null = null;
      // Forced RLS hides rows from a role without the tenant set, but not from the owner (superuser here
      // in both CI passes) — and the walk must see every tenant's rows.
      if (has_tenant) sql = `select tenant_id::text as id, count(*)::int as n from "${s}"."${t}" group by 1`;
      else if (s === 'pgboss' && has_data)
        sql = `select data->>'tenantId' as id, count(*)::int as n from "${s}"."${t}" where data ? 'tenantId' group by 1`;
      else if (!TENANT_FREE[name]) unexplained.push(name);
      if (!sql) continue;
      const r = await c.query<{ id: string; n: number }>(sql);
      for (const row of r.rows) found.push({ region: regionId, table: name, tenantId: row.id, rows: row.n });
    }
    return { found, unexplained };
  } finally {
    await c.end();
  }
}

describe('residency: every row a tenant owns lives only in its region', () => {
  it("walks every table of every region database and finds no tenant's rows outside its region", async () => {
    const targets = inject('dbTargets');
    // Some data in both regions, so the walk has something to find.
    await makeTenant(h, 'eu-west');
    await makeMovableTenant(h, 'us-central');
    const started = new Date();
    const walks = await Promise.all(targets.regions.map((r) => tenantRowsByTable(r.id, r.url)));
    expect(walks.flatMap((w) => w.unexplained)).toEqual([]);
    const found = walks.flatMap((w) => w.found);
    expect(new Set(found.map((f) => f.table)).size).toBeGreaterThanOrEqual(5);

    // The directory and the moves, read after the walk: tenants moving meanwhile are exempt.
    const c = new pg.Client({ connectionString: targets.controlUrl });
    await c.connect();
    const dir = new Map(
      (
        await c.query<{ id: string; region_id: string; status: string }>(
          'select id, region_id, status from tenants',
        )
      ).rows.map((r) => [r.id, r]),
    );
    const moving = new Set(
      (
        await c.query<{ tenant_id: string }>(
          `select tenant_id from region_moves where state in ('planned', 'running', 'failed', 'rolling_back') or updated_at >= $1`,
          [started],
        )
      ).rows.map((r) => r.tenant_id),
    );
    await c.end();
    const misplaced = found.filter((f) => {
      if (moving.has(f.tenantId) || dir.get(f.tenantId)?.status === 'moving') return false;
      return dir.get(f.tenantId)?.region_id !== f.region;
    });
    expect(misplaced).toEqual([]);
  }, 60_000);

  it('the residency API says where the data is, from the directory and the catalogue', async () => {
    const t = await makeTenant(h, 'us-central');
    const r = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${t.tenant.slug}/residency`,
      headers: bearer(t.read),
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({
      tenant: t.tenant.slug,
      region: {
        id: 'us-central',
        label: 'Central US',
        provider: null,
        countries: [{ code: 'US', name: 'United States' }],
      },
      segregation:
        'its own rows in a shared PostgreSQL database of the region, isolated by row-level security',
      controlPlane: expect.stringMatching(/control database/),
      status: 'active',
      lastMove: null,
    });
    const page = await h.app.inject({ method: 'GET', url: `/t/${t.tenant.slug}` });
    expect(page.body).toContain(
      'subreg keeps this workspace&#39;s data in Central US (us-central), United States: its own rows in a shared PostgreSQL database of the region, isolated by row-level security.',
    );
  });

  it("a tenant's queued jobs move with it (same ids, still queued), and none stay behind", async () => {
    const targets = inject('dbTargets');
    const t = await makeTenant(h, 'eu-west');
    const other = await makeTenant(h, 'eu-west');
    const eu = targets.regions.find((r) => r.id === 'eu-west')!;
    const boss = new PgBoss({
      connectionString: eu.url,
      schema: 'pgboss',
      supervise: false,
      schedule: false,
      max: 2,
    });
    await boss.start();
    await boss.createQueue('test.residency');
    const mine = await boss.send('test.residency', { tenantId: t.tenant.id, what: 'notice' });
    const later = await boss.send(
      'test.residency',
      { tenantId: t.tenant.id, what: 'later' },
      { startAfter: 3600 },
    );
    const theirs = await boss.send('test.residency', { tenantId: other.tenant.id });
    await boss.stop({ graceful: false, wait: true });

    const plan = await h.deps.moves!.plan(t.tenant.slug, 'us-central', 'test');
    expect((plan.estimate as { jobs: number }).jobs).toBe(2);
    const done = await h.deps.moves!.run(plan.id);
    expect(done.state).toBe('completed');
    expect(await tenantRowsIn(eu.url, t.tenant.id)).toEqual({});

    const us = new pg.Client({ connectionString: targets.regions.find((r) => r.id === 'us-central')!.url });
    await us.connect();
    const moved = await us.query<{ id: string; state: string; data: { what: string } }>(
      `select id, state, data from pgboss.job where name = 'test.residency' and data->>'tenantId' = $1 order by data->>'what'`,
      [t.tenant.id],
    );
    await us.end();
    expect(moved.rows.map((r) => [r.id, r.state, r.data.what])).toEqual([
      [later, 'created', 'later'],
      [mine, 'created', 'notice'],
    ]);
    const src = new pg.Client({ connectionString: eu.url });
    await src.connect();
    const left = await src.query(`select id from pgboss.job where id = any($1::uuid[])`, [
      [mine, later, theirs],
    ]);
    await src.end();
    expect(left.rows.map((r) => r.id)).toEqual([theirs]);
  }, 60_000);
});
