import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MOVE_STEPS } from '../../src/db/schema/control.js';
import { verifyAuditChain } from '../../src/features/audit/audit.service.js';
import { MoveInterrupted } from '../../src/features/regions/region-moves.js';
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

const stopAt = (step: string) => ({
  beforeStep: (s: string) => {
    if (s === step) throw new MoveInterrupted(`stopped before ${s}`);
  },
});

async function expectMovedCleanly(
  t: Awaited<ReturnType<typeof makeMovableTenant>>,
  before: Record<string, string>,
  auditBefore: string[],
) {
  const targets = inject('dbTargets');
  expect(await tenantRowsIn(regionUrl(targets, 'eu-west'), t.tenant.id)).toEqual({});
  expect(await readEverything(h, t)).toEqual(before);
  const auditAfter = await auditRows(regionUrl(targets, 'us-central'), t.tenant.id);
  expect(auditAfter.slice(0, auditBefore.length)).toEqual(auditBefore);
  // Each step's event exactly once, however often the move was resumed.
  const actions = auditAfter.slice(auditBefore.length).map((r) => /region\.move\.[a-z_]+/.exec(r)?.[0]);
  expect(actions).toEqual(
    [
      'region.move.started',
      'region.move.frozen',
      'region.move.copied',
      'region.move.verified',
      'region.move.switched',
      'region.move.jobs_moved',
      'region.move.unfrozen',
      'region.move.purged',
      'region.move.completed',
    ]
      .slice(auditBefore.length === 0 ? 0 : 0)
      .filter((a) => a !== 'region.move.started'),
  );
  const dir = await h.deps.directory.byId(t.tenant.id);
  expect(dir).toMatchObject({ regionId: 'us-central', status: 'active' });
  expect(await verifyAuditChain(h.deps, dir!)).toMatchObject({ ok: true });
}

describe('a move interrupted at any step', () => {
  for (const step of MOVE_STEPS) {
    it(`stopped before "${step}" (as a killed process would), resumes to the same result`, async () => {
      const t = await makeMovableTenant(h, 'eu-west');
      const before = await readEverything(h, t);
      const plan = await h.deps.moves!.plan(t.tenant.slug, 'us-central', 'test');
      await expect(h.deps.moves!.run(plan.id, stopAt(step))).rejects.toBeInstanceOf(MoveInterrupted);
      // The started event is written before the freeze: it belongs to the copied history.
      const auditBefore = await auditRows(regionUrl(inject('dbTargets'), 'eu-west'), t.tenant.id);
      const stopped = await h.deps.moves!.get(plan.id);
      expect(stopped.state).toBe('running');
      if (step !== 'freeze') {
        const w = await h.app.inject({
          method: 'PATCH',
          url: `/api/v1/tenants/${t.tenant.slug}/lists/${t.listId}`,
          headers: bearer(t.write),
          payload: { title: 'during the move' },
        });
        expect(w.statusCode).toBe(step === 'purge' ? 200 : 503);
      }
      const done = await h.deps.moves!.run(plan.id);
      expect(done.state).toBe('completed');
      if (step === 'purge') {
        // The write made after the unfreeze landed in the new region and is kept.
        const r = await h.app.inject({
          method: 'GET',
          url: `/api/v1/tenants/${t.tenant.slug}/lists/${t.listId}`,
          headers: bearer(t.read),
        });
        expect(r.json().title).toBe('during the move');
        return;
      }
      await expectMovedCleanly(t, before, auditBefore);
    }, 90_000);
  }

  it('stopped half-way through the copy (one table committed), resumes without duplicates', async () => {
    const t = await makeMovableTenant(h, 'eu-west');
    const before = await readEverything(h, t);
    const plan = await h.deps.moves!.plan(t.tenant.slug, 'us-central', 'test');
    let copied = 0;
    await expect(
      h.deps.moves!.run(plan.id, {
        afterTable: () => {
          if (++copied === 3) throw new MoveInterrupted('killed mid-copy');
        },
      }),
    ).rejects.toBeInstanceOf(MoveInterrupted);
    const half = await tenantRowsIn(regionUrl(inject('dbTargets'), 'us-central'), t.tenant.id);
    // Three tables committed in the target (and its freeze row), nothing else yet.
    expect(Object.keys(half).filter((k) => k !== 'public.tenant_write_freezes').length).toBe(3);
    const auditBefore = await auditRows(regionUrl(inject('dbTargets'), 'eu-west'), t.tenant.id);
    expect((await h.deps.moves!.run(plan.id)).state).toBe('completed');
    await expectMovedCleanly(t, before, auditBefore);
  }, 90_000);

  it('rolled back after the copy: the tenant stays and works where it was, the target forgets it', async () => {
    const targets = inject('dbTargets');
    const t = await makeMovableTenant(h, 'eu-west');
    const before = await readEverything(h, t);
    const plan = await h.deps.moves!.plan(t.tenant.slug, 'us-central', 'test');
    await expect(h.deps.moves!.run(plan.id, stopAt('switch'))).rejects.toBeInstanceOf(MoveInterrupted);
    expect(
      Object.keys(await tenantRowsIn(regionUrl(targets, 'us-central'), t.tenant.id)).length,
    ).toBeGreaterThan(3);
    const rolled = await h.deps.moves!.rollback(plan.id);
    expect(rolled.state).toBe('rolled_back');
    expect(await tenantRowsIn(regionUrl(targets, 'us-central'), t.tenant.id)).toEqual({});
    expect(await readEverything(h, t)).toEqual(before);
    const dir = await h.deps.directory.byId(t.tenant.id);
    expect(dir).toMatchObject({ regionId: 'eu-west', status: 'active' });
    expect(await verifyAuditChain(h.deps, dir!)).toMatchObject({ ok: true });
    const actions = (await auditRows(regionUrl(targets, 'eu-west'), t.tenant.id))
      .map((r) => /region\.move\.[a-z_]+/.exec(r)?.[0])
      .filter(Boolean);
    expect(actions).toEqual(['region.move.started', 'region.move.rolled_back']);
    const w = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/tenants/${t.tenant.slug}/lists/${t.listId}`,
      headers: bearer(t.write),
      payload: { title: 'after the rollback' },
    });
    expect(w.statusCode, w.body).toBe(200);
    // A switched move cannot be rolled back; a rolled-back one is finished.
    expect((await h.deps.moves!.rollback(plan.id)).state).toBe('rolled_back');
  }, 90_000);
});
