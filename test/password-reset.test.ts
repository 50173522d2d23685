import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, createHarness, makeTenant, uniqueSlug } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const resetToken = (mail: ParsedMail) => {
  const link = /https?:\/\/\S+\/password-reset\?token=\S+/.exec(mail.text ?? '')?.[0];
  if (!link) throw new Error(`no password link in: ${mail.text}`);
  return { link, token: new URL(link).searchParams.get('token') ?? '' };
};

const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
  h.app.inject({ method: 'POST', url, payload, headers });

const login = (email: string, password: string) => post('/api/v1/auth/login', { email, password });

describe('a forgotten password', () => {
  it('is asked for with the same answer for every address; the email says the rest', async () => {
    const known = await makeTenant(h);
    const unknown = `${uniqueSlug('nobody')}@example.test`;
    const a = await post('/api/v1/auth/password-reset', { email: known.ownerEmail });
    const b = await post('/api/v1/auth/password-reset', { email: unknown });
    expect(a.statusCode).toBe(202);
    const strip = (r: typeof a) => ({ status: r.statusCode, body: r.json() });
    expect(strip(b)).toEqual(strip(a));
    expect(h.mailbox.only(known.ownerEmail).subject).toBe('Set a new subreg password');
    expect(h.mailbox.only(unknown).subject).toBe('No subreg account uses this address');
    expect(h.mailbox.only(unknown).text).not.toMatch(/password-reset\?token/);
  });

  it('is replaced through the link once: the old password and every session stop working', async () => {
    const t = await makeTenant(h);
    const before = await login(t.ownerEmail, t.password);
    const oldCookie = `subreg_session=${before.cookies.find((c) => c.name === 'subreg_session')?.value}`;
    await post('/api/v1/auth/password-reset', { email: t.ownerEmail });
    const { token } = resetToken(h.mailbox.only(t.ownerEmail));

    const weak = await post('/api/v1/auth/password-reset/confirm', { token, password: 'short' });
    expect(weak.json().code).toBe('VALIDATION_FAILED'); // and the link still works:
    const done = await post('/api/v1/auth/password-reset/confirm', {
      token,
      password: 'a brand new password',
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json().user.email).toBe(t.ownerEmail);
    expect(done.cookies.find((c) => c.name === 'subreg_session')?.httpOnly).toBe(true);

    expect((await login(t.ownerEmail, t.password)).statusCode).toBe(401);
    expect((await login(t.ownerEmail, 'a brand new password')).statusCode).toBe(200);
    const old = await h.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { cookie: oldCookie },
    });
    expect(old.statusCode).toBe(401);
    const again = await post('/api/v1/auth/password-reset/confirm', {
      token,
      password: 'another new password',
    });
    expect(again.json().code).toBe('RESET_LINK_INVALID');
  });

  it('can be set from the sign-up email of an address that has an account, on the page the link opens', async () => {
    const t = await makeTenant(h);
    const asked = await post('/api/v1/auth/signup', {
      email: t.ownerEmail,
      password: 'whatever password',
      tenant: { slug: uniqueSlug('ws'), name: 'Again', region: 'eu-west' },
    });
    expect(asked.statusCode).toBe(202);
    const mail = h.mailbox.only(t.ownerEmail);
    expect(mail.subject).toBe('You already have a subreg account');
    const { link, token } = resetToken(mail);

    const page = await h.app.inject({ method: 'GET', url: link.slice(h.deps.config.publicBaseUrl.length) });
    expect(page.statusCode).toBe(200);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).toContain('<form method="post" action="/password-reset">');
    expect(page.body).toContain('autocomplete="new-password"');

    const form = (password: string) =>
      h.app.inject({
        method: 'POST',
        url: '/password-reset',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ token, password }).toString(),
      });
    const short = await form('short');
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('10 to 200 characters');
    const set = await form('my new password here');
    expect(set.statusCode, set.body).toBe(200);
    expect(set.body).toContain('Your password is set');
    expect(set.cookies.find((c) => c.name === 'subreg_session')?.value).toBeTruthy();
    expect((await login(t.ownerEmail, 'my new password here')).statusCode).toBe(200);
    expect((await form('yet another password')).statusCode).toBe(400);
  });
});
