import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvent } from '../src/features/audit/audit.repo.js';
import { TEST_AUDIT_ENV } from './support/audit-keys.js';
import {
  asOwner,
  controlHead,
  controlUrl,
  hmacSealer,
  insertEvents,
  legacySealer,
  readEvents,
  regionUrl as regionUrlOfId,
  rewriteAndRechain,
  setControlHead,
  tamperRegion,
} from './support/audit-tamper.js';
import { subreg } from './support/cli.js';
import {
  type Harness,
  type TestTenant,
  bearer,
  createHarness,
  makeTenant,
  seedList,
} from './support/harness.js';

/**
 * Each tampering an administrator of the databases could do is caught by `subreg audit verify`
 * (the real CLI, in a child process) and by the API. The attacker works as the database owner:
 * the application role could not update or delete audit rows in the first place.
 */

let h: Harness;
let tmp: string;
beforeAll(async () => {
  h = await createHarness();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'subreg-audit-'));
});
afterAll(async () => {
  await h.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

const [testKeyId, testKeySecret] = TEST_AUDIT_ENV.AUDIT_HMAC_KEY.split(/:(.*)/s) as [string, string];

/** A tenant with a dozen events written the way the product writes them. */
async function tenantWithEvents(extra = 6): Promise<TestTenant> {
  const t = await makeTenant(h);
  await seedList(h, t);
  for (let i = 0; i < extra; i++)
    await h.deps.dbs.withTenant(t.tenant, (tx) =>
      appendAuditEvent(tx, {
        tenantId: t.tenant.id,
        actorType: 'system',
        actorId: 'test',
        action: 'test.event',
        objectType: 'test',
        objectId: String(i),
        after: { i },
      }),
    );
  return t;
}

const regionUrl = (t: TestTenant) => regionUrlOfId(t.tenant.regionId);

async function apiVerify(t: TestTenant) {
  const r = await h.app.inject({
    method: 'GET',
    url: `/api/v1/tenants/${t.tenant.slug}/audit/verify`,
    // the write token: already used from this address (a first use from one appends an event)
    headers: bearer(t.write),
  });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

async function apiVerifyWith(t: TestTenant, checkpoint: unknown) {
  const r = await h.app.inject({
    method: 'POST',
    url: `/api/v1/tenants/${t.tenant.slug}/audit/verify`,
    // the write token: already used from this address (a first use from one appends an event)
    headers: bearer(t.write),
    payload: { checkpoint },
  });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

async function cliVerify(t: TestTenant, checkpointFile?: string) {
  const args = ['--json', 'audit', 'verify', '--tenant', t.tenant.slug];
  if (checkpointFile) args.push('--checkpoint', checkpointFile);
  const r = await subreg(args);
  return { code: r.code, verdict: r.stdout ? JSON.parse(r.stdout) : null, stderr: r.stderr };
}

async function takeCheckpoint(t: TestTenant) {
  const r = await h.app.inject({
    method: 'POST',
    url: `/api/v1/tenants/${t.tenant.slug}/audit/checkpoints`,
    headers: bearer(t.write),
  });
  expect(r.statusCode, r.body).toBe(201);
  const file = path.join(tmp, `${t.tenant.slug}-${r.json().seq}.json`);
  await fs.writeFile(file, r.body);
  return { json: r.json(), file };
}

describe('tampering with the audit chain as the database administrator', () => {
  it('an untampered chain verifies, with the control head at the last event, in the API and the CLI', async () => {
    const t = await tenantWithEvents();
    const v = await apiVerify(t);
    expect(v).toMatchObject({ ok: true, head: { state: 'current' }, headAdvanced: false });
    expect(v.checked).toBeGreaterThan(8);
    expect(await controlHead(t.tenant.id)).toEqual({ seq: v.lastSeq, hash: v.lastHash });
    const cli = await cliVerify(t);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.verdict).toMatchObject({ ok: true, checked: v.checked });
  }, 180_000);

  it('truncating the newest events is caught by the head in the control database', async () => {
    const t = await tenantWithEvents();
    const before = await apiVerify(t);
    await tamperRegion(t.tenant.regionId, t.tenant.id, async (c) => {
      await c.query('delete from audit_events where tenant_id = $1 and seq > $2', [
        t.tenant.id,
        before.lastSeq - 3,
      ]);
    });
    const v = await apiVerify(t);
    expect(v).toMatchObject({ ok: false, problem: 'missing_event', brokenAtSeq: before.lastSeq - 2 });
    expect(v.reason).toContain(`head is at event ${before.lastSeq}`);
    const cli = await cliVerify(t);
    expect(cli.code).toBe(1);
    expect(cli.verdict).toMatchObject({
      ok: false,
      problem: 'missing_event',
      brokenAtSeq: before.lastSeq - 2,
    });
  }, 180_000);

  it("rewriting an event and recomputing every later hash with the product's sha256 function is caught", async () => {
    const t = await tenantWithEvents();
    const { lastSeq } = await apiVerify(t);
    await tamperRegion(t.tenant.regionId, t.tenant.id, async (c) => {
      await rewriteAndRechain(c, t.tenant.id, 5, (e) => (e.after = { forged: true }), legacySealer);
    });
    // The sealed chain cannot turn back into the unsealed scheme halfway.
    expect(await apiVerify(t)).toMatchObject({ ok: false, problem: 'scheme_downgrade', brokenAtSeq: 5 });
    const cli = await cliVerify(t);
    expect(cli.code).toBe(1);
    expect(cli.verdict).toMatchObject({ ok: false, problem: 'scheme_downgrade', brokenAtSeq: 5 });

    // Rewriting the whole chain as unsealed events: the control head no longer matches.
    await tamperRegion(t.tenant.regionId, t.tenant.id, async (c) => {
      await rewriteAndRechain(c, t.tenant.id, 1, () => {}, legacySealer);
    });
    const v = await apiVerify(t);
    expect(v).toMatchObject({ ok: false, problem: 'head_mismatch', brokenAtSeq: lastSeq });
    expect(v.reason).toContain('control database');
    const cli2 = await cliVerify(t);
    expect(cli2.verdict).toMatchObject({ ok: false, problem: 'head_mismatch', brokenAtSeq: lastSeq });
  }, 180_000);

  it('rewriting and recomputing with an HMAC but without the key is caught at the rewritten event', async () => {
    const t = await tenantWithEvents();
    // A guess at the secret under the real key id...
    await tamperRegion(t.tenant.regionId, t.tenant.id, async (c) => {
      await rewriteAndRechain(
        c,
        t.tenant.id,
        6,
        (e) => (e.after = { forged: true }),
        hmacSealer(testKeyId, 'a guess at the secret, long enough to pass'),
      );
    });
    expect(await apiVerify(t)).toMatchObject({ ok: false, problem: 'hmac_mismatch', brokenAtSeq: 6 });
    const cli = await cliVerify(t);
    expect(cli.code).toBe(1);
    expect(cli.verdict).toMatchObject({ ok: false, problem: 'hmac_mismatch', brokenAtSeq: 6 });
    // ...or a key of the attacker's own.
    await tamperRegion(t.tenant.regionId, t.tenant.id, async (c) => {
      await rewriteAndRechain(
        c,
        t.tenant.id,
        6,
        () => {},
        hmacSealer('mine', 'the attacker own key, long enough!!'),
      );
    });
    expect(await apiVerify(t)).toMatchObject({ ok: false, problem: 'unknown_key', brokenAtSeq: 6 });
  }, 180_000);

  it('rewriting with the stolen key is caught by a signed checkpoint taken before, even one kept outside', async () => {
    const t = await tenantWithEvents();
    const cp = await takeCheckpoint(t);
    const seq = cp.json.seq as number;
    // The attacker has the HMAC key and both databases: rewrites, reseals, moves the head too.
    let last = { seq: 0, hash: '' };
    await tamperRegion(t.tenant.regionId, t.tenant.id, async (c) => {
      const events = await rewriteAndRechain(
        c,
        t.tenant.id,
        4,
        (e) => (e.after = { forged: true }),
        hmacSealer(testKeyId, testKeySecret),
      );
      last = events[events.length - 1]!;
    });
    await setControlHead(t.tenant.id, last.seq, last.hash);
    // The checkpoint stored in the control database still says otherwise.
    expect(await apiVerify(t)).toMatchObject({ ok: false, problem: 'checkpoint_mismatch', brokenAtSeq: seq });

    // Remove the stored checkpoints too: only a checkpoint kept outside can tell now.
    await asOwner(controlUrl(), (c) =>
      c.query('delete from audit_checkpoints where tenant_id = $1', [t.tenant.id]),
    );
    expect(await apiVerify(t)).toMatchObject({ ok: true });
    const withFile = await apiVerifyWith(t, cp.json);
    expect(withFile).toMatchObject({
      ok: false,
      problem: 'checkpoint_mismatch',
      brokenAtSeq: seq,
      checkpoint: { source: 'provided', seq },
    });
    const cli = await cliVerify(t, cp.file);
    expect(cli.code).toBe(1);
    expect(cli.verdict).toMatchObject({ ok: false, problem: 'checkpoint_mismatch', brokenAtSeq: seq });
  }, 180_000);

  it('deleting an event in the middle is caught as a missing event', async () => {
    const t = await tenantWithEvents();
    await tamperRegion(t.tenant.regionId, t.tenant.id, async (c) => {
      await c.query('delete from audit_events where tenant_id = $1 and seq = 7', [t.tenant.id]);
    });
    const v = await apiVerify(t);
    expect(v).toMatchObject({ ok: false, problem: 'missing_event', brokenAtSeq: 7 });
    expect(v.reason).toContain('event 7 is missing');
    const cli = await cliVerify(t);
    expect(cli.code).toBe(1);
    expect(cli.verdict).toMatchObject({ ok: false, problem: 'missing_event', brokenAtSeq: 7 });
  }, 180_000);

  it('replaying an old head (an older copy of the table and of the control head) is caught by a later checkpoint', async () => {
    const t = await tenantWithEvents(2);
    const old = await asOwner(regionUrl(t), (c) => readEvents(c, t.tenant.id));
    const oldHead = await controlHead(t.tenant.id);
    expect(oldHead?.seq).toBe(old.length);
    for (let i = 0; i < 3; i++)
      await h.app.inject({
        method: 'POST',
        url: `/api/v1/tenants/${t.tenant.slug}/lists`,
        headers: bearer(t.write),
        payload: { slug: `more-${i}`, title: `More ${i}` },
      });
    const cp = await takeCheckpoint(t);
    expect(cp.json.seq).toBe(old.length + 3);
    // Restore the older copy of both.
    await tamperRegion(t.tenant.regionId, t.tenant.id, async (c) => {
      await c.query('delete from audit_events where tenant_id = $1', [t.tenant.id]);
      await insertEvents(c, old);
    });
    await setControlHead(t.tenant.id, oldHead!.seq, oldHead!.hash);
    const v = await apiVerify(t);
    expect(v).toMatchObject({ ok: false, problem: 'checkpoint_mismatch', brokenAtSeq: old.length + 1 });
    expect(v.reason).toContain('older copy');
    const cli = await cliVerify(t, cp.file);
    expect(cli.code).toBe(1);
    expect(cli.verdict).toMatchObject({
      ok: false,
      problem: 'checkpoint_mismatch',
      brokenAtSeq: old.length + 1,
    });
  }, 180_000);

  it('events sealed with the legacy scheme (before this upgrade) still verify, and stay protected', async () => {
    const t = await makeTenant(h);
    // The database as an older version left it: three unsealed events and no control head.
    await asOwner(controlUrl(), (c) =>
      c.query('delete from audit_heads where tenant_id = $1', [t.tenant.id]),
    );
    await tamperRegion(t.tenant.regionId, t.tenant.id, async (c) => {
      await rewriteAndRechain(c, t.tenant.id, 1, () => {}, legacySealer);
    });
    // The upgraded product appends sealed events after them.
    await seedList(h, t);
    const v = await apiVerify(t);
    expect(v).toMatchObject({ ok: true, head: { state: 'current' } });
    const events = await asOwner(regionUrl(t), (c) => readEvents(c, t.tenant.id));
    expect(events.slice(0, 3).map((e) => e.scheme)).toEqual([1, 1, 1]);
    expect(events.slice(3).every((e) => e.scheme === 2 && e.keyId === testKeyId)).toBe(true);
    expect(v.checked).toBe(events.length);
    const cli = await cliVerify(t);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.verdict).toMatchObject({ ok: true, checked: events.length });

    // Rewriting an unsealed event and recomputing the unsealed ones: the first sealed event
    // binds the old hash, and cannot be resealed without the key.
    await tamperRegion(t.tenant.regionId, t.tenant.id, async (c) => {
      await rewriteAndRechain(c, t.tenant.id, 2, (e) => (e.after = { forged: true }), legacySealer, 3);
    });
    expect(await apiVerify(t)).toMatchObject({ ok: false, problem: 'link_mismatch', brokenAtSeq: 4 });
  }, 180_000);

  it('after many concurrent appends the chain verifies and the control head is at its last event', async () => {
    const t = await makeTenant(h);
    const list = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${t.tenant.slug}/lists`,
      headers: bearer(t.write),
      payload: { slug: 'busy', title: 'Busy' },
    });
    await Promise.all([
      ...Array.from({ length: 40 }, (_, i) =>
        h.deps.dbs.withTenant(t.tenant, (tx) =>
          appendAuditEvent(tx, {
            tenantId: t.tenant.id,
            actorType: 'system',
            actorId: 'test',
            action: 'test.concurrent',
            objectType: 'test',
            objectId: String(i),
          }),
        ),
      ),
      ...Array.from({ length: 10 }, (_, i) =>
        h.app.inject({
          method: 'PATCH',
          url: `/api/v1/tenants/${t.tenant.slug}/lists/${list.json().id}`,
          headers: bearer(t.write),
          payload: { title: `Busy ${i}` },
        }),
      ),
    ]);
    const events = await asOwner(regionUrl(t), (c) => readEvents(c, t.tenant.id));
    expect(events.length).toBeGreaterThanOrEqual(54);
    expect(await controlHead(t.tenant.id)).toEqual({
      seq: events.length,
      hash: events[events.length - 1]!.hash,
    });
    expect(await apiVerify(t)).toMatchObject({
      ok: true,
      checked: events.length,
      head: { state: 'current' },
    });
    const cli = await cliVerify(t);
    expect(cli.code, cli.stderr).toBe(0);
  }, 180_000);
});
