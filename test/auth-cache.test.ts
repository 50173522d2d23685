import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AUTH_CACHE_TTL_MS } from '../src/features/auth/auth-cache.js';
import {
  type Harness,
  type TestTenant,
  bearer,
  createHarness,
  makeTenant,
  uniqueSlug,
} from './support/harness.js';

// Token, session and role lookups are remembered for seconds; changes in this process forget at once.
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const cookieOf = (res: { cookies: { name: string; value: string }[] }) =>
  `subreg_session=${res.cookies.find((c) => c.name === 'subreg_session')?.value}`;

async function signIn(email: string, password: string) {
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  expect(res.statusCode, res.body).toBe(200);
  return { cookie: cookieOf(res), 'x-csrf-token': res.json().csrfToken as string };
}

/** A second person in the workspace, as editor, signed in. */
async function editorOf(t: TestTenant, owner: Record<string, string>) {
  const email = `${uniqueSlug('m')}@example.test`;
  const inv = await h.app.inject({
    method: 'POST',
    url: `/api/v1/tenants/${t.tenant.slug}/invitations`,
    headers: owner,
    payload: { email, role: 'editor' },
  });
  expect(inv.statusCode, inv.body).toBe(201);
  const acc = await h.app.inject({
    method: 'POST',
    url: '/api/v1/invitations/accept',
    payload: { token: inv.json().token, password: 'member password 1' },
  });
  expect(acc.statusCode, acc.body).toBe(200);
  return { headers: await signIn(email, 'member password 1'), userId: acc.json().userId as string };
}

const lists = (t: TestTenant) => `/api/v1/tenants/${t.tenant.slug}/lists`;
const createList = (t: TestTenant, headers: Record<string, string>) =>
  h.app.inject({
    method: 'POST',
    url: lists(t),
    headers,
    payload: { slug: uniqueSlug('l'), title: 'L' },
  });

describe('auth cache', () => {
  it('a role change and a removal apply to the very next request', async () => {
    const t = await makeTenant(h);
    const owner = await signIn(t.ownerEmail, t.password);
    const member = await editorOf(t, owner);
    expect(member.userId).toBeTruthy();
    expect((await createList(t, member.headers)).statusCode).toBe(201);
    const demoted = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/tenants/${t.tenant.slug}/members/${member.userId}`,
      headers: owner,
      payload: { role: 'viewer' },
    });
    expect(demoted.statusCode, demoted.body).toBe(200);
    expect((await createList(t, member.headers)).statusCode).toBe(403);
    expect((await h.app.inject({ method: 'GET', url: lists(t), headers: member.headers })).statusCode).toBe(
      200,
    );
    const removed = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/tenants/${t.tenant.slug}/members/${member.userId}`,
      headers: owner,
    });
    expect(removed.statusCode, removed.body).toBeLessThan(300);
    expect((await h.app.inject({ method: 'GET', url: lists(t), headers: member.headers })).statusCode).toBe(
      404,
    );
  });

  it('a signed-out session and a revoked token stop at once', async () => {
    const t = await makeTenant(h);
    const owner = await signIn(t.ownerEmail, t.password);
    expect((await h.app.inject({ method: 'GET', url: lists(t), headers: bearer(t.write) })).statusCode).toBe(
      200,
    );
    expect((await h.app.inject({ method: 'GET', url: lists(t), headers: owner })).statusCode).toBe(200);
    const tokens = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${t.tenant.slug}/tokens`,
      headers: owner,
    });
    const write = (tokens.json().items as { id: string; name: string }[]).find((k) => k.name === 'w')!;
    const revoked = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/tenants/${t.tenant.slug}/tokens/${write.id}`,
      headers: owner,
    });
    expect(revoked.statusCode, revoked.body).toBeLessThan(300);
    expect((await h.app.inject({ method: 'GET', url: lists(t), headers: bearer(t.write) })).statusCode).toBe(
      401,
    );
    const out = await h.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: owner });
    expect(out.statusCode, out.body).toBeLessThan(300);
    expect((await h.app.inject({ method: 'GET', url: lists(t), headers: owner })).statusCode).toBe(401);
  });

  it('remembers a token for AUTH_CACHE_TTL_MS: a revocation by another process shows after that', async () => {
    const t = await makeTenant(h);
    const get = () => h.app.inject({ method: 'GET', url: lists(t), headers: bearer(t.read) });
    expect((await get()).statusCode).toBe(200);
    // Another process (the CLI) revokes it: this one does not ask the database again at once...
    await h.deps.dbs.control.execute(
      sql`update api_tokens set revoked_at = now() where tenant_id = ${t.tenant.id} and name = 'r'`,
    );
    expect((await get()).statusCode).toBe(200);
    // ...but does once its copy is older than the TTL.
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + AUTH_CACHE_TTL_MS + 1);
    try {
      expect((await get()).statusCode).toBe(401);
    } finally {
      clock.mockRestore();
    }
  });
});
