import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, createHarness, makeTenant, uniqueSlug } from './support/harness.js';

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

describe('pending invitations', () => {
  it('owners list pending ones without tokens, revoke one (audited), and its link then says it was revoked', async () => {
    const t = await makeTenant(h);
    const owner = await signIn(t.ownerEmail, t.password);
    const url = `/api/v1/tenants/${t.tenant.slug}/invitations`;
    const invite = async (role: string) => {
      const r = await h.app.inject({
        method: 'POST',
        url,
        headers: owner,
        payload: { email: `${uniqueSlug('i')}@example.test`, role },
      });
      expect(r.statusCode, r.body).toBe(201);
      return r.json() as { id: string; email: string; token: string };
    };
    const a = await invite('editor');
    const b = await invite('viewer');
    const accepted = await invite('viewer');
    const acc = await h.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: accepted.token, password: 'member password 1' },
    });
    expect(acc.statusCode, acc.body).toBe(200);

    const list = await h.app.inject({ method: 'GET', url, headers: owner });
    expect(list.statusCode, list.body).toBe(200);
    const items = list.json().items as Record<string, unknown>[];
    expect(items.map((i) => i.id).sort()).toEqual([a.id, b.id].sort());
    expect(items.find((i) => i.id === a.id)).toMatchObject({
      email: a.email,
      role: 'editor',
      createdBy: t.ownerEmail,
      expiresAt: expect.any(String),
      createdAt: expect.any(String),
    });
    expect(list.body).not.toContain('srg_inv_');
    expect(list.body).not.toMatch(/token/i);

    // a non-owner cannot list or revoke; another workspace cannot touch this one's invitation
    const viewer = await signIn(accepted.email, 'member password 1');
    expect((await h.app.inject({ method: 'GET', url, headers: viewer })).statusCode).toBe(403);
    expect(
      (await h.app.inject({ method: 'DELETE', url: `${url}/${a.id}`, headers: viewer })).statusCode,
    ).toBe(403);
    const other = await makeTenant(h);
    const otherOwner = await signIn(other.ownerEmail, other.password);
    const cross = await h.app.inject({
      method: 'DELETE',
      url: `/api/v1/tenants/${other.tenant.slug}/invitations/${a.id}`,
      headers: otherOwner,
    });
    expect(cross.statusCode).toBe(404);

    const revoked = await h.app.inject({ method: 'DELETE', url: `${url}/${a.id}`, headers: owner });
    expect(revoked.statusCode, revoked.body).toBe(204);
    expect((await h.app.inject({ method: 'DELETE', url: `${url}/${a.id}`, headers: owner })).statusCode).toBe(
      404,
    );
    expect(
      (await h.app.inject({ method: 'DELETE', url: `${url}/${accepted.id}`, headers: owner })).statusCode,
    ).toBe(404);
    const after = (await h.app.inject({ method: 'GET', url, headers: owner })).json().items;
    expect(after.map((i: { id: string }) => i.id)).toEqual([b.id]);

    const useRevoked = await h.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token: a.token, password: 'member password 1' },
    });
    expect(useRevoked.statusCode).toBe(410);
    expect(useRevoked.json().code).toBe('INVITATION_REVOKED');
    expect(useRevoked.json().detail).toContain('revoked');

    const audit = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${t.tenant.slug}/audit?limit=500`,
      headers: owner,
    });
    expect(audit.body).toContain(a.id);
    expect(audit.body).toContain('member.invitation_revoked');
  });
});
