import type { ParsedMail } from 'mailparser';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/db/schema/region.js';
import { signLink } from '../../src/features/notices/links.js';
import { noticeMail, withdrawalMail } from '../../src/features/notices/notice-mail.js';
import { deliverDue } from '../../src/features/notices/notice-worker.js';
import { PREFERENCES_DAYS, preferencesUrl } from '../../src/features/notices/preferences.service.js';
import { unsubscribeUrl } from '../../src/features/notices/subscribers.service.js';
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
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const post = (url: string, body: string, headers: Record<string, string> = form) =>
  h.app.inject({ method: 'POST', url, payload: body, headers, remoteAddress: `10.7.0.${++ip % 250}` });
const get = (url: string) => h.app.inject({ method: 'GET', url });

const linkIn = (mail: ParsedMail, path: string) => {
  const re = new RegExp(`https?://\\S+${path.replace(/[/?]/g, '\\$&')}\\?token=[A-Za-z0-9._-]+`);
  const link = re.exec(mail.text ?? '')?.[0];
  if (!link) throw new Error(`no ${path} link in: ${mail.text}`);
  return link;
};
const pathOf = (link: string) => {
  const u = new URL(link);
  return `${u.pathname}${u.search}`;
};
const tokenOf = (path: string) => new URL(path, 'http://x').searchParams.get('token')!;

interface Subscribed {
  t: TestTenant;
  listId: string;
  email: string;
  /** the preferences page's path with its token, from the confirmation page */
  prefs: string;
}

/** A tenant with a published list and one address subscribed (form, email, confirm), as a person does it. */
async function subscribed(organisation = 'Customer AG'): Promise<Subscribed> {
  const t = await makeTenant(h);
  const { listId } = await seedList(h, t);
  const v1 = await h.app.inject({
    method: 'POST',
    url: `/api/v1/tenants/${t.tenant.slug}/lists/${listId}/versions`,
    headers: bearer(t.write),
    payload: {},
  });
  expect(v1.statusCode, v1.body).toBe(201);
  const email = `dpo-${t.tenant.slug}@customer.test`;
  const asked = await post(
    `/t/${t.tenant.slug}/main/subscribe`,
    `email=${encodeURIComponent(email)}&organisation=${encodeURIComponent(organisation)}`,
  );
  expect(asked.statusCode, asked.body).toBe(202);
  const confirm = tokenOf(pathOf(linkIn(h.mailbox.only(email), '/subscriptions/confirm')));
  const done = await post(`/t/${t.tenant.slug}/subscriptions/confirm`, `token=${confirm}`);
  expect(done.statusCode, done.body).toBe(200);
  const prefs = /href="(\/t\/[^"]+\/subscriptions\/preferences\?token=p\.[^"]+)"/.exec(done.body)?.[1];
  if (!prefs) throw new Error(`no preferences link on the confirmation page: ${done.body}`);
  return { t, listId, email, prefs };
}

const staffView = async (t: TestTenant) =>
  (
    await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${t.tenant.slug}/subscribers`,
      headers: bearer(t.read),
    })
  ).json().items as {
    id: string;
    email: string;
    listId: string | null;
    organisation: string | null;
    status: string;
  }[];

const change = (s: Subscribed, body: string) =>
  post(`/t/${s.t.tenant.slug}/subscriptions/preferences`, `token=${tokenOf(s.prefs)}&${body}`);

const auditActions = (s: Subscribed, id: string) =>
  h.deps.dbs.withTenant(s.t.tenant, (tx) =>
    tx
      .select({ action: auditEvents.action, before: auditEvents.before, after: auditEvents.after })
      .from(auditEvents)
      .where(and(eq(auditEvents.objectType, 'subscriber'), eq(auditEvents.objectId, id))),
  );

describe('the preferences page', () => {
  it('opens from the confirmation page and from a notice email, showing address, organisation and scope', async () => {
    const s = await subscribed();
    const page = await get(s.prefs);
    expect(page.statusCode, page.body).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).toContain(s.email);
    expect(page.body).toContain('value="Customer AG"');
    expect(page.body).toContain('You are told about the list “Sub-processors”');
    expect(page.body).not.toContain('<script');

    // The footer of a notice carries the link next to unsubscribe, in text and HTML; sent
    // through the real SMTP server and opened from what arrived.
    const [row] = await staffView(s.t);
    await h.deps.mail!.send({
      ...noticeMail({
        to: s.email,
        messageId: `<prefs.${row!.id}@subreg.test>`,
        tenantName: 'Tenant',
        listTitle: 'Sub-processors',
        listUrl: 'https://example.test/l',
        diffUrl: 'https://example.test/d',
        versionNumber: 2,
        effectiveAt: new Date(Date.now() + 30 * 86_400_000),
        emergencyReason: null,
        summary: null,
        changes: { added: [], removed: [], changed: [], documentFields: [] },
        objectUrl: 'https://example.test/o',
        unsubscribeUrl: unsubscribeUrl(h.deps, s.t.tenant, row!.id),
        preferencesUrl: preferencesUrl(h.deps, s.t.tenant, row!.id),
      }),
      tenantId: s.t.tenant.id,
    });
    const mail = h.mailbox.to(s.email).at(-1)!;
    const link = linkIn(mail, '/subscriptions/preferences');
    expect(mail.html).toContain('>Stop these notices</a> · <a href="');
    expect(mail.html).toContain('>Your preferences</a>');
    const fromMail = await get(pathOf(link));
    expect(fromMail.statusCode).toBe(200);
    expect(fromMail.body).toContain(s.email);
    const withdrawn = withdrawalMail({
      to: s.email,
      messageId: '<w@subreg.test>',
      tenantName: 'Tenant',
      listTitle: 'Sub-processors',
      versionNumber: 2,
      effectiveAt: new Date(),
      reason: null,
      listUrl: 'https://example.test/l',
      unsubscribeUrl: 'https://example.test/u',
      preferencesUrl: link,
    });
    expect(withdrawn.text).toContain(
      `To stop these notices: https://example.test/u\nYour preferences: ${link}`,
    );
  });

  it('changing the organisation persists and is audited', async () => {
    const s = await subscribed();
    const saved = await change(s, 'action=save&organisation=Customer+Holding+SE&scope=main');
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.body).toContain('Your changes are saved.');
    const [row] = await staffView(s.t);
    expect(row).toMatchObject({ organisation: 'Customer Holding SE', status: 'confirmed' });
    expect((await get(s.prefs)).body).toContain('value="Customer Holding SE"');
    const audit = await auditActions(s, row!.id);
    expect(audit.find((a) => a.action === 'subscriber.preferences_changed')).toMatchObject({
      before: { organisation: 'Customer AG' },
      after: { organisation: 'Customer Holding SE' },
    });

    // The same again changes nothing and writes nothing; JSON for an API client.
    const again = await post(
      `/t/${s.t.tenant.slug}/subscriptions/preferences`,
      JSON.stringify({ token: tokenOf(s.prefs), organisation: 'Customer Holding SE' }),
      { 'content-type': 'application/json' },
    );
    expect(again.json()).toEqual({
      status: 'saved',
      email: s.email,
      organisation: 'Customer Holding SE',
      scope: 'main',
      changed: [],
    });
    expect(
      (await auditActions(s, row!.id)).filter((a) => a.action === 'subscriber.preferences_changed'),
    ).toHaveLength(1);
  });

  it('switches between this list and every list of the workspace', async () => {
    const s = await subscribed();
    const wide = await change(s, 'action=save&scope=all');
    expect(wide.statusCode, wide.body).toBe(200);
    expect((await staffView(s.t))[0]!.listId).toBeNull();
    const page = await get(s.prefs);
    expect(page.body).toContain('You are told about every list of');
    expect(page.body).toContain('value="main"');

    const narrow = await change(s, 'action=save&scope=main');
    expect(narrow.statusCode, narrow.body).toBe(200);
    expect((await staffView(s.t))[0]!.listId).toBe(s.listId);

    // A list the page does not offer is refused, nothing changed.
    const unknown = await change(s, 'action=save&scope=not-a-list');
    expect(unknown.statusCode).toBe(400);
    expect((await staffView(s.t))[0]!.listId).toBe(s.listId);

    // Staff add the same address for every list: widening would double it, so it is refused.
    const added = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${s.t.tenant.slug}/subscribers`,
      headers: bearer(s.t.write),
      payload: { email: s.email },
    });
    expect(added.statusCode, added.body).toBe(201);
    const doubled = await change(s, 'action=save&scope=all');
    expect(doubled.statusCode).toBe(409);
    expect(doubled.body).toContain('already receives those notices');
    expect((await staffView(s.t)).map((r) => r.listId).sort()).toEqual([null, s.listId].sort());
  });

  it('unsubscribing from the page stops later notices', async () => {
    const s = await subscribed();
    const left = await change(s, 'action=unsubscribe');
    expect(left.statusCode, left.body).toBe(200);
    expect(left.body).toContain('You are unsubscribed');
    const [row] = await staffView(s.t);
    expect(row!.status).toBe('unsubscribed');
    expect((await auditActions(s, row!.id)).map((a) => a.action)).toContain('subscriber.unsubscribed');
    expect((await get(s.prefs)).body).toContain('This address receives no notices');
    // Nothing more can be changed from the page of an address that left.
    expect((await change(s, 'action=save&organisation=X')).statusCode).toBe(409);

    const before = h.mailbox.to(s.email).length;
    await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${s.t.tenant.slug}/lists/${s.listId}/entries`,
      headers: bearer(s.t.write),
      payload: {
        entity: { legalName: 'Zeta Mail Ltd' },
        group: 'Mail',
        purpose: 'Email',
        locations: ['Ireland'],
      },
    });
    const v2 = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${s.t.tenant.slug}/lists/${s.listId}/versions`,
      headers: bearer(s.t.write),
      payload: {},
    });
    expect(v2.statusCode, v2.body).toBe(201);
    await deliverDue(h.deps, s.t.tenant);
    expect(h.mailbox.to(s.email)).toHaveLength(before);
  });

  it('refuses forged, other-kind and expired tokens with one generic answer', async () => {
    const s = await subscribed();
    const [row] = await staffView(s.t);
    const good = tokenOf(s.prefs);
    const forged = `${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`;
    const objectLink = signLink(h.deps, s.t.tenant.id, { kind: 'object', id: row!.id, exp: 0, nonce: '' });
    const unsubscribeLink = tokenOf(pathOf(unsubscribeUrl(h.deps, s.t.tenant, row!.id)));
    const base = `/t/${s.t.tenant.slug}/subscriptions/preferences`;
    const answers: { status: number; body: string }[] = [];
    const json: unknown[] = [];
    const tryAll = async (token: string) => {
      const page = await get(`${base}?token=${token}`);
      const posted = await post(base, `token=${token}&action=unsubscribe`);
      answers.push(
        { status: page.statusCode, body: page.body },
        { status: posted.statusCode, body: posted.body },
      );
      const j = await post(base, JSON.stringify({ token, unsubscribe: true }), {
        'content-type': 'application/json',
      });
      json.push({ status: j.statusCode, code: j.json().code, detail: j.json().detail });
    };
    await tryAll(forged);
    await tryAll(objectLink);
    await tryAll(unsubscribeLink);
    await tryAll('');
    h.deps.now = () => new Date(Date.now() + (PREFERENCES_DAYS + 1) * 86_400_000);
    try {
      await tryAll(good);
    } finally {
      h.deps.now = undefined;
    }
    expect(answers[0]!.status).toBe(400);
    expect(answers[0]!.body).toContain('This link is not valid');
    expect(answers[0]!.body).not.toContain(s.email);
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(json[0]).toMatchObject({ status: 400, code: 'LINK_INVALID' });
    for (const j of json) expect(j).toEqual(json[0]);
    // None of them did anything.
    expect((await staffView(s.t))[0]!.status).toBe('confirmed');

    // A token works only under its own tenant's URL.
    const other = await subscribed();
    expect((await get(`/t/${other.t.tenant.slug}/subscriptions/preferences?token=${good}`)).statusCode).toBe(
      400,
    );
  });

  it('escapes HTML in the organisation and refuses a header injection', async () => {
    const s = await subscribed('<b>Big</b> "Co"');
    const page = await get(s.prefs);
    expect(page.body).toContain('value="&lt;b&gt;Big&lt;/b&gt; &quot;Co&quot;"');
    const evil = '"><script>alert(1)</script>';
    const saved = await change(s, `action=save&organisation=${encodeURIComponent(evil)}`);
    expect(saved.statusCode, saved.body).toBe(200);
    for (const body of [saved.body, (await get(s.prefs)).body]) {
      expect(body).not.toContain('<script>');
      expect(body).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    const injected = await change(
      s,
      `action=save&organisation=${encodeURIComponent('Co\r\nBcc: x@evil.test')}`,
    );
    expect(injected.statusCode).toBe(400);
    expect(injected.body).toContain('organisation must be one line');
    const huge = await post(
      `/t/${s.t.tenant.slug}/subscriptions/preferences`,
      JSON.stringify({ token: tokenOf(s.prefs), organisation: 'x'.repeat(5000) }),
      { 'content-type': 'application/json' },
    );
    expect(huge.statusCode).toBe(413);
    expect((await staffView(s.t))[0]!.organisation).toBe(evil);
  });
});
