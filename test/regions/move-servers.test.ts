import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { prepareRegionDatabase, recordRegion } from '../../src/db/bootstrap.js';
import { regionEnvKey } from '../../src/platform/config.js';
import { subreg } from '../support/cli.js';
import { type Harness, bearer, createHarness } from '../support/harness.js';
import { auditRows, makeMovableTenant, readEverything, tenantRowsIn } from '../support/move-fixture.js';

/**
 * Regions live on different PostgreSQL servers in production. With SUBREG_TEST_SECOND_SERVER set
 * (CI sets it for the embedded pass: the machine's PostgreSQL), a region on that second server
 * takes part in a full move through the CLI and back through the operator API.
 */
const SECOND = process.env.SUBREG_TEST_SECOND_SERVER;
const OPERATOR = crypto.randomBytes(24).toString('hex');

describe.skipIf(!SECOND)('a move between two PostgreSQL servers (SUBREG_TEST_SECOND_SERVER)', () => {
  const dbName = `subreg_second_${crypto.randomBytes(4).toString('hex')}`;
  const region = {
    id: 'eu-second',
    name: 'Second server',
    provider: 'Test hosting',
    countries: ['LU'],
    url: `${SECOND?.replace(/\/$/, '')}/${dbName}`,
  };
  let h: Harness;
  beforeAll(async () => {
    await prepareRegionDatabase(region.url);
    const c = new pg.Client({ connectionString: inject('dbTargets').controlUrl });
    await c.connect();
    await recordRegion(c, region);
    await c.end();
    h = await createHarness({ extraRegions: [region], operatorToken: OPERATOR });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    const admin = new pg.Client({ connectionString: `${SECOND!.replace(/\/$/, '')}/postgres` });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  });

  it('moves a tenant to the other server with the CLI, then back with the operator API', async () => {
    const targets = inject('dbTargets');
    const eu = targets.regions.find((r) => r.id === 'eu-west')!;
    expect(new URL(eu.url).port).not.toBe(new URL(region.url).port || '5432');
    const t = await makeMovableTenant(h, 'eu-west');
    const before = await readEverything(h, t);
    const auditBefore = await auditRows(eu.url, t.tenant.id);

    const env = {
      [regionEnvKey(region.id, 'DATABASE_URL')]: region.url,
      [regionEnvKey(region.id, 'NAME')]: region.name,
      [regionEnvKey(region.id, 'PROVIDER')]: region.provider,
      [regionEnvKey(region.id, 'COUNTRIES')]: 'LU',
    };
    const est = await subreg(
      ['region', 'move', '--tenant', t.tenant.slug, '--to', region.id, '--estimate-only', '--json'],
      true,
      { env },
    );
    expect(est.code, est.stderr).toBe(0);
    expect(JSON.parse(est.stdout)).toMatchObject({
      rows: expect.any(Number),
      durationMs: { total: expect.any(Number) },
    });
    expect((await h.deps.directory.byId(t.tenant.id))?.regionId).toBe('eu-west');

    const moved = await subreg(
      ['region', 'move', '--tenant', t.tenant.slug, '--to', region.id, '--yes', '--json'],
      true,
      {
        env,
      },
    );
    expect(moved.code, moved.stderr).toBe(0);
    expect(JSON.parse(moved.stdout)).toMatchObject({ state: 'completed', from: 'eu-west', to: region.id });
    h.deps.directory.forget(t.tenant.slug);
    expect(await tenantRowsIn(eu.url, t.tenant.id)).toEqual({});
    expect(await readEverything(h, t)).toEqual(before);
    expect((await auditRows(region.url, t.tenant.id)).slice(0, auditBefore.length)).toEqual(auditBefore);
    const verified = await subreg(['audit', 'verify', '--tenant', t.tenant.slug, '--json'], true, { env });
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });
    const residency = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${t.tenant.slug}/residency`,
      headers: bearer(t.read),
    });
    expect(residency.json()).toMatchObject({
      region: {
        id: region.id,
        label: region.name,
        provider: region.provider,
        countries: [{ code: 'LU', name: 'Luxembourg' }],
      },
      lastMove: { from: 'eu-west', to: region.id },
    });

    // And back, through the operator API, following its progress.
    const op = { authorization: `Bearer ${OPERATOR}` };
    const started = await h.app.inject({
      method: 'POST',
      url: '/api/v1/operator/moves',
      headers: op,
      payload: { tenant: t.tenant.slug, to: 'eu-west', start: true },
    });
    expect(started.statusCode, started.body).toBe(202);
    let m = started.json();
    for (let i = 0; i < 300 && !['completed', 'failed', 'rolled_back'].includes(m.state); i++) {
      await new Promise((r) => setTimeout(r, 200));
      m = (await h.app.inject({ method: 'GET', url: `/api/v1/operator/moves/${m.id}`, headers: op })).json();
    }
    expect(m).toMatchObject({ state: 'completed', progress: { percent: 100 } });
    expect(m.frozenMs).toBeGreaterThan(0);
    expect(await tenantRowsIn(region.url, t.tenant.id)).toEqual({});
    expect(await readEverything(h, t)).toEqual(before);
  }, 180_000);
});
