import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { verifyAuditChain } from '../../src/features/audit/audit.service.js';
import { type Harness, bearer, createHarness } from '../support/harness.js';
import {
  auditRows,
  makeMovableTenant,
  readEverything,
  regionUrl,
  tenantRowsIn,
} from '../support/move-fixture.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('moving a tenant between regions', () => {
  it('moves everything, reads the same before and after, keeps the audit chain, empties the source', async () => {
    const targets = inject('dbTargets');
    const t = await makeMovableTenant(h, 'eu-west');
    const before = await readEverything(h, t);
    expect(Object.entries(before).filter(([, v]) => !v.startsWith('200 '))).toEqual([]);
    const auditBefore = await auditRows(regionUrl(targets, 'eu-west'), t.tenant.id);
    const sourceRows = await tenantRowsIn(regionUrl(targets, 'eu-west'), t.tenant.id);
    expect(Object.keys(sourceRows).sort()).toEqual([
      'public.audit_events',
      'public.change_notices', // the fixture's second version announces a change (no subscribers)
      'public.entities',
      'public.entries',
      'public.imports',
      'public.list_versions',
      'public.lists',
      'public.tenant_profiles',
    ]);

    const planned = await h.deps.moves!.plan(t.tenant.slug, 'us-central', 'test');
    expect(planned.state).toBe('planned');
    const est = planned.estimate as { rows: number; tables: { name: string; rows: number }[] };
    expect(est.rows).toBe(Object.values(sourceRows).reduce((a, b) => a + b, 0));

    const moved = await h.deps.moves!.run(planned.id);
    expect(moved.error).toBeNull();
    expect(moved.state).toBe('completed');

    expect(await tenantRowsIn(regionUrl(targets, 'eu-west'), t.tenant.id)).toEqual({});
    const targetRows = await tenantRowsIn(regionUrl(targets, 'us-central'), t.tenant.id);
    // The same rows, plus the move's own audit events (appended to the copied chain).
    expect({ ...targetRows, 'public.audit_events': sourceRows['public.audit_events'] }).toEqual(sourceRows);
    expect(targetRows['public.audit_events']).toBe(sourceRows['public.audit_events']! + 9); // started, frozen, copied, verified, switched, jobs_moved, unfrozen, purged, completed

    const after = await readEverything(h, t);
    expect(after).toEqual(before);

    const auditAfter = await auditRows(regionUrl(targets, 'us-central'), t.tenant.id);
    expect(auditAfter.slice(0, auditBefore.length)).toEqual(auditBefore);
    expect(auditAfter.length).toBeGreaterThan(auditBefore.length);
    const dir = await h.deps.directory.byId(t.tenant.id);
    expect(dir).toMatchObject({ regionId: 'us-central', status: 'active' });
    expect(await verifyAuditChain(h.deps, dir!)).toMatchObject({ ok: true });

    // Writes work in the new region with the same token.
    const w = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/tenants/${t.tenant.slug}/lists/${t.listId}`,
      headers: bearer(t.write),
      payload: { title: 'Renamed after the move' },
    });
    expect(w.statusCode, w.body).toBe(200);
  }, 60_000);
});
