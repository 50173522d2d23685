import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, bearer, createHarness, makeTenant, signUp, uniqueSlug } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const cookieOf = (res: { cookies: { name: string; value: string }[] }) =>
  `subreg_session=${res.cookies.find((c) => c.name === 'subreg_session')?.value}`;

describe('sign-up, sessions and CSRF', () => {
  it('sign-up creates a tenant in the chosen region with its owner, signed in', async () => {
    const {
      slug,
      cookie,
      csrfToken: csrf,
      session,
    } = await signUp(h, {
      region: 'us-central',
      name: 'Sign Up Co',
    });
    expect(session.tenants).toEqual([{ slug, name: 'Sign Up Co', region: 'us-central', role: 'owner' }]);
    const noCsrf = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${slug}/lists`,
      headers: { cookie },
      payload: { slug: 'a', title: 'A' },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().code).toBe('CSRF_TOKEN_INVALID');
    const withCsrf = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${slug}/lists`,
      headers: { cookie, 'x-csrf-token': csrf },
      payload: { slug: 'a', title: 'A' },
    });
    expect(withCsrf.statusCode).toBe(201);
    const tenant = await h.deps.directory.bySlug(slug);
    expect(tenant?.regionId).toBe('us-central');
  });

  it('login failures do not say which part was wrong', async () => {
    const t = await makeTenant(h);
    const wrongPw = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: t.ownerEmail, password: 'wrong password!' },
    });
    const wrongEmail = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'nobody@example.test', password: t.password },
    });
    expect(wrongPw.statusCode).toBe(401);
    expect(wrongEmail.statusCode).toBe(401);
    expect(wrongPw.json().detail).toBe(wrongEmail.json().detail);
    const ok = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: t.ownerEmail.toUpperCase(), password: t.password },
    });
    expect(ok.statusCode).toBe(200);
    const me = await h.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { cookie: cookieOf(ok) },
    });
    expect(me.json().user.email).toBe(t.ownerEmail);
    await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: cookieOf(ok), 'x-csrf-token': ok.json().csrfToken },
    });
    const after = await h.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { cookie: cookieOf(ok) },
    });
    expect(after.statusCode).toBe(401);
  });

  it('login is rate limited', async () => {
    const limited = await createHarness({ authRateLimit: 3 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await limited.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: 'x@example.test', password: 'nope nope nope' },
        });
        codes.push(r.statusCode);
      }
      expect(codes.slice(0, 3)).toEqual([401, 401, 401]);
      expect(codes[4]).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe('roles and tokens', () => {
  it('a read token reads but cannot write; a revoked token stops working', async () => {
    const t = await makeTenant(h);
    const url = `/api/v1/tenants/${t.tenant.slug}/lists`;
    expect((await h.app.inject({ method: 'GET', url, headers: bearer(t.read) })).statusCode).toBe(200);
    const w = await h.app.inject({
      method: 'POST',
      url,
      headers: bearer(t.read),
      payload: { slug: 'x', title: 'X' },
    });
    expect(w.statusCode).toBe(403);
    // Tokens are managed by owners (session), not by tokens of editor rank.
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: t.ownerEmail, password: t.password },
    });
    const headers = { cookie: cookieOf(login), 'x-csrf-token': login.json().csrfToken };
    const created = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${t.tenant.slug}/tokens`,
      headers,
      payload: { name: 'ci', scope: 'write' },
    });
    expect(created.statusCode).toBe(201);
    const secret = created.json().token as string;
    expect((await h.app.inject({ method: 'GET', url, headers: bearer(secret) })).statusCode).toBe(200);
    const listed = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${t.tenant.slug}/tokens`,
      headers,
    });
    expect(listed.body).not.toContain(secret);
    await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/tenants/${t.tenant.slug}/tokens/${created.json().id}`,
      headers,
    });
    const after = await h.app.inject({ method: 'GET', url, headers: bearer(secret) });
    expect(after.statusCode).toBe(401);
  });

  it('an invited viewer joins and can read but not change', async () => {
    const t = await makeTenant(h);
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: t.ownerEmail, password: t.password },
    });
    const headers = { cookie: cookieOf(login), 'x-csrf-token': login.json().csrfToken };
    const email = `${uniqueSlug('v')}@example.test`;
    const inv = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${t.tenant.slug}/invitations`,
      headers,
      payload: { email, role: 'viewer' },
    });
    expect(inv.statusCode, inv.body).toBe(201);
    const acc = await h.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: inv.json().token, password: 'viewer password 1' },
    });
    expect(acc.statusCode, acc.body).toBe(200);
    const again = await h.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: inv.json().token, password: 'viewer password 1' },
    });
    expect(again.statusCode).toBe(400);
    const vlogin = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: 'viewer password 1' },
    });
    const vh = { cookie: cookieOf(vlogin), 'x-csrf-token': vlogin.json().csrfToken };
    expect(
      (await h.app.inject({ method: 'GET', url: `/api/v1/tenants/${t.tenant.slug}/lists`, headers: vh }))
        .statusCode,
    ).toBe(200);
    const denied = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${t.tenant.slug}/lists`,
      headers: vh,
      payload: { slug: 'v', title: 'V' },
    });
    expect(denied.statusCode).toBe(403);
    const members = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${t.tenant.slug}/members`,
      headers,
    });
    expect(
      members
        .json()
        .items.map((m: { role: string }) => m.role)
        .sort(),
    ).toEqual(['owner', 'viewer']);
    const demote = await h.app.inject({
      method: 'PATCH',
      url: `/api/v1/tenants/${t.tenant.slug}/members/${t.ownerId}`,
      headers,
      payload: { role: 'viewer' },
    });
    expect(demote.json().code).toBe('LAST_OWNER');
  });
});
