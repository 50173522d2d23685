import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyAuditChain } from '../src/features/audit/audit.service.js';
import { type Harness, bearer, createHarness, makeTenant } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('the registry core over the API', () => {
  it('keeps lists with document metadata, entities and entries; filters, searches and pages', async () => {
    const t = await makeTenant(h);
    const base = `/api/v1/tenants/${t.tenant.slug}`;
    const w = bearer(t.write);
    const list = await h.app.inject({
      method: 'POST',
      url: `${base}/lists`,
      headers: w,
      payload: {
        slug: 'connect',
        title: "IPI'S SUB-PROCESSORS",
        classification: 'Confidential',
        author: 'Amy',
        definitions: [
          { term: 'Business contact information', definition: 'Personal data relating to representatives' },
        ],
        notes: ['Not exhaustive.'],
        noticePeriodDays: 14,
      },
    });
    expect(list.statusCode, list.body).toBe(201);
    const listId = list.json().id;
    const add = (legalName: string, kind: string, group: string, locations: string[]) =>
      h.app.inject({
        method: 'POST',
        url: `${base}/lists/${listId}/entries`,
        headers: w,
        payload: {
          entity: { legalName, kind, tradingNames: [`${legalName} Brand`] },
          group,
          locations,
          purpose: `${legalName} purpose`,
        },
      });
    for (let i = 0; i < 7; i++)
      expect(
        (await add(`Vendor ${i}`, i % 2 ? 'third_party' : 'affiliate', i < 3 ? 'A' : 'B', ['UK'])).statusCode,
      ).toBe(201);
    const page1 = await h.app.inject({
      method: 'GET',
      url: `${base}/lists/${listId}/entries?limit=3&total=true`,
      headers: w,
    });
    expect(page1.json()).toMatchObject({ total: 7, limit: 3, offset: 0, nextOffset: 3 });
    expect(page1.json().items.map((e: { entity: { legalName: string } }) => e.entity.legalName)).toEqual([
      'Vendor 0',
      'Vendor 1',
      'Vendor 2',
    ]);
    const last = await h.app.inject({
      method: 'GET',
      url: `${base}/lists/${listId}/entries?limit=3&offset=6&total=true`,
      headers: w,
    });
    expect(last.json()).toMatchObject({ total: 7, nextOffset: null });
    const byGroup = await h.app.inject({
      method: 'GET',
      url: `${base}/lists/${listId}/entries?group=A&type=third_party`,
      headers: w,
    });
    expect(byGroup.json().items.map((e: { entity: { legalName: string } }) => e.entity.legalName)).toEqual([
      'Vendor 1',
    ]);
    const search = await h.app.inject({
      method: 'GET',
      url: `${base}/lists/${listId}/entries?q=vendor%205%20brand`,
      headers: w,
    });
    expect(search.json().items.map((e: { entity: { legalName: string } }) => e.entity.legalName)).toEqual([
      'Vendor 5',
    ]);
    const likeChars = await h.app.inject({ method: 'GET', url: `${base}/entities?q=%25`, headers: w });
    expect(likeChars.json().items).toEqual([]);
    const sorted = await h.app.inject({
      method: 'GET',
      url: `${base}/entities?sort=-legalName&limit=2`,
      headers: w,
    });
    expect(sorted.json().items.map((e: { legalName: string }) => e.legalName)).toEqual([
      'Vendor 6',
      'Vendor 5',
    ]);
    const got = await h.app.inject({ method: 'GET', url: `${base}/lists/${listId}`, headers: w });
    expect(got.json()).toMatchObject({
      classification: 'Confidential',
      noticePeriodDays: 14,
      entryCount: 7,
      notes: ['Not exhaustive.'],
    });
    const entry = page1.json().items[0];
    expect(entry.locations[0].written).toBe('UK');
    const changed = await h.app.inject({
      method: 'PATCH',
      url: `${base}/lists/${listId}/entries/${entry.id}`,
      headers: w,
      payload: { locations: ['Data resides in UK, but support worldwide'], optional: true },
    });
    expect(changed.json().locations.map((l: { written: string }) => l.written)).toEqual([
      'Data resides in UK, but support worldwide',
    ]);
    const inUse = await h.app.inject({
      method: 'DELETE',
      url: `${base}/entities/${entry.entity.id}`,
      headers: w,
    });
    expect(inUse.json().code).toBe('ENTITY_IN_USE');
    expect(
      (
        await h.app.inject({
          method: 'DELETE',
          url: `${base}/lists/${listId}/entries/${entry.id}`,
          headers: w,
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (await h.app.inject({ method: 'DELETE', url: `${base}/entities/${entry.entity.id}`, headers: w }))
        .statusCode,
    ).toBe(204);
  });
});

describe('the audit log', () => {
  it('records every change with its actor, chains the events and detects tampering', async () => {
    const t = await makeTenant(h);
    const base = `/api/v1/tenants/${t.tenant.slug}`;
    const list = await h.app.inject({
      method: 'POST',
      url: `${base}/lists`,
      headers: bearer(t.write),
      payload: { slug: 'l', title: 'L' },
    });
    await h.app.inject({
      method: 'PATCH',
      url: `${base}/lists/${list.json().id}`,
      headers: bearer(t.write),
      payload: { title: 'L2' },
    });
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: t.ownerEmail, password: t.password },
    });
    const cookie = `subreg_session=${login.cookies.find((c) => c.name === 'subreg_session')?.value}`;
    const log = await h.app.inject({ method: 'GET', url: `${base}/audit`, headers: { cookie } });
    const actions = log.json().items.map((e: { action: string }) => e.action);
    expect(actions).toEqual([
      'tenant.created',
      'token.created',
      'token.created',
      'token.used_from_new_address',
      'list.created',
      'list.updated',
      'auth.login',
    ]);
    const updated = log.json().items[5];
    expect(updated).toMatchObject({ actorType: 'token', before: { title: 'L' }, after: { title: 'L2' } });
    expect(updated.requestId).toBeTruthy();
    const ok = await h.app.inject({ method: 'GET', url: `${base}/audit/verify`, headers: bearer(t.read) });
    // 8: the read token's first use from this address is itself an event.
    expect(ok.json()).toMatchObject({ ok: true, checked: 8, head: { seq: 8, state: 'current' } });

    // Tamper as the database owner (the application itself cannot update audit rows).
    const region = inject('dbTargets').regions.find((r) => r.id === t.tenant.regionId)!;
    const c = new pg.Client({ connectionString: region.url });
    await c.connect();
    try {
      await c.query('alter table audit_events disable trigger audit_events_no_update');
      await c.query(`select set_config('app.tenant_id', $1, false)`, [t.tenant.id]);
      await c.query(`update audit_events set after = '{"title":"forged"}' where tenant_id = $1 and seq = 5`, [
        t.tenant.id,
      ]);
    } finally {
      await c.query('alter table audit_events enable trigger audit_events_no_update');
      await c.end();
    }
    const broken = await verifyAuditChain(h.deps, t.tenant);
    expect(broken).toMatchObject({ ok: false, brokenAtSeq: 5, problem: 'hmac_mismatch' });
  });
});

describe('operations', () => {
  it('serves health, readiness with every region, metrics and the OpenAPI document', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await h.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json()).toEqual({
      status: 'ready',
      control: true,
      regions: { 'eu-west': true, 'us-central': true },
    });
    const metrics = await h.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('subreg_http_request_duration_seconds');
    const doc = (await h.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/tenants/{tenant}/lists/{listId}/entries');
    const docs = await h.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});
