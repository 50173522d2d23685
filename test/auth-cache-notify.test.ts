import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { authCacheOf } from '../src/features/auth/auth-cache.js';
import { listenForDirectoryChanges } from '../src/app/directory-listener.js';
import { DIRECTORY_CHANNEL } from '../src/platform/directory-channel.js';
import { type Harness, type TestTenant, bearer, createHarness, makeTenant } from './support/harness.js';

// Issue 14 follow-up: a revocation made by one process is refused by every other one at once.
/** Process A: serves the requests, with its auth cache and the directory listener. */
let a: Harness;
/** Process B: another server on the same databases, where the changes are made. */
let b: Harness;
let stopListening: () => Promise<void>;
beforeAll(async () => {
  a = await createHarness();
  b = await createHarness();
  stopListening = await listenForDirectoryChanges(inject('dbTargets').controlUrl, a.deps, () => {});
});
afterAll(async () => {
  await stopListening();
  await b.close();
  await a.close();
});

const lists = (t: TestTenant) => `/api/v1/tenants/${t.tenant.slug}/lists`;

/** Waits (≤ 1 s) until A's listener has applied a forget to `map` (its epoch moves on). */
async function forgetArrives(map: { epoch: number }, before: number) {
  const until = Date.now() + 1_000;
  while (map.epoch === before && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  expect(map.epoch, 'the NOTIFY reached process A within 1 s').not.toBe(before);
}

async function signIn(h: Harness, email: string, password: string) {
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === 'subreg_session')?.value;
  return { cookie: `subreg_session=${cookie}`, 'x-csrf-token': res.json().csrfToken as string };
}

describe('auth cache across processes', () => {
  it('a token used in A and revoked through B is refused by A on the very next request', async () => {
    const t = await makeTenant(a);
    const get = () => a.app.inject({ method: 'GET', url: lists(t), headers: bearer(t.write) });
    expect((await get()).statusCode).toBe(200);
    expect((await get()).statusCode).toBe(200); // now from A's cache
    const owner = await signIn(b, t.ownerEmail, t.password);
    const listed = await b.app.inject({
      method: 'GET',
      url: `${lists(t).replace('/lists', '/tokens')}`,
      headers: owner,
    });
    const write = (listed.json().items as { id: string; name: string }[]).find((k) => k.name === 'w')!;
    const tokens = authCacheOf(a.deps).tokens;
    const before = tokens.epoch;
    const revoked = await b.app.inject({
      method: 'DELETE',
      url: `/api/v1/tenants/${t.tenant.slug}/tokens/${write.id}`,
      headers: owner,
    });
    expect(revoked.statusCode, revoked.body).toBeLessThan(300);
    await forgetArrives(tokens, before);
    expect((await get()).statusCode).toBe(401);
    // The read token, not revoked, still passes.
    expect((await a.app.inject({ method: 'GET', url: lists(t), headers: bearer(t.read) })).statusCode).toBe(
      200,
    );
  });

  it('a session signed out through B is refused by A at once', async () => {
    const t = await makeTenant(a);
    const inA = await signIn(a, t.ownerEmail, t.password);
    expect((await a.app.inject({ method: 'GET', url: lists(t), headers: inA })).statusCode).toBe(200);
    const sessions = authCacheOf(a.deps).sessions;
    const before = sessions.epoch;
    // The same session, signed out through B.
    const out = await b.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: inA });
    expect(out.statusCode, out.body).toBeLessThan(300);
    await forgetArrives(sessions, before);
    expect((await a.app.inject({ method: 'GET', url: lists(t), headers: inA })).statusCode).toBe(401);
  });

  it('a role change through B applies in A at once', async () => {
    const t = await makeTenant(a);
    const owner = await signIn(b, t.ownerEmail, t.password);
    const second = await b.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${t.tenant.slug}/invitations`,
      headers: owner,
      payload: { email: `m-${t.tenant.slug}@example.test`, role: 'editor' },
    });
    expect(second.statusCode, second.body).toBe(201);
    const acc = await b.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: second.json().token, password: 'member password 1' },
    });
    expect(acc.statusCode, acc.body).toBe(200);
    const member = await signIn(a, `m-${t.tenant.slug}@example.test`, 'member password 1');
    const create = () =>
      a.app.inject({
        method: 'POST',
        url: lists(t),
        headers: member,
        payload: { slug: `l-${Date.now()}`, title: 'L' },
      });
    expect((await create()).statusCode).toBe(201);
    const roles = authCacheOf(a.deps).roles;
    const before = roles.epoch;
    const demoted = await b.app.inject({
      method: 'PATCH',
      url: `/api/v1/tenants/${t.tenant.slug}/members/${acc.json().userId}`,
      headers: owner,
      payload: { role: 'viewer' },
    });
    expect(demoted.statusCode, demoted.body).toBe(200);
    await forgetArrives(roles, before);
    expect((await create()).statusCode).toBe(403);
  });

  it('a hostile payload on the channel forgets nothing and does not stop the listener', async () => {
    const t = await makeTenant(a);
    const get = () => a.app.inject({ method: 'GET', url: lists(t), headers: bearer(t.read) });
    expect((await get()).statusCode).toBe(200);
    for (const junk of [
      '{"auth":{"token":{"$ne":1}}}',
      '{"auth":"x"}',
      '{"auth":',
      `{"auth":{"token":"${'x'.repeat(5000)}"}}`,
    ])
      await b.deps.dbs.control.execute(sql`select pg_notify(${DIRECTORY_CHANNEL}, ${junk})`);
    // Still cached after the junk: a revocation written without NOTIFY is not seen yet...
    await b.deps.dbs.control.execute(
      sql`update api_tokens set revoked_at = now() where tenant_id = ${t.tenant.id} and name = 'r'`,
    );
    expect((await get()).statusCode).toBe(200);
    // ...and a real message after the junk is still heard.
    const [row] = (
      await b.deps.dbs.control.execute<{ id: string }>(
        sql`select id from api_tokens where tenant_id = ${t.tenant.id} and name = 'r'`,
      )
    ).rows;
    const tokens = authCacheOf(a.deps).tokens;
    const before = tokens.epoch;
    await b.deps.dbs.control.execute(
      sql`select pg_notify(${DIRECTORY_CHANNEL}, ${JSON.stringify({ auth: { token: row!.id } })})`,
    );
    await forgetArrives(tokens, before);
    expect((await get()).statusCode).toBe(401);
  });
});
