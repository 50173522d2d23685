import type { ParsedMail } from 'mailparser';
import { auditEvents } from '../../src/db/schema/region.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Harness,
  type TestTenant,
  bearer,
  createHarness,
  makeTenant,
  seedList,
} from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

let ip = 0;
/** Each request from its own client address, unless a test wants one (rate limits per IP). */
const post = (
  url: string,
  body: string | object,
  remoteAddress = `10.1.${Math.floor(++ip / 250)}.${ip % 250}`,
) =>
  h.app.inject({
    method: 'POST',
    url,
    remoteAddress,
    ...(typeof body === 'string'
      ? { payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }
      : { payload: body }),
  });

function linkIn(mail: ParsedMail, path: string): string {
  const re = new RegExp(`https?://\\S+${path.replace(/[/?]/g, '\\$&')}\\?token=[A-Za-z0-9._-]+`);
  const link = re.exec(mail.text ?? '')?.[0];
  if (!link) throw new Error(`no ${path} link in: ${mail.text}`);
  return link;
}
/** A header as it was written (mailparser turns List-Unsubscribe into an object). */
const rawHeader = (mail: ParsedMail, name: string) =>
  mail.headerLines
    .find((l) => l.key === name)
    ?.line.slice(name.length + 1)
    .replace(/\r?\n\s+/g, ' ')
    .trim();
const pathOf = (link: string) => {
  const u = new URL(link);
  return `${u.pathname}${u.search}`;
};

async function tenantWithList(): Promise<TestTenant> {
  const t = await makeTenant(h);
  await seedList(h, t);
  return t;
}

describe('subscribing', () => {
  it('double opt-in from the HTML form and the JSON API; nothing but the link before confirmation', async () => {
    const t = await tenantWithList();
    const email = `dpo-${t.tenant.slug}@customer.test`;
    const form = await post(
      `/t/${t.tenant.slug}/main/subscribe`,
      `email=${encodeURIComponent(email.toUpperCase())}&organisation=Customer+AG`,
    );
    expect(form.statusCode, form.body).toBe(202);
    expect(form.headers['content-type']).toContain('text/html');
    expect(form.body).toContain('Check your inbox');
    const mail = h.mailbox.only(email);
    expect(mail.subject).toContain('Confirm');
    expect(rawHeader(mail, 'list-unsubscribe')).toMatch(/^<http.*\/subscriptions\/unsubscribe\?token=/);
    expect(rawHeader(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

    // Opening the link (a mail scanner does) confirms nothing; the button's POST does.
    const link = linkIn(mail, '/subscriptions/confirm');
    const opened = await h.app.inject({ method: 'GET', url: pathOf(link) });
    expect(opened.statusCode).toBe(200);
    expect(opened.body).toContain('<form method="post"');
    const staffView = async () =>
      (
        await h.app.inject({
          method: 'GET',
          url: `/api/v1/tenants/${t.tenant.slug}/subscribers`,
          headers: bearer(t.read),
        })
      ).json();
    expect((await staffView()).items).toMatchObject([
      { email, status: 'pending', addedBy: 'self', organisation: 'Customer AG' },
    ]);
    const token = new URL(link).searchParams.get('token')!;
    const confirmed = await post(`/t/${t.tenant.slug}/subscriptions/confirm`, `token=${token}`);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.body).toContain('You are subscribed');
    expect((await staffView()).items).toMatchObject([{ email, status: 'confirmed' }]);

    // Asking again, known or not, gets the same answer; a confirmed address gets no mail.
    const again = await post(`/t/${t.tenant.slug}/main/subscribe`, { email });
    const unknown = await post(`/t/${t.tenant.slug}/main/subscribe`, { email: `new-${email}` });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual(unknown.json());
    expect(h.mailbox.to(email)).toHaveLength(1);
    expect(h.mailbox.to(`new-${email}`)).toHaveLength(1);

    // One-click unsubscribe (RFC 8058): the mail client POSTs to the header's URL.
    const header = rawHeader(mail, 'list-unsubscribe')!;
    const unsub = await post(pathOf(header.slice(1, -1)), 'List-Unsubscribe=One-Click');
    expect(unsub.statusCode, unsub.body).toBe(200);
    expect((await staffView()).items.find((s: { email: string }) => s.email === email).status).toBe(
      'unsubscribed',
    );

    // The confirmation link, replayed after unsubscribing, does not subscribe again.
    const replay = await post(`/t/${t.tenant.slug}/subscriptions/confirm`, { token });
    expect(replay.statusCode).toBe(400);
    expect(replay.json().code).toBe('LINK_INVALID');
  });

  it('refuses forged, altered, other-tenant and expired links', async () => {
    const t = await tenantWithList();
    const other = await tenantWithList();
    const email = `x-${t.tenant.slug}@customer.test`;
    await post(`/t/${t.tenant.slug}/main/subscribe`, { email });
    const token = new URL(linkIn(h.mailbox.only(email), '/subscriptions/confirm')).searchParams.get('token')!;
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const forgedId = token.replace(/^c\.[0-9a-f-]{36}/, 'c.00000000-0000-4000-8000-000000000000');
    for (const [tenant, tok] of [
      [t.tenant.slug, altered],
      [t.tenant.slug, forgedId],
      [t.tenant.slug, token.replace(/^c\./, 'u.')],
      [t.tenant.slug, 'garbage'],
      [other.tenant.slug, token],
    ] as const) {
      const res = await post(`/t/${tenant}/subscriptions/confirm`, { token: tok });
      expect(res.statusCode, tok).toBe(400);
    }
    // 49 hours later the genuine link has expired.
    h.deps.now = () => new Date(Date.now() + 49 * 3_600_000);
    try {
      const late = await post(`/t/${t.tenant.slug}/subscriptions/confirm`, { token });
      expect(late.statusCode).toBe(410);
      expect(late.json().code).toBe('LINK_EXPIRED');
    } finally {
      h.deps.now = undefined;
    }
    // The genuine link, confirmed by an API client: JSON, with the preferences page's link.
    const ok = await post(`/t/${t.tenant.slug}/subscriptions/confirm`, { token });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'confirmed', email });
    expect(ok.json().preferencesUrl).toMatch(
      new RegExp(`^http.*/t/${t.tenant.slug}/subscriptions/preferences\\?token=p\\.`),
    );
    const prefs = await h.app.inject({ method: 'GET', url: pathOf(ok.json().preferencesUrl) });
    expect(prefs.statusCode, prefs.body).toBe(200);
  });

  it('resists bombing and hostile input: rate limits, one link per 10 minutes, header injection, size', async () => {
    const t = await tenantWithList();
    const victim = `victim-${t.tenant.slug}@customer.test`;
    // The same address asked for from many client addresses: one link, then 429.
    const answers = [];
    for (let i = 0; i < 7; i++)
      answers.push((await post(`/t/${t.tenant.slug}/main/subscribe`, { email: victim })).statusCode);
    expect(answers.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    expect(answers.slice(5)).toEqual([429, 429]);
    expect(h.mailbox.to(victim)).toHaveLength(1);
    // One client address asking for many addresses: limited too.
    const codes = [];
    for (let i = 0; i < 22; i++)
      codes.push(
        (
          await post(
            `/t/${t.tenant.slug}/main/subscribe`,
            { email: `n${i}-${t.tenant.slug}@x.test` },
            '10.9.9.9',
          )
        ).statusCode,
      );
    expect(codes.filter((c) => c === 429).length).toBe(2);

    for (const body of [
      { email: `a-${t.tenant.slug}@x.test\r\nBcc: everyone@x.test` },
      { email: `a-${t.tenant.slug}@x.test`, organisation: 'Evil\r\nBcc: everyone@x.test' },
      { email: 'not an address' },
      { email: `${'a'.repeat(250)}@x.test` },
      {},
    ]) {
      const res = await post(`/t/${t.tenant.slug}/main/subscribe`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('SUBSCRIPTION_INVALID');
    }
    const html = await post(`/t/${t.tenant.slug}/main/subscribe`, 'email=nope');
    expect(html.statusCode).toBe(400);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('email must be an address');
    const big = await post(
      `/t/${t.tenant.slug}/main/subscribe`,
      `email=a%40x.test&organisation=${'x'.repeat(10_000)}`,
    );
    expect(big.statusCode).toBe(413);
    // Every list of the tenant, from the tenant's page: the same double opt-in.
    const whole = await post(`/t/${t.tenant.slug}/subscribe`, { email: `all-${t.tenant.slug}@x.test` });
    expect(whole.statusCode).toBe(202);
    expect(h.mailbox.only(`all-${t.tenant.slug}@x.test`).text).toContain('the sub-processor lists of');
    expect(
      (await post(`/t/${t.tenant.slug}/nope/subscribe`, { email: `z-${t.tenant.slug}@x.test` })).statusCode,
    ).toBe(404);
    expect(h.mailbox.messages.some((m) => JSON.stringify(m.to).includes('everyone@'))).toBe(false);
  });
});

describe('staff and subscribers', () => {
  it('lists, exports, adds (confirmed, by staff) and removes; viewers only read', async () => {
    const t = await tenantWithList();
    const base = `/api/v1/tenants/${t.tenant.slug}/subscribers`;
    const add = await h.app.inject({
      method: 'POST',
      url: base,
      headers: bearer(t.write),
      payload: { email: 'Legal@Customer.test', organisation: '=HYPERLINK("x")' },
    });
    expect(add.statusCode, add.body).toBe(201);
    expect(add.json()).toMatchObject({
      email: 'legal@customer.test',
      status: 'confirmed',
      addedBy: 'staff',
      listId: null,
    });
    expect(h.mailbox.to('legal@customer.test')).toHaveLength(0);
    const denied = await h.app.inject({
      method: 'POST',
      url: base,
      headers: bearer(t.read),
      payload: { email: 'a@b.test' },
    });
    expect(denied.statusCode).toBe(403);
    const csv = await h.app.inject({ method: 'GET', url: `${base}/export`, headers: bearer(t.read) });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain(`legal@customer.test,"'=HYPERLINK(""x"")",,confirmed,staff`);
    const gone = await h.app.inject({
      method: 'DELETE',
      url: `${base}/${add.json().id}`,
      headers: bearer(t.write),
    });
    expect(gone.statusCode).toBe(204);
    const list = await h.app.inject({ method: 'GET', url: base, headers: bearer(t.read) });
    expect(list.json().total).toBe(0);
    const events = await h.deps.dbs.withTenant(t.tenant, (tx) =>
      tx.select({ action: auditEvents.action }).from(auditEvents),
    );
    const actions = events.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['subscriber.added', 'subscriber.removed']));
  });
});
