import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import {
  type Harness,
  type TestTenant,
  bearer,
  createHarness,
  makeTenant,
  seedList,
} from './support/harness.js';

let h: Harness;
let a: TestTenant;
let b: TestTenant;
let bIds: { listId: string; entryId: string; entityId: string };

beforeAll(async () => {
  h = await createHarness();
  a = await makeTenant(h);
  b = await makeTenant(h);
  await seedList(h, a, 'Alpha Only Ltd');
  bIds = await seedList(h, b, 'Bravo Secret GmbH');
});
afterAll(() => h.close());

describe('row-level security in the database', () => {
  it('forces RLS on every table with a tenant_id column, in every region database', async () => {
    for (const region of inject('dbTargets').regions) {
      const c = new pg.Client({ connectionString: region.url });
      await c.connect();
      const { rows } = await c.query(`
        select c.relname, c.relrowsecurity, c.relforcerowsecurity,
               exists (select 1 from pg_policy p where p.polrelid = c.oid) as has_policy
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r'
          and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)`);
      await c.end();
      expect(rows.length).toBeGreaterThanOrEqual(5);
      for (const r of rows) {
        expect({
          table: r.relname,
          rls: r.relrowsecurity,
          forced: r.relforcerowsecurity,
          policy: r.has_policy,
        }).toEqual({
          table: r.relname,
          rls: true,
          forced: true,
          policy: true,
        });
      }
    }
  });

  it('the application role owns nothing, cannot bypass RLS and sees 0 rows without tenant context', async () => {
    const pool = h.deps.dbs.regionPoolForTests('eu-west');
    const who = await pool.query(
      `select current_user as u, r.rolsuper, r.rolbypassrls,
              (select count(*)::int from pg_class c where c.relowner = r.oid) as owned
       from pg_roles r where r.rolname = current_user`,
    );
    expect(who.rows[0]).toEqual({ u: 'subreg_app', rolsuper: false, rolbypassrls: false, owned: 0 });
    for (const table of ['lists', 'entities', 'entries', 'audit_events', 'tenant_profiles']) {
      const r = await pool.query(`select count(*)::int as n from ${table}`);
      expect(r.rows[0].n, table).toBe(0);
    }
  });

  it("rejects an insert carrying another tenant's id", async () => {
    await expect(
      h.deps.dbs.withTenant(a.tenant, (tx) =>
        tx.execute(
          `insert into lists (tenant_id, id, slug, title) values ('${b.tenant.id}', gen_random_uuid(), 'sneaky', 'x')`,
        ),
      ),
    ).rejects.toMatchObject({ cause: { code: '42501' } });
  });

  it("a tenant's transaction sees only its own rows", async () => {
    const names = await h.deps.dbs.withTenant(a.tenant, (tx) =>
      tx.execute('select legal_name from entities'),
    );
    expect(names.rows.map((r) => r.legal_name)).toEqual(['Alpha Only Ltd']);
  });

  it('audit events cannot be updated or deleted by the application', async () => {
    // The app role holds no UPDATE or DELETE grant on audit_events: insufficient_privilege.
    for (const statement of [`update audit_events set action = 'x'`, 'delete from audit_events']) {
      await expect(
        h.deps.dbs.withTenant(a.tenant, (tx) => tx.execute(statement)),
        statement,
      ).rejects.toMatchObject({ cause: { code: '42501' } });
    }
  });
});

describe('every tenant route answers 404 for another tenant', () => {
  it("tenant A's token gets 404 for tenant B's slug on every route", async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const paths = Object.entries(doc.paths as Record<string, Record<string, unknown>>).filter(([p]) =>
      p.includes('{tenant}'),
    );
    expect(paths.length).toBeGreaterThan(10);
    for (const [p, methods] of paths) {
      for (const method of Object.keys(methods)) {
        const url = `/api/v1${p.replace(/^\/api\/v1/, '')}`
          .replace('{tenant}', b.tenant.slug)
          .replace('{listId}', bIds.listId)
          .replace('{entryId}', bIds.entryId)
          .replace('{entityId}', bIds.entityId)
          .replace('{tokenId}', bIds.entityId)
          .replace('{userId}', b.ownerId)
          // Any other id (imports, versions, ...): a well-formed value that B could own.
          .replace(/\{[A-Za-z]+Id\}/g, bIds.entityId)
          // An outbox file name as the outbox writes them (anything else is a 400 first).
          .replace('{file}', '20261202T045012345Z-1a2b3c4d.eml')
          .replace(/\{[A-Za-z]+\}/g, '1');
        const res = await h.app.inject({
          method: method.toUpperCase() as 'GET',
          url,
          headers: bearer(a.write),
          payload: method === 'get' || method === 'delete' ? undefined : {},
        });
        // A body that fails validation may answer 400 first; nothing about B is ever revealed.
        expect([400, 404], `${method} ${url}: ${res.body}`).toContain(res.statusCode);
        if (method === 'get' || method === 'delete') expect(res.statusCode, `${method} ${url}`).toBe(404);
        expect(res.body).not.toContain('Bravo');
      }
    }
  });

  it("tenant A's own routes 404 for B's ids and never list or find B's rows", async () => {
    const s = a.tenant.slug;
    const get = (url: string) => h.app.inject({ method: 'GET', url, headers: bearer(a.write) });
    expect((await get(`/api/v1/tenants/${s}/lists/${bIds.listId}`)).statusCode).toBe(404);
    expect((await get(`/api/v1/tenants/${s}/lists/${bIds.listId}/entries`)).statusCode).toBe(404);
    expect((await get(`/api/v1/tenants/${s}/lists/${bIds.listId}/entries/${bIds.entryId}`)).statusCode).toBe(
      404,
    );
    expect((await get(`/api/v1/tenants/${s}/entities/${bIds.entityId}`)).statusCode).toBe(404);
    const patch = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/tenants/${s}/entities/${bIds.entityId}`,
      headers: bearer(a.write),
      payload: { legalName: 'Hijacked' },
    });
    expect(patch.statusCode).toBe(404);
    const del = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/tenants/${s}/entities/${bIds.entityId}`,
      headers: bearer(a.write),
    });
    expect(del.statusCode).toBe(404);
    const search = await get(`/api/v1/tenants/${s}/entities?q=Bravo`);
    expect(search.json().items).toEqual([]);
    const all = await get(`/api/v1/tenants/${s}/entities?limit=200`);
    expect(all.json().items.map((e: { legalName: string }) => e.legalName)).toEqual(['Alpha Only Ltd']);
    const bStill = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${b.tenant.slug}/entities/${bIds.entityId}`,
      headers: bearer(b.read),
    });
    expect(bStill.json().legalName).toBe('Bravo Secret GmbH');
  });

  it("an entry cannot point at another tenant's entity", async () => {
    const { listId } = await h.app
      .inject({ method: 'GET', url: `/api/v1/tenants/${a.tenant.slug}/lists`, headers: bearer(a.read) })
      .then((r) => ({ listId: r.json().items[0].id as string }));
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${a.tenant.slug}/lists/${listId}/entries`,
      headers: bearer(a.write),
      payload: { entityId: bIds.entityId },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('ENTITY_NOT_FOUND');
  });
});
