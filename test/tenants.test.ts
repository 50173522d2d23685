import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, bearer, createHarness, makeTenant, signUp, uniqueSlug } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('workspaces and their hosting statement (tenants service)', () => {
  it('lets a signed-in person create another workspace they own; a token may not', async () => {
    const me = await signUp(h);
    const slug = uniqueSlug('second');
    const created = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: { cookie: me.cookie, 'x-csrf-token': me.csrfToken },
      payload: { slug, name: 'Second', region: 'eu-west' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ slug, role: 'owner', region: 'eu-west' });
    const mine = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${slug}`,
      headers: { cookie: me.cookie },
    });
    expect(mine.json().role).toBe('owner');

    const t = await makeTenant(h);
    const byToken = await h.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: bearer(t.write),
      payload: { slug: uniqueSlug('tok'), name: 'By token', region: 'eu-west' },
    });
    expect(byToken.statusCode).toBe(403);
    expect(byToken.json().detail).toContain('signed-in users, not API tokens');
  });

  it('replaces the hosting statement (owners only), audited in the same change', async () => {
    const t = await makeTenant(h);
    const me = await signUp(h);
    const url = `/api/v1/tenants/${me.slug}/profile`;
    const put = await h.app.inject({
      method: 'PUT',
      url,
      headers: { cookie: me.cookie, 'x-csrf-token': me.csrfToken },
      payload: { displayName: 'Acme', hostingProvider: 'Hetzner' },
    });
    expect(put.statusCode, put.body).toBe(200);
    const got = await h.app.inject({ method: 'GET', url, headers: { cookie: me.cookie } });
    expect(got.json()).toMatchObject({ displayName: 'Acme', hostingProvider: 'Hetzner' });
    const audit = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${me.slug}/audit`,
      headers: { cookie: me.cookie },
    });
    expect(audit.json().items.map((e: { action: string }) => e.action)).toContain('profile.updated');

    const byEditor = await h.app.inject({
      method: 'PUT',
      url: `/api/v1/tenants/${t.tenant.slug}/profile`,
      headers: bearer(t.write),
      payload: { displayName: 'Not mine to say' },
    });
    expect(byEditor.statusCode).toBe(403);
  });
});
