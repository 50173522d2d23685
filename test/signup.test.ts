import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signupRequests, tenants } from '../src/db/schema/control.js';
import { SIGNUPS_PER_ADDRESS_PER_HOUR } from '../src/features/auth/auth.routes.js';
import { type Harness, createHarness, makeTenant, signUp, uniqueSlug } from './support/harness.js';
import { confirmationLink } from './support/smtp.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const ask = (
  email: string,
  tenant: { slug: string; name?: string; region?: string },
  password = 'a long password',
) =>
  h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/signup',
    payload: { email, password, tenant: { name: 'Acme', region: 'eu-west', ...tenant } },
  });

const confirm = (token: string) =>
  h.app.inject({ method: 'POST', url: '/api/v1/auth/signup/confirm', payload: { token } });

/** What a response says, without what differs on every request. */
const shape = (res: { statusCode: number; json: () => Record<string, unknown> }) => {
  const { requestId: _r, instance: _i, ...rest } = res.json();
  return { status: res.statusCode, ...rest };
};

describe('sign-up does not tell which addresses have accounts', () => {
  it('answers a new and a known address the same way; each learns the truth by email only', async () => {
    const known = await makeTenant(h);
    const fresh = `${uniqueSlug('new')}@example.test`;
    const [a, b] = [uniqueSlug('ws'), uniqueSlug('ws')];
    const forNew = await ask(fresh, { slug: a });
    const forKnown = await ask(known.ownerEmail.toUpperCase(), { slug: b });
    expect(forNew.statusCode).toBe(202);
    expect(shape(forKnown)).toEqual(shape(forNew));
    expect(forNew.json()).toEqual({
      status: 'confirmation_sent',
      detail:
        'Check your inbox: we sent a link to confirm your address and finish creating the workspace. The link works once, for 24 hours.',
    });
    expect(Object.keys(forKnown.headers).sort()).toEqual(Object.keys(forNew.headers).sort());

    // Nothing is created before the address is confirmed.
    expect(await h.deps.directory.bySlug(a)).toBeNull();
    expect(await h.deps.directory.bySlug(b)).toBeNull();

    const toNew = h.mailbox.only(fresh);
    expect(toNew.subject).toBe('Confirm your address to create your subreg workspace');
    expect(toNew.text).toContain(`the subreg workspace "${a}"`);
    expect(toNew.text).not.toContain('Acme'); // free text the requester typed never goes out
    const toKnown = h.mailbox.only(known.ownerEmail);
    expect(toKnown.subject).toBe('You already have a subreg account');
    expect(toKnown.text).toContain('nothing was created');
    expect(toKnown.text).not.toMatch(/signup\/confirm/);
    expect(
      await h.deps.dbs.control.select().from(signupRequests).where(eq(signupRequests.tenantSlug, b)),
    ).toEqual([]);
  });

  it('checks everything that does not depend on the address first, with the same answer for both', async () => {
    const known = await makeTenant(h);
    const fresh = `${uniqueSlug('new')}@example.test`;
    const cases: [string, { slug: string; region?: string }, string?][] = [
      ['UNKNOWN_REGION', { slug: uniqueSlug('ws'), region: 'mars-north' }],
      ['INVALID_SLUG', { slug: 'Not A Slug' }],
      ['INVALID_SLUG', { slug: 'admin' }],
      ['SLUG_TAKEN', { slug: known.tenant.slug }],
      ['VALIDATION_FAILED', { slug: uniqueSlug('ws') }, 'short'],
    ];
    for (const [code, tenant, password] of cases) {
      const r1 = await ask(fresh, tenant, password);
      const r2 = await ask(known.ownerEmail, tenant, password);
      expect(r1.json().code, code).toBe(code);
      expect(shape(r2), code).toEqual(shape(r1));
    }
    expect(h.mailbox.to(fresh)).toEqual([]);
    expect(h.mailbox.to(known.ownerEmail)).toEqual([]);
  });
});

describe('the confirmation link', () => {
  it('creates the workspace and its owner and signs in, once', async () => {
    const slug = uniqueSlug('ws');
    const email = `${slug}@example.test`;
    expect((await ask(email, { slug, name: 'Fresh Co', region: 'us-central' })).statusCode).toBe(202);
    const { link, token } = confirmationLink(h.mailbox.only(email));
    expect(link.startsWith(`${h.deps.config.publicBaseUrl}/signup/confirm?token=srg_su_`)).toBe(true);

    const done = await confirm(token);
    expect(done.statusCode, done.body).toBe(201);
    expect(done.json().tenants).toEqual([{ slug, name: 'Fresh Co', region: 'us-central', role: 'owner' }]);
    const cookie = done.cookies.find((c) => c.name === 'subreg_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    const me = await h.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { cookie: `subreg_session=${cookie?.value}` },
    });
    expect(me.json().user.email).toBe(email);
    // The password chosen at sign-up is the one that signs in.
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password: 'a long password' },
    });
    expect(login.statusCode).toBe(200);

    const again = await confirm(token);
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe('SIGNUP_LINK_INVALID');
  });

  it('opens a page that asks first (mail scanners open links too), whose form creates the workspace', async () => {
    const slug = uniqueSlug('ws');
    const email = `${slug}@example.test`;
    await ask(email, { slug, name: 'Page Co' });
    const { link, token } = confirmationLink(h.mailbox.only(email));
    const url = link.slice(h.deps.config.publicBaseUrl.length);
    const shown = await h.app.inject({ method: 'GET', url });
    expect(shown.statusCode).toBe(200);
    expect(shown.headers['referrer-policy']).toBe('no-referrer');
    expect(shown.headers['cache-control']).toBe('no-store');
    expect(shown.body).toContain('<form method="post" action="/signup/confirm">');
    expect(shown.body).toContain('Page Co');
    expect(await h.deps.directory.bySlug(slug)).toBeNull();

    const form = (headers: Record<string, string> = {}) =>
      h.app.inject({
        method: 'POST',
        url: '/signup/confirm',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: new URLSearchParams({ token }).toString(),
      });
    const crossSite = await form({ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    expect(crossSite.statusCode).toBe(403);
    expect(await h.deps.directory.bySlug(slug)).toBeNull();

    // A browser without Sec-Fetch-Site, from another site or from an opaque origin: refused.
    for (const headers of [{ origin: 'https://evil.example' }, { origin: 'null' }]) {
      expect((await form(headers)).statusCode).toBe(403);
      expect(await h.deps.directory.bySlug(slug)).toBeNull();
    }
    // What Chromium sends for this page's own form: the page has Referrer-Policy no-referrer, so
    // Origin is "null", and Sec-Fetch-Site says same-origin (the signed-up user was refused).
    const created = await form({ origin: 'null', 'sec-fetch-site': 'same-origin', host: 'localhost:80' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.body).toContain(`href="/t/${slug}"`);
    expect(created.cookies.find((c) => c.name === 'subreg_session')?.value).toBeTruthy();
    expect((await h.deps.directory.bySlug(slug))?.name).toBe('Page Co');

    const used = await h.app.inject({ method: 'GET', url });
    expect(used.statusCode).toBe(400);
    expect(used.body).toContain('not valid');
  });

  it('expires, and is spent if the slug was taken since', async () => {
    const slug = uniqueSlug('ws');
    const [e1, e2] = [`a-${slug}@example.test`, `b-${slug}@example.test`];
    await ask(e1, { slug });
    await ask(e2, { slug }); // the slug is free until someone confirms
    const first = confirmationLink(h.mailbox.only(e1)).token;
    const second = confirmationLink(h.mailbox.only(e2)).token;
    expect((await confirm(first)).statusCode).toBe(201);
    const late = await confirm(second);
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('SLUG_TAKEN');
    expect((await confirm(second)).json().code).toBe('SIGNUP_LINK_INVALID');

    const other = uniqueSlug('ws');
    const e3 = `${other}@example.test`;
    await ask(e3, { slug: other });
    await h.deps.dbs.control
      .update(signupRequests)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(signupRequests.tenantSlug, other));
    expect((await confirm(confirmationLink(h.mailbox.only(e3)).token)).json().code).toBe(
      'SIGNUP_LINK_INVALID',
    );
    expect(await h.deps.dbs.control.select().from(tenants).where(eq(tenants.slug, other))).toEqual([]);
  });

  it('the test helper signs up as a person does', async () => {
    const s = await signUp(h);
    expect(s.session.tenants).toEqual([expect.objectContaining({ slug: s.slug, role: 'owner' })]);
  });
});

describe('sign-up is rate limited per address', () => {
  it(`after ${SIGNUPS_PER_ADDRESS_PER_HOUR} an hour, the same way for known and new addresses`, async () => {
    const known = await makeTenant(h);
    const fresh = `${uniqueSlug('new')}@example.test`;
    for (const email of [fresh, known.ownerEmail]) {
      const codes: number[] = [];
      for (let i = 0; i <= SIGNUPS_PER_ADDRESS_PER_HOUR; i++)
        codes.push((await ask(email, { slug: uniqueSlug('ws') })).statusCode);
      expect(codes, email).toEqual([...Array(SIGNUPS_PER_ADDRESS_PER_HOUR).fill(202), 429]);
      expect(h.mailbox.to(email)).toHaveLength(SIGNUPS_PER_ADDRESS_PER_HOUR);
    }
    // Another address is not held back by them.
    expect((await ask(`${uniqueSlug('other')}@example.test`, { slug: uniqueSlug('ws') })).statusCode).toBe(
      202,
    );
  });
});
