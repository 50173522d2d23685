import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { DatabaseTargets } from '../../src/db/bootstrap.js';
import { type Harness, type TestTenant, bearer, makeTenant, seedList } from './harness.js';
import { multipartFile } from './multipart.js';

const SEED_004 = path.resolve(import.meta.dirname, '../fixtures/seeds/004_28bb4da9730773a7.txt');

export interface MovableTenant extends TestTenant {
  listId: string;
  importId: string;
  cookie: string;
  csrf: string;
}

/**
 * A tenant with something in every kind of table: lists, entities, entries, two published
 * versions, an applied import with its stored file, API tokens, a signed-in session, audit events.
 */
export async function makeMovableTenant(h: Harness, regionId = 'eu-west'): Promise<MovableTenant> {
  const t = await makeTenant(h, regionId);
  const { listId } = await seedList(h, t, 'Acme Hosting GmbH');
  const base = `/api/v1/tenants/${t.tenant.slug}/lists/${listId}`;
  const ok = <R extends { statusCode: number; body: string }>(r: R, code: number, what: string): R => {
    if (r.statusCode !== code) throw new Error(`${what}: ${r.statusCode} ${r.body}`);
    return r;
  };
  ok(
    await h.app.inject({
      method: 'POST',
      url: `${base}/versions`,
      headers: bearer(t.write),
      payload: { summary: 'First' },
    }),
    201,
    'publish v1',
  );
  const body = multipartFile('seed-004.txt', fs.readFileSync(SEED_004));
  const imp = ok(
    await h.app.inject({
      method: 'POST',
      url: `${base}/imports`,
      headers: { ...bearer(t.write), ...body.headers },
      payload: body.payload,
    }),
    201,
    'import',
  );
  const importId = imp.json().id as string;
  ok(
    await h.app.inject({
      method: 'POST',
      url: `${base}/imports/${importId}/apply`,
      headers: bearer(t.write),
      payload: {},
    }),
    200,
    'apply',
  );
  ok(
    await h.app.inject({
      method: 'POST',
      url: `${base}/versions`,
      headers: bearer(t.write),
      payload: { summary: 'Imported' },
    }),
    201,
    'publish v2',
  );
  const login = ok(
    await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: t.ownerEmail, password: t.password },
    }),
    200,
    'sign in',
  );
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  return { ...t, listId, importId, cookie, csrf: login.json().csrfToken };
}

/** Every read a person or a client makes of the tenant, as text, with the region named neutrally. */
export async function readEverything(h: Harness, t: MovableTenant): Promise<Record<string, string>> {
  const api = `/api/v1/tenants/${t.tenant.slug}`;
  const list = `${api}/lists/${t.listId}`;
  const pub = `/t/${t.tenant.slug}`;
  const urls: [string, Record<string, string>][] = [
    [api, bearer(t.read)],
    [`${api}/lists`, bearer(t.read)],
    [list, bearer(t.read)],
    [`${list}/entries?limit=200`, bearer(t.read)],
    [`${api}/entities?limit=200`, bearer(t.read)],
    [`${list}/versions`, bearer(t.read)],
    [`${list}/versions/1`, bearer(t.read)],
    [`${list}/versions/2`, bearer(t.read)],
    [`${list}/versions/1/diff/2`, bearer(t.read)],
    [`${list}/imports/${t.importId}`, bearer(t.read)],
    [`${list}/imports/${t.importId}/source`, bearer(t.read)],
    [`${api}/profile`, bearer(t.read)],
    [`${api}/tokens`, { cookie: t.cookie }],
    [`${api}/members`, { cookie: t.cookie }],
    [pub, {}],
    [`${pub}/main`, {}],
    [`${pub}/main.json`, {}],
    [`${pub}/main.csv`, {}],
    [`${pub}/main/versions/1`, {}],
    [`${pub}/main/versions/1.json`, {}],
    [`${pub}/main/feed.atom`, {}],
    [`${pub}/main/feed.json`, {}],
  ];
  const out: Record<string, string> = {};
  for (const [url, headers] of urls) {
    const r = await h.app.inject({ method: 'GET', url, headers });
    out[url] = `${r.statusCode} ${neutralRegion(r.body)}`;
  }
  return out;
}

/** The only thing a move changes in what is read: which region is named. */
export function neutralRegion(text: string): string {
  return (
    text
      .replace(/\b(eu-west|us-central|[a-z]+-second)\b/g, '<region>')
      .replace(/West Europe|Central US|Second server/g, '<region name>')
      .replace(/Netherlands|United States|Luxembourg/g, '<country>')
      .replace(/, hosted by Test hosting/g, '')
      .replace(/"etag":"[^"]*"/g, '')
      // Using a token updates when it was last used (at most once a minute): not the move's doing.
      .replace(/"lastUsedAt":"[^"]*"/g, '"lastUsedAt":"<time>"')
  );
}

/** The tenant's audit events as stored, column by column (to prove they were copied byte for byte). */
export async function auditRows(url: string, tenantId: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`select set_config('app.tenant_id', $1, false), set_config('TimeZone', 'UTC', false)`, [
      tenantId,
    ]);
    const r = await c.query<{ t: string }>(
      'select x::text as t from audit_events x where tenant_id = $1 order by seq',
      [tenantId],
    );
    return r.rows.map((x) => x.t);
  } finally {
    await c.end();
  }
}

/**
 * Rows carrying the tenant's id in every table of every schema of a region database (walks the
 * catalogue: tables added later are covered), plus its pg-boss jobs. Owner connection; RLS is
 * satisfied by setting the tenant.
 */
export async function tenantRowsIn(url: string, tenantId: string): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`select set_config('app.tenant_id', $1, false)`, [tenantId]);
    const { rows: tables } = await c.query<{ s: string; t: string }>(
      `select n.nspname as s, c.relname as t from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
          and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)`,
    );
    const out: Record<string, number> = {};
    for (const { s, t } of tables) {
      const r = await c.query<{ n: number }>(
        `select count(*)::int as n from "${s}"."${t}" where tenant_id = $1`,
        [tenantId],
      );
      if (r.rows[0]!.n > 0) out[`${s}.${t}`] = r.rows[0]!.n;
    }
    const boss = await c.query<{ r: string | null }>(`select to_regclass('pgboss.job')::text as r`);
    if (boss.rows[0]!.r) {
      const j = await c.query<{ n: number }>(
        `select (select count(*) from pgboss.job where data->>'tenantId' = $1) + (select count(*) from pgboss.archive where data->>'tenantId' = $1) as n`,
        [tenantId],
      );
      if (Number(j.rows[0]!.n) > 0) out['pgboss.job'] = Number(j.rows[0]!.n);
    }
    return out;
  } finally {
    await c.end();
  }
}

export const regionUrl = (
  targets: DatabaseTargets | { regions: { id: string; url: string }[] },
  id: string,
) => targets.regions.find((r) => r.id === id)!.url;
