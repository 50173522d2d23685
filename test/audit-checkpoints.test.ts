import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Databases } from '../src/db/databases.js';
import { sealAuditChains } from '../src/features/audit/audit-checkpoints.service.js';
import { appendAuditEvent } from '../src/features/audit/audit.repo.js';
import { verifyAuditChain } from '../src/features/audit/audit.service.js';
import { tokenAddressCount } from '../src/features/audit/audit-security.service.js';
import { TenantDirectory } from '../src/features/tenants/tenant-directory.js';
import { loadAuditKeys } from '../src/platform/audit-keys.js';
import { loadConfig } from '../src/platform/config.js';
import type { AppDeps } from '../src/app/deps.js';
import { createMetrics } from '../src/platform/metrics.js';
import { TEST_AUDIT_ENV } from './support/audit-keys.js';
import {
  asOwner,
  controlHead,
  controlUrl,
  readEvents,
  regionUrl,
  setControlHead,
} from './support/audit-tamper.js';
import { type Harness, type TestTenant, bearer, createHarness, makeTenant } from './support/harness.js';
import { inject } from 'vitest';

const run = promisify(execFile);
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const base = (t: TestTenant) => `/api/v1/tenants/${t.tenant.slug}/audit`;
const actions = async (t: TestTenant) =>
  (await asOwner(regionUrl(t.tenant.regionId), (c) => readEvents(c, t.tenant.id))).map((e) => e.action);

describe('signed checkpoints', () => {
  it('are downloadable, self-contained and verify offline with the published public key', async () => {
    const t = await makeTenant(h);
    const none = await h.app.inject({
      method: 'GET',
      url: `${base(t)}/checkpoints/latest`,
      headers: bearer(t.read),
    });
    expect(none.statusCode).toBe(404);
    expect(none.json().code).toBe('AUDIT_CHECKPOINT_NOT_FOUND');
    // A read token may download, not sign.
    const denied = await h.app.inject({
      method: 'POST',
      url: `${base(t)}/checkpoints`,
      headers: bearer(t.read),
    });
    expect(denied.statusCode).toBe(403);
    const made = await h.app.inject({
      method: 'POST',
      url: `${base(t)}/checkpoints`,
      headers: bearer(t.write),
    });
    expect(made.statusCode, made.body).toBe(201);
    const latest = await h.app.inject({
      method: 'GET',
      url: `${base(t)}/checkpoints/latest`,
      headers: bearer(t.read),
    });
    expect(latest.headers['content-disposition']).toContain('attachment');
    const file = latest.json();
    expect(file).toEqual(made.json());
    const head = await controlHead(t.tenant.id);
    expect(file).toMatchObject({
      tenantId: t.tenant.id,
      tenant: t.tenant.slug,
      seq: head!.seq,
      headHash: head!.hash,
    });

    // The public key needs no authentication; the file verifies with it alone.
    const pub = await h.app.inject({ method: 'GET', url: '/api/v1/audit/public-key' });
    expect(pub.statusCode).toBe(200);
    expect(pub.json()).toMatchObject({ algorithm: 'Ed25519', keyId: file.keyId });
    const key = crypto.createPublicKey(pub.json().publicKey);
    expect(
      crypto.verify(null, Buffer.from(file.signedPayload), key, Buffer.from(file.signature, 'base64')),
    ).toBe(true);
    expect(JSON.parse(file.signedPayload)).toMatchObject({
      tenantId: t.tenant.id,
      seq: file.seq,
      headHash: file.headHash,
    });

    // With openssl, as the README shows (where openssl is installed).
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'subreg-cp-'));
    try {
      await fs.writeFile(path.join(dir, 'payload'), file.signedPayload);
      await fs.writeFile(path.join(dir, 'sig'), Buffer.from(file.signature, 'base64'));
      await fs.writeFile(path.join(dir, 'pub.pem'), pub.json().publicKey);
      const args = [
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        'pub.pem',
        '-rawin',
        '-in',
        'payload',
        '-sigfile',
        'sig',
      ];
      const ok = await run('openssl', args, { cwd: dir }).catch((e: { code?: string }) => e);
      if ((ok as { code?: string }).code !== 'ENOENT')
        expect((ok as { stdout: string }).stdout).toContain('Success');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }

    const list = await h.app.inject({
      method: 'GET',
      url: `${base(t)}/checkpoints`,
      headers: bearer(t.read),
    });
    expect(list.json().items).toHaveLength(1);
    // Another tenant's checkpoints are not found, like everything else of another tenant.
    const other = await makeTenant(h);
    const cross = await h.app.inject({
      method: 'GET',
      url: `${base(t)}/checkpoints`,
      headers: bearer(other.read),
    });
    expect(cross.statusCode).toBe(404);
  });

  it('a forged or altered checkpoint, or one of another workspace, is refused as evidence', async () => {
    const t = await makeTenant(h);
    const other = await makeTenant(h);
    const file = (
      await h.app.inject({ method: 'POST', url: `${base(t)}/checkpoints`, headers: bearer(t.write) })
    ).json();
    const verifyWith = async (tenant: TestTenant, checkpoint: unknown) =>
      (
        await h.app.inject({
          method: 'POST',
          url: `${base(tenant)}/verify`,
          headers: bearer(tenant.write),
          payload: { checkpoint },
        })
      ).json();
    expect(await verifyWith(t, file)).toMatchObject({
      ok: true,
      checkpoint: { source: 'provided', seq: file.seq },
    });
    // The readable fields changed: they no longer say what was signed.
    expect(await verifyWith(t, { ...file, seq: file.seq + 5 })).toMatchObject({
      ok: false,
      problem: 'checkpoint_invalid',
    });
    // The signed payload changed: the signature no longer matches.
    const payload = file.signedPayload.replace(`"seq":${file.seq}`, `"seq":${file.seq + 5}`);
    const altered = await verifyWith(t, { ...file, seq: file.seq + 5, signedPayload: payload });
    expect(altered).toMatchObject({ ok: false, problem: 'checkpoint_invalid' });
    expect(altered.reason).toContain('signature');
    // Signed by a key of the forger's own, which the file brings along.
    const forger = crypto.generateKeyPairSync('ed25519');
    const forged = {
      ...file,
      keyId: 'ed25519-forger',
      signature: crypto.sign(null, Buffer.from(file.signedPayload), forger.privateKey).toString('base64'),
      publicKey: forger.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    };
    expect(await verifyWith(t, forged)).toMatchObject({ ok: false, problem: 'checkpoint_invalid' });
    expect(await verifyWith(other, file)).toMatchObject({ ok: false, problem: 'checkpoint_invalid' });
    // Not a checkpoint at all: a clear 400.
    const bad = await h.app.inject({
      method: 'POST',
      url: `${base(t)}/verify`,
      headers: bearer(t.write),
      payload: { checkpoint: { hello: 'world' } },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('the periodic jobs sign a checkpoint only when the head moved, and move a lagging head forward', async () => {
    const t = await makeTenant(h);
    // Use the token once first: its first use from an address is itself an event.
    await h.app.inject({ method: 'GET', url: `${base(t)}/verify`, headers: bearer(t.write) });
    const events = await asOwner(regionUrl(t.tenant.regionId), (c) => readEvents(c, t.tenant.id));
    // The head lags (as if the update after the commit had been lost).
    await setControlHead(t.tenant.id, 1, events[0]!.hash);
    const logs: string[] = [];
    const first = await sealAuditChains(h.deps, t.tenant.regionId, (m) => logs.push(m));
    expect(first.tenants).toBeGreaterThan(0);
    expect(await controlHead(t.tenant.id)).toEqual({ seq: events.length, hash: events.at(-1)!.hash });
    const latest = await h.app.inject({
      method: 'GET',
      url: `${base(t)}/checkpoints/latest`,
      headers: bearer(t.write),
    });
    expect(latest.json()).toMatchObject({ seq: events.length, headHash: events.at(-1)!.hash });
    await sealAuditChains(h.deps, t.tenant.regionId, () => {});
    const all = await h.app.inject({
      method: 'GET',
      url: `${base(t)}/checkpoints`,
      headers: bearer(t.write),
    });
    expect(all.json().items).toHaveLength(1);
    expect(logs.filter((l) => l.includes(t.tenant.slug))).toEqual([]);
    // A head that lags behind a checkpointed one is found by the daily sweep of every tenant.
    const { seq, hash } = await h.deps.dbs.withTenant(t.tenant, (tx) =>
      appendAuditEvent(tx, {
        tenantId: t.tenant.id,
        actorType: 'system',
        actorId: 'test',
        action: 'test.later',
        objectType: 'test',
        objectId: null,
      }),
    );
    await setControlHead(t.tenant.id, events.length, events.at(-1)!.hash);
    await sealAuditChains(h.deps, t.tenant.regionId, () => {});
    expect((await controlHead(t.tenant.id))!.seq).toBe(events.length);
    await sealAuditChains(h.deps, t.tenant.regionId, () => {}, { all: true });
    expect(await controlHead(t.tenant.id)).toEqual({ seq, hash });
    const after = await h.app.inject({
      method: 'GET',
      url: `${base(t)}/checkpoints/latest`,
      headers: bearer(t.write),
    });
    expect(after.json()).toMatchObject({ seq, headHash: hash });
  });

  it('verify reports a lagging or missing control head as such and moves it forward', async () => {
    const t = await makeTenant(h);
    const events = await asOwner(regionUrl(t.tenant.regionId), (c) => readEvents(c, t.tenant.id));
    await setControlHead(t.tenant.id, 2, events[1]!.hash);
    const lagging = await verifyAuditChain(h.deps, t.tenant);
    expect(lagging).toMatchObject({ ok: true, head: { seq: 2, state: 'lagging' }, headAdvanced: true });
    expect(await controlHead(t.tenant.id)).toEqual({ seq: events.length, hash: events.at(-1)!.hash });
    await asOwner(controlUrl(), (c) =>
      c.query('delete from audit_heads where tenant_id = $1', [t.tenant.id]),
    );
    expect(await verifyAuditChain(h.deps, t.tenant)).toMatchObject({
      ok: true,
      head: { state: 'missing' },
      headAdvanced: true,
    });
    expect(await verifyAuditChain(h.deps, t.tenant)).toMatchObject({ ok: true, head: { state: 'current' } });
  });

  it('the application role cannot move a head back or delete it, nor change a checkpoint', async () => {
    const t = await makeTenant(h);
    await h.app.inject({ method: 'POST', url: `${base(t)}/checkpoints`, headers: bearer(t.write) });
    const refusal = (q: string) =>
      h.deps.dbs.control.execute(q).then(
        () => 'accepted',
        (e: { cause?: Error }) => e.cause?.message ?? String(e),
      );
    expect(await refusal(`update audit_heads set seq = 1 where tenant_id = '${t.tenant.id}'`)).toMatch(
      /only move forward/,
    );
    expect(await refusal(`delete from audit_heads where tenant_id = '${t.tenant.id}'`)).toMatch(
      /permission denied/,
    );
    expect(await refusal(`update audit_checkpoints set seq = 1 where tenant_id = '${t.tenant.id}'`)).toMatch(
      /permission denied/,
    );
    expect(await refusal(`delete from audit_checkpoints where tenant_id = '${t.tenant.id}'`)).toMatch(
      /permission denied/,
    );
  });
});

describe('key rotation', () => {
  it('events sealed with a retired key still verify; a server without that key says which key it lacks', async () => {
    const targets = inject('dbTargets');
    const rotatedConfig = {
      ...loadConfig({
        DATA_DIR: '/nonexistent',
        LOG_LEVEL: 'silent',
        AUDIT_HMAC_KEY: 'k2:a-new-key-after-rotation-0123456789abcdef',
        AUDIT_HMAC_OLD_KEYS: TEST_AUDIT_ENV.AUDIT_HMAC_KEY,
        AUDIT_SIGNING_KEY: TEST_AUDIT_ENV.AUDIT_SIGNING_KEY,
      }),
      embedded: false,
    };
    const dbs = new Databases(targets.controlUrl, targets.regions, 2, {
      auditKeys: loadAuditKeys(rotatedConfig),
    });
    const rotated: AppDeps = {
      config: rotatedConfig,
      dbs,
      directory: new TenantDirectory(dbs.control),
      metrics: createMetrics(),
    };
    try {
      const t = await makeTenant(h);
      const { seq } = await dbs.withTenant(t.tenant, (tx) =>
        appendAuditEvent(tx, {
          tenantId: t.tenant.id,
          actorType: 'system',
          actorId: 'test',
          action: 'test.rotated',
          objectType: 'test',
          objectId: null,
        }),
      );
      const events = await asOwner(regionUrl(t.tenant.regionId), (c) => readEvents(c, t.tenant.id));
      expect(events.at(-1)).toMatchObject({ seq, keyId: 'k2', scheme: 2 });
      expect(events[0]!.keyId).toBe('test');
      expect(await verifyAuditChain(rotated, t.tenant)).toMatchObject({ ok: true, checked: seq });
      expect(await verifyAuditChain(h.deps, t.tenant)).toMatchObject({
        ok: false,
        problem: 'unknown_key',
        brokenAtSeq: seq,
      });
    } finally {
      await dbs.close();
    }
  });
});

describe('security events in the audit log', () => {
  it('records sign-ins, failed sign-ins and sign-outs in every workspace of the user', async () => {
    const t = await makeTenant(h);
    const second = await makeTenant(h);
    // The owner of t is made a member of the second workspace too.
    const invite = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${second.tenant.slug}/invitations`,
      headers: await sessionHeaders(second),
      payload: { email: t.ownerEmail, role: 'viewer' },
    });
    expect(invite.statusCode, invite.body).toBe(201);
    const accepted = await h.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: invite.json().token, password: t.password },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);

    const wrong = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: t.ownerEmail, password: 'not the password' },
      remoteAddress: '198.51.100.23',
    });
    expect(wrong.statusCode).toBe(401);
    const headers = await sessionHeaders(t);
    const out = await h.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers });
    expect(out.statusCode).toBe(204);
    // The failed sign-in is recorded without delaying the answer: wait for it.
    for (let i = 0; i < 50 && !(await actions(t)).includes('auth.login_failed'); i++)
      await new Promise((r) => setTimeout(r, 100));
    for (const tenant of [t, second]) {
      const rows = await asOwner(regionUrl(tenant.tenant.regionId), (c) => readEvents(c, tenant.tenant.id));
      const failed = rows.find((e) => e.action === 'auth.login_failed');
      expect(failed, tenant.tenant.slug).toMatchObject({
        actorType: 'system',
        objectType: 'user',
        objectId: t.ownerId,
        after: { email: t.ownerEmail, ip: '198.51.100.23' },
      });
      expect(rows.some((e) => e.action === 'auth.login' && e.actorId === t.ownerId)).toBe(true);
      expect(rows.some((e) => e.action === 'auth.logout' && e.actorId === t.ownerId)).toBe(true);
    }
    // An unknown address records nothing and answers the same.
    const unknown = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'nobody-here@example.test', password: 'not the password' },
    });
    expect(unknown.json().code).toBe(wrong.json().code);
    expect((await verifyAuditChain(h.deps, t.tenant)).ok).toBe(true);
  });

  it('records the first use of an API token from each address, once per address', async () => {
    const t = await makeTenant(h);
    const call = (ip: string) =>
      h.app.inject({
        method: 'GET',
        url: `/api/v1/tenants/${t.tenant.slug}/lists`,
        headers: bearer(t.read),
        remoteAddress: ip,
      });
    for (const ip of ['203.0.113.7', '203.0.113.7', '203.0.113.8', '203.0.113.7'])
      expect((await call(ip)).statusCode).toBe(200);
    const rows = await asOwner(regionUrl(t.tenant.regionId), (c) => readEvents(c, t.tenant.id));
    const used = rows.filter((e) => e.action === 'token.used_from_new_address');
    expect(used.map((e) => (e.after as { ip: string }).ip)).toEqual(['203.0.113.7', '203.0.113.8']);
    expect(used.every((e) => e.actorType === 'token')).toBe(true);
    const tokenId = used[0]!.actorId!;
    expect(await tokenAddressCount(h.deps, tokenId)).toBe(2);
  });
});

async function sessionHeaders(t: TestTenant) {
  const login = await h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: t.ownerEmail, password: t.password },
  });
  expect(login.statusCode, login.body).toBe(200);
  const cookie = login.cookies.find((c) => c.name === 'subreg_session')!.value;
  return { cookie: `subreg_session=${cookie}`, 'x-csrf-token': login.json().csrfToken as string };
}
