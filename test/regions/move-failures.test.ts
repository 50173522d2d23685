import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { prepareRegionDatabase, recordRegion } from '../../src/db/bootstrap.js';
import { lists } from '../../src/db/schema/region.js';
import { MoveInterrupted } from '../../src/features/regions/region-moves.js';
import { type Harness, bearer, createHarness, makeTenant, seedList } from '../support/harness.js';
import { readEverything, makeMovableTenant, tenantRowsIn } from '../support/move-fixture.js';

/** A region database of its own on the suite's server, that the test can make unreachable. */
const flakyName = `subreg_flaky_${crypto.randomBytes(4).toString('hex')}`;
const suiteUrl = () => inject('dbTargets').regions[0]!.url;
const flaky = () => {
  const u = new URL(suiteUrl());
  u.pathname = `/${flakyName}`;
  return { id: 'flaky', name: 'Flaky', provider: null, countries: ['DE'], url: u.toString() };
};
async function admin(sql: string) {
  const u = new URL(suiteUrl());
  u.pathname = '/postgres';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

let h: Harness;
beforeAll(async () => {
  await prepareRegionDatabase(flaky().url);
  const c = new pg.Client({ connectionString: inject('dbTargets').controlUrl });
  await c.connect();
  await recordRegion(c, flaky());
  await recordRegion(c, { id: 'nowhere', name: 'Nowhere', provider: null, countries: [] });
  await c.end();
  h = await createHarness({
    extraRegions: [
      flaky(),
      {
        id: 'nowhere',
        name: 'Nowhere',
        provider: null,
        countries: [],
        url: 'postgres://postgres@127.0.0.1:1/nothing',
      },
    ],
  });
}, 120_000);
afterAll(async () => {
  await h.close();
  await admin(`alter database ${flakyName} with allow_connections true`);
  await admin(`drop database if exists ${flakyName} with (force)`);
});

const patchTitle = (t: { tenant: { slug: string }; write: string }, listId: string, title: string) =>
  h.app.inject({
    method: 'PATCH',
    url: `/api/v1/tenants/${t.tenant.slug}/lists/${listId}`,
    headers: bearer(t.write),
    payload: { title },
  });

describe('a move that cannot complete', () => {
  it('to a region that does not answer: refused before anything changes', async () => {
    const t = await makeTenant(h);
    const { listId } = await seedList(h, t);
    await expect(h.deps.moves!.plan(t.tenant.slug, 'nowhere', 'test')).rejects.toMatchObject({
      status: 503,
      code: 'REGION_UNREACHABLE',
    });
    expect(await h.deps.directory.byId(t.tenant.id)).toMatchObject({ regionId: 'eu-west', status: 'active' });
    expect((await patchTitle(t, listId, 'still mine')).statusCode).toBe(200);
  });

  it('when the target goes down mid-move: rolled back at once, the tenant works where it was; cleaned up later', async () => {
    const t = await makeTenant(h);
    const { listId } = await seedList(h, t);
    const plan = await h.deps.moves!.plan(t.tenant.slug, 'flaky', 'test');
    const moved = await h.deps.moves!.run(plan.id, {
      beforeStep: async (step) => {
        if (step !== 'copy') return;
        await admin(`alter database ${flakyName} with allow_connections false`);
        await admin(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${flakyName}'`);
      },
    });
    // The source got its writes back; the target could not be cleaned yet.
    expect(moved.state).toBe('rolling_back');
    expect(moved.error).toMatch(/copy: .*could not be cleaned/);
    expect(await h.deps.directory.byId(t.tenant.id)).toMatchObject({ regionId: 'eu-west', status: 'active' });
    expect((await patchTitle(t, listId, 'works during the outage')).statusCode).toBe(200);
    await expect(h.deps.moves!.run(plan.id)).rejects.toMatchObject({ code: 'MOVE_ROLLING_BACK' });

    await admin(`alter database ${flakyName} with allow_connections true`);
    expect(Object.keys(await tenantRowsIn(flaky().url, t.tenant.id))).toEqual([
      'public.tenant_write_freezes',
    ]);
    const done = await h.deps.moves!.rollback(plan.id);
    expect(done.state).toBe('rolled_back');
    expect(await tenantRowsIn(flaky().url, t.tenant.id)).toEqual({});
    // A new move may start now.
    const again = await h.deps.moves!.plan(t.tenant.slug, 'flaky', 'test');
    expect(again.state).toBe('planned');
    await h.deps.moves!.rollback(again.id);
  }, 60_000);
});

describe('while a tenant is frozen', () => {
  it('reads and public pages work; writes answer 503 with Retry-After; the database refuses any other path', async () => {
    const t = await makeMovableTenant(h, 'eu-west');
    const other = await makeTenant(h);
    const otherList = await seedList(h, other);
    const before = await readEverything(h, t);
    const plan = await h.deps.moves!.plan(t.tenant.slug, 'us-central', 'test');
    await expect(
      h.deps.moves!.run(plan.id, {
        beforeStep: (s) => {
          if (s === 'verify') throw new MoveInterrupted('hold the freeze');
        },
      }),
    ).rejects.toBeInstanceOf(MoveInterrupted);

    // The same reads; the workspace says it is moving.
    const during = await readEverything(h, t);
    expect(during[`/api/v1/tenants/${t.tenant.slug}`]).toMatch(/"status":"moving"/);
    expect({ ...during, [`/api/v1/tenants/${t.tenant.slug}`]: '' }).toEqual({
      ...before,
      [`/api/v1/tenants/${t.tenant.slug}`]: '',
    });
    const w = await patchTitle(t, t.listId, 'refused');
    expect(w.statusCode).toBe(503);
    expect(w.headers['retry-after']).toBe('30');
    expect(w.json()).toMatchObject({
      code: 'TENANT_MOVING',
      detail: expect.stringMatching(/moving to another region/),
    });

    // A process that has not heard of the freeze (stale directory entry): the database refuses.
    const stale = { id: t.tenant.id, regionId: 'eu-west' };
    const direct = h.deps.dbs.withTenant(stale, (tx) => tx.update(lists).set({ title: 'sneaked in' }));
    await expect(direct).rejects.toMatchObject({ cause: { code: 'SR503' } });
    // Other tenants of the region are not affected.
    expect((await patchTitle(other, otherList.listId, 'business as usual')).statusCode).toBe(200);

    const done = await h.deps.moves!.run(plan.id);
    expect(done.state).toBe('completed');
    expect(await readEverything(h, t)).toEqual(before);
    expect((await patchTitle(t, t.listId, 'accepted')).statusCode).toBe(200);
  }, 90_000);
});

describe('the operator API', () => {
  it('is off without OPERATOR_TOKEN, refuses a wrong token, and tenant tokens are not operator tokens', async () => {
    const t = await makeMovableTenant(h, 'eu-west');
    const off = await h.app.inject({
      method: 'GET',
      url: '/api/v1/operator/moves',
      headers: bearer(t.write),
    });
    expect(off.statusCode).toBe(403);
    expect(off.json().code).toBe('OPERATOR_API_DISABLED');
    h.deps.config.operatorToken = 'x'.repeat(40);
    try {
      const wrong = await h.app.inject({
        method: 'GET',
        url: '/api/v1/operator/moves',
        headers: bearer(t.write),
      });
      expect(wrong.statusCode).toBe(401);
      const ok = await h.app.inject({
        method: 'GET',
        url: '/api/v1/operator/regions',
        headers: bearer('x'.repeat(40)),
      });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            id: 'eu-west',
            label: 'West Europe',
            reachable: true,
            countries: [{ code: 'NL', name: 'Netherlands' }],
          }),
          expect.objectContaining({ id: 'nowhere', reachable: false }),
        ]),
      );
      const sourceBefore = await tenantRowsIn(suiteUrl(), t.tenant.id);
      const est = await h.app.inject({
        method: 'POST',
        url: '/api/v1/operator/moves/estimate',
        headers: bearer('x'.repeat(40)),
        payload: { tenant: t.tenant.slug, to: 'us-central' },
      });
      expect(est.statusCode, est.body).toBe(200);
      const e = est.json();
      expect(e).toMatchObject({
        durationMs: { frozen: expect.any(Number) },
        measured: { basis: 'calibration' },
      });
      expect(e.rows).toBe(e.tables.reduce((a: number, x: { rows: number }) => a + x.rows, 0));
      expect(e.tables.find((x: { name: string }) => x.name === 'tenant_profiles')).toMatchObject({ rows: 1 });
      // The purge of a table no other table references is timed on the source's own rows (the
      // audit log is one); a referenced one (entities, under entries) on the scratch copy.
      expect(e.measured.purgeTimedOnSource).toContain('audit_events');
      expect(e.measured.purgeTimedOnSource).not.toContain('entities');
      // An estimate changes nothing: not the target, and not the source it deleted samples from.
      expect(await tenantRowsIn(inject('dbTargets').regions[1]!.url, t.tenant.id)).toEqual({});
      expect(await tenantRowsIn(suiteUrl(), t.tenant.id)).toEqual(sourceBefore);
    } finally {
      h.deps.config.operatorToken = null;
    }
  });
});
