import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listAudit } from '../../src/features/audit/audit.service.js';
import { sendApprovalRequests } from '../../src/features/customers/approvals.service.js';
import { createMailer } from '../../src/platform/mail/mailer.js';
import { listOutbox } from '../../src/platform/mail/outbox.js';
import { type Harness, type TestTenant, bearer, createHarness, makeTenant } from '../support/harness.js';
import { regionUrl, tenantRowsIn } from '../support/move-fixture.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const DAY = 86_400_000;

/** A tenant with a published 30-day list (one entry) and its API base URLs. */
async function setUp() {
  const t = await makeTenant(h);
  const base = `/api/v1/tenants/${t.tenant.slug}`;
  const list = await h.app.inject({
    method: 'POST',
    url: `${base}/lists`,
    headers: bearer(t.write),
    payload: { slug: 'main', title: 'Sub-processors', noticePeriodDays: 30 },
  });
  expect(list.statusCode, list.body).toBe(201);
  const url = `${base}/lists/${list.json().id}`;
  await addEntry(t, url, 'Acme Ltd');
  expect((await publish(t, url)).statusCode).toBe(201);
  return { t, base, url, listId: list.json().id as string };
}

const addEntry = (t: TestTenant, url: string, legalName: string) =>
  h.app.inject({
    method: 'POST',
    url: `${url}/entries`,
    headers: bearer(t.write),
    payload: {
      entity: { legalName },
      group: 'Platform',
      purpose: `${legalName} hosting`,
      locations: ['Germany'],
    },
  });

const publish = (t: TestTenant, url: string, payload: object = {}) =>
  h.app.inject({ method: 'POST', url: `${url}/versions`, headers: bearer(t.write), payload });

const api = (
  t: TestTenant,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  payload?: object,
) =>
  h.app.inject({
    method,
    url,
    headers: bearer(method === 'GET' ? t.read : t.write),
    ...(payload ? { payload } : {}),
  });

/** A customer with one confirmed contact (added by staff, following `listId` or every list). */
async function customerWithContact(
  t: TestTenant,
  base: string,
  body: object,
  email: string,
  listId?: string,
) {
  const c = await api(t, 'POST', `${base}/customers`, body);
  expect(c.statusCode, c.body).toBe(201);
  const s = await api(t, 'POST', `${base}/subscribers`, { email, ...(listId ? { listId } : {}) });
  expect(s.statusCode, s.body).toBe(201);
  const link = await api(t, 'PUT', `${base}/customers/${c.json().id}/contacts/${s.json().id}`);
  expect(link.statusCode, link.body).toBe(200);
  return { customerId: c.json().id as string, subscriberId: s.json().id as string };
}

const auditActions = async (t: TestTenant) =>
  (await listAudit(h.deps, t.tenant, 0, 500)).items.map((e: { action: string }) => e.action);

const approvalMails = (to: string) =>
  h.mailbox.to(to).filter((m) => m.subject?.startsWith('Approval needed'));
const decideLink = (mail: ParsedMail) => {
  const link = /https?:\/\/\S+\/approvals\/decide\?token=\S+/.exec(mail.text ?? '')?.[0];
  if (!link) throw new Error(`no decision link in: ${mail.text}`);
  return new URL(link);
};
const form = (slug: string, body: Record<string, string>) =>
  h.app.inject({
    method: 'POST',
    url: `/t/${slug}/approvals`,
    payload: new URLSearchParams(body).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

describe('customers and their terms', () => {
  it('CRUD by editors, read by viewers, audited, invisible to another tenant; hostile input refused', async () => {
    const { t, base } = await setUp();
    const created = await api(t, 'POST', `${base}/customers`, {
      organisation: 'Customer AG',
      contractReference: 'DPA-2026-17',
      authorisation: 'specific',
      noticePeriodDays: 45,
      notifyBy: 'both',
      notes: 'Signed by their DPO.',
    });
    expect(created.statusCode, created.body).toBe(201);
    const c = created.json();
    expect(c).toMatchObject({
      organisation: 'Customer AG',
      contractReference: 'DPA-2026-17',
      authorisation: 'specific',
      noticePeriodDays: 45,
      notifyBy: 'both',
      contacts: 0,
    });
    // Defaults: general authorisation, the lists' notice period, by email.
    const plain = await api(t, 'POST', `${base}/customers`, { organisation: 'Plain Ltd' });
    expect(plain.json()).toMatchObject({
      authorisation: 'general',
      noticePeriodDays: null,
      notifyBy: 'email',
    });

    // A viewer reads, never writes.
    const listed = await api(t, 'GET', `${base}/customers`);
    expect(listed.json().items.map((x: { organisation: string }) => x.organisation)).toEqual([
      'Customer AG',
      'Plain Ltd',
    ]);
    const asViewer = await h.app.inject({
      method: 'POST',
      url: `${base}/customers`,
      headers: bearer(t.read),
      payload: { organisation: 'Nope' },
    });
    expect(asViewer.statusCode).toBe(403);

    const dup = await api(t, 'POST', `${base}/customers`, { organisation: 'Customer AG' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('CUSTOMER_EXISTS');

    const patched = await api(t, 'PATCH', `${base}/customers/${c.id}`, { noticePeriodDays: 60, notes: null });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ noticePeriodDays: 60, notes: null, authorisation: 'specific' });

    // Contacts: a subscriber linked, shown on both sides, then unlinked.
    const s = await api(t, 'POST', `${base}/subscribers`, { email: 'dpo@customer.test' });
    const link = await api(t, 'PUT', `${base}/customers/${c.id}/contacts/${s.json().id}`);
    expect(link.json()).toMatchObject({ email: 'dpo@customer.test', status: 'confirmed' });
    const detail = (await api(t, 'GET', `${base}/customers/${c.id}`)).json();
    expect(detail).toMatchObject({
      contacts: 1,
      contactList: [{ id: s.json().id, email: 'dpo@customer.test' }],
    });
    const subs = (await api(t, 'GET', `${base}/subscribers`)).json();
    expect(subs.items[0].customerId).toBe(c.id);
    const other = await api(t, 'PUT', `${base}/customers/${plain.json().id}/contacts/${s.json().id}`);
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('CONTACT_OF_ANOTHER_CUSTOMER');
    expect((await api(t, 'DELETE', `${base}/customers/${c.id}/contacts/${s.json().id}`)).statusCode).toBe(
      204,
    );
    expect((await api(t, 'GET', `${base}/customers/${c.id}`)).json().contacts).toBe(0);

    // Another tenant sees none of it, and its ids answer 404 here.
    const u = await makeTenant(h);
    const ubase = `/api/v1/tenants/${u.tenant.slug}`;
    expect((await api(u, 'GET', `${ubase}/customers`)).json().items).toEqual([]);
    for (const [m, path] of [
      ['GET', `${ubase}/customers/${c.id}`],
      ['PATCH', `${ubase}/customers/${c.id}`],
      ['DELETE', `${ubase}/customers/${c.id}`],
    ] as const) {
      const r = await api(u, m, path, m === 'PATCH' ? { notes: 'x' } : undefined);
      expect(r.statusCode, `${m} ${path}`).toBe(404);
    }
    // ... nor with its own token on this tenant's path.
    const cross = await h.app.inject({ method: 'GET', url: `${base}/customers`, headers: bearer(u.read) });
    expect([403, 404]).toContain(cross.statusCode);

    // Hostile or oversized input: a clear 400 naming the field.
    const bad = async (payload: object, want: RegExp, status = 400) => {
      const r = await api(t, 'POST', `${base}/customers`, payload);
      expect(r.statusCode, r.body).toBe(status);
      expect(r.json().detail).toMatch(want);
    };
    await bad({ organisation: 'A\r\nBcc: x@evil.test' }, /organisation must be one line/);
    await bad({ organisation: 'x'.repeat(201) }, /at most 200/);
    await bad({ organisation: '   ' }, /must not be empty/);
    await bad({ organisation: 'Nul\u0000 AG' }, /U\+0000/);
    await bad({ organisation: 'N', notes: 'n'.repeat(5001) }, /at most 5000/);
    await bad({ organisation: 'N', noticePeriodDays: 366 }, /at most 365/);
    await bad({ organisation: 'N', noticePeriodDays: 1.5 }, /whole number/);
    await bad({ organisation: 'N', authorisation: 'maybe' }, /general.*specific/);
    await bad({ organisation: 'N', admin: true }, /admin/);
    // Shorter than every list's period: it could never count.
    await bad(
      { organisation: 'Short GmbH', noticePeriodDays: 10 },
      /shorter than every list's notice period.*30 days/,
      422,
    );
    const huge = await h.app.inject({
      method: 'POST',
      url: `${base}/customers`,
      headers: { ...bearer(t.write), 'content-type': 'application/json' },
      payload: JSON.stringify({ organisation: 'Big', notes: 'x'.repeat(3_000_000) }),
    });
    expect(huge.statusCode).toBe(413);

    // Removing unlinks its contacts (they stay subscribed); every change is in the audit log.
    await api(t, 'PUT', `${base}/customers/${c.id}/contacts/${s.json().id}`);
    expect((await api(t, 'DELETE', `${base}/customers/${c.id}`)).statusCode).toBe(204);
    expect((await api(t, 'GET', `${base}/customers/${c.id}`)).statusCode).toBe(404);
    const after = (await api(t, 'GET', `${base}/subscribers`)).json().items[0];
    expect(after).toMatchObject({ status: 'confirmed', customerId: null });
    const actions = await auditActions(t);
    for (const a of [
      'customer.created',
      'customer.updated',
      'customer.contact_linked',
      'customer.contact_unlinked',
      'customer.removed',
    ])
      expect(actions).toContain(a);
  });

  it("a customer's longer notice period holds every publish of the lists it follows; the error names it", async () => {
    const { t, base, url, listId } = await setUp();
    // A customer with a 60-day contract but no contact on this list changes nothing here.
    await api(t, 'POST', `${base}/customers`, { organisation: 'Elsewhere SA', noticePeriodDays: 90 });
    await customerWithContact(
      t,
      base,
      { organisation: 'Careful AG', noticePeriodDays: 45 },
      'c@careful.test',
      listId,
    );
    // The draft preview already says so.
    const draft = (await api(t, 'GET', `${url}/draft/changes`)).json();
    expect(draft.noticePeriodDays).toBe(45);

    await addEntry(t, url, 'Beta GmbH');
    const tooSoon = await publish(t, url, { effectiveAt: new Date(Date.now() + 31 * DAY).toISOString() });
    expect(tooSoon.statusCode, tooSoon.body).toBe(422);
    const p = tooSoon.json();
    expect(p.code).toBe('NOTICE_TOO_SHORT');
    expect(p.detail).toContain('"Careful AG" requires 45 days');
    expect(p.details).toMatchObject({ noticePeriodDays: 45, customer: { organisation: 'Careful AG' } });

    // By default the version takes effect after the longest period; an emergency may be shorter.
    const ok = await publish(t, url);
    expect(ok.statusCode, ok.body).toBe(201);
    const v = ok.json();
    expect(new Date(v.effectiveAt).getTime() - new Date(v.publishedAt).getTime()).toBe(45 * DAY);
    await addEntry(t, url, 'Gamma Inc');
    const emergency = await publish(t, url, {
      effectiveAt: new Date(Date.now() + 50 * DAY).toISOString(),
      replacePending: true,
      emergency: { reason: 'Our host is closing its data centre.' },
    });
    expect(emergency.statusCode, emergency.body).toBe(201);
  });

  it('under specific authorisation: approval requests by email, one contact approves, one refuses, links are personal and single-use', async () => {
    const { t, base, url } = await setUp();
    const slug = t.tenant.slug;
    const stamp = Date.now();
    const yes = `yes-${stamp}@approver.test`;
    const no = `no-${stamp}@refuser.test`;
    const gen = `gen-${stamp}@general.test`;
    const approver = await customerWithContact(
      t,
      base,
      { organisation: 'Approver AG', authorisation: 'specific' },
      yes,
    );
    await customerWithContact(t, base, { organisation: 'Refuser <b>BV</b>', authorisation: 'specific' }, no);
    await customerWithContact(t, base, { organisation: 'General Ltd', authorisation: 'general' }, gen);
    // A specific customer without contacts: no list of this tenant concerns it, so nothing is asked.
    await api(t, 'POST', `${base}/customers`, { organisation: 'Silent GmbH', authorisation: 'specific' });

    await addEntry(t, url, 'Beta GmbH');
    const v2 = await publish(t, url);
    expect(v2.statusCode, v2.body).toBe(201);
    const notice = (await api(t, 'GET', `${base}/notices`)).json().items[0];
    const approvalsUrl = `${base}/notices/${notice.id}/approvals`;
    let approvals = (await api(t, 'GET', approvalsUrl)).json().items;
    // Silent GmbH has no contact following the list: the list does not concern it.
    expect(
      approvals.map((a: { organisation: string; status: string }) => [a.organisation, a.status]),
    ).toEqual([
      ['Approver AG', 'requested'],
      ['Refuser <b>BV</b>', 'requested'],
    ]);
    expect(approvals[0]).toMatchObject({
      inEffectForCustomer: false,
      mail: { status: 'queued', contacts: 0 },
    });

    // Sent after the commit, once per contact; a second run sends nothing again.
    expect(await sendApprovalRequests(h.deps, t.tenant)).toEqual({ sent: 2, failed: 0 });
    expect(await sendApprovalRequests(h.deps, t.tenant)).toEqual({ sent: 0, failed: 0 });
    expect(approvalMails(gen)).toHaveLength(0);
    const yesMail = approvalMails(yes);
    expect(yesMail).toHaveLength(1);
    expect(yesMail[0]!.text).toContain('it does not take effect for Approver AG until you approve it');
    expect(approvalMails(no)[0]!.html).toContain('Refuser &lt;b&gt;BV&lt;/b&gt;');
    expect(yesMail[0]!.messageId).toMatch(/^<approval\.[0-9a-f-]{36}\.[0-9a-f-]{36}@/);
    expect(yesMail[0]!.headerLines.some((l) => l.key === 'list-unsubscribe')).toBe(true);
    approvals = (await api(t, 'GET', approvalsUrl)).json().items;
    expect(approvals[0].mail).toMatchObject({ status: 'sent', contacts: 1 });

    // The approver: a plain HTML form (no script), then a form post.
    const yesLink = decideLink(yesMail[0]!);
    const yesToken = yesLink.searchParams.get('token')!;
    expect(yesToken).toMatch(/^a\./);
    const page = await h.app.inject({ method: 'GET', url: `${yesLink.pathname}${yesLink.search}` });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<form method="post"');
    expect(page.body).toContain('value="approve"');
    expect(page.body).not.toContain('<script');
    const approved = await form(slug, { token: yesToken, decision: 'approve' });
    expect(approved.statusCode, approved.body).toBe(201);
    expect(approved.body).toContain('approved');
    // Replayed: the decision is recorded once.
    const replay = await form(slug, { token: yesToken, decision: 'refuse', reason: 'changed my mind' });
    expect(replay.statusCode).toBe(409);
    expect(replay.body).toContain('already approved');

    // The refuser must say why; JSON clients are answered in JSON.
    const noToken = decideLink(approvalMails(no)[0]!).searchParams.get('token')!;
    const post = (payload: object) =>
      h.app.inject({ method: 'POST', url: `/t/${slug}/approvals`, payload: { token: noToken, ...payload } });
    const noReason = await post({ decision: 'refuse' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().detail).toContain('why you refuse');
    expect((await post({ decision: 'refuse', reason: 'r'.repeat(5001) })).statusCode).toBe(400);
    expect((await post({ decision: 'maybe' })).json().detail).toContain('decision must be');
    expect(
      (await form(slug, { token: noToken, decision: 'refuse', reason: 'y'.repeat(20_000) })).statusCode,
    ).toBe(413);
    const refused = await post({ decision: 'refuse', reason: 'Beta GmbH is not acceptable to us.' });
    expect(refused.statusCode, refused.body).toBe(201);
    expect(refused.json()).toMatchObject({ status: 'refused' });

    // Forged, altered or transplanted links are refused.
    const forged = `${yesToken.slice(0, -2)}xx`;
    expect((await form(slug, { token: forged, decision: 'approve' })).statusCode).toBe(400);
    const otherContact = yesToken.replace(
      /^(a\.[0-9a-f-]{36}\.[0-9a-z]+\.)[0-9a-f]{32}/,
      `$1${'0'.repeat(32)}`,
    );
    expect(otherContact).not.toBe(yesToken);
    expect((await form(slug, { token: otherContact, decision: 'approve' })).statusCode).toBe(400);
    // An objection link is not an approval link (kinds are signed).
    const asObjection = await h.app.inject({
      method: 'GET',
      url: `/t/${slug}/objections/new?token=${encodeURIComponent(yesToken)}`,
    });
    expect(asObjection.statusCode).toBe(400);
    const u = await makeTenant(h);
    expect((await form(u.tenant.slug, { token: yesToken, decision: 'approve' })).statusCode).toBe(400);

    // A contact unlinked from the customer can no longer decide for it.
    await api(t, 'DELETE', `${base}/customers/${approver.customerId}/contacts/${approver.subscriberId}`);
    const gone = await h.app.inject({ method: 'GET', url: `${yesLink.pathname}${yesLink.search}` });
    expect(gone.statusCode).toBe(403);
    expect(gone.body).toContain('no longer one');

    // Staff see who decided what, when and why; all of it audited.
    approvals = (await api(t, 'GET', approvalsUrl)).json().items;
    expect(approvals[0]).toMatchObject({
      organisation: 'Approver AG',
      status: 'approved',
      decidedBy: yes,
      reason: null,
      inEffectForCustomer: false,
    });
    expect(approvals[1]).toMatchObject({
      status: 'refused',
      decidedBy: no,
      reason: 'Beta GmbH is not acceptable to us.',
    });
    const actions = await auditActions(t);
    expect(actions.filter((a: string) => a === 'approval.requested')).toHaveLength(1);
    expect(actions).toContain('approval.approved');
    expect(actions).toContain('approval.refused');
    // A customer with approvals on record is kept.
    const del = await api(t, 'DELETE', `${base}/customers/${approver.customerId}`);
    expect(del.statusCode).toBe(409);
    expect(del.json().code).toBe('CUSTOMER_HAS_APPROVALS');

    // Once its date has come, an approved change is in effect for that customer.
    h.deps.now = () => new Date(Date.now() + 31 * DAY);
    try {
      approvals = (await api(t, 'GET', approvalsUrl)).json().items;
      expect(approvals.map((a: { inEffectForCustomer: boolean }) => a.inEffectForCustomer)).toEqual([
        true,
        false,
      ]);
    } finally {
      h.deps.now = undefined;
    }
  });

  it('a decision after the effective date is refused with a clear message', async () => {
    const { t, base, url } = await setUp();
    const late = `late-${Date.now()}@customer.test`;
    await customerWithContact(t, base, { organisation: 'Late AG', authorisation: 'specific' }, late);
    await addEntry(t, url, 'Beta GmbH');
    expect((await publish(t, url)).statusCode).toBe(201);
    await sendApprovalRequests(h.deps, t.tenant);
    const link = decideLink(approvalMails(late)[0]!);
    h.deps.now = () => new Date(Date.now() + 31 * DAY);
    try {
      const page = await h.app.inject({ method: 'GET', url: `${link.pathname}${link.search}` });
      expect(page.statusCode).toBe(410);
      expect(page.body).toContain('decisions had to arrive before that date');
      const r = await h.app.inject({
        method: 'POST',
        url: `/t/${t.tenant.slug}/approvals`,
        payload: { token: link.searchParams.get('token'), decision: 'approve' },
      });
      expect(r.statusCode).toBe(410);
      expect(r.json().code).toBe('APPROVAL_PERIOD_OVER');
      expect(r.json().detail).toContain('the change does not apply to it');
    } finally {
      h.deps.now = undefined;
    }
  });

  it("staff record a customer's decision received by letter, once, before the date; viewers cannot", async () => {
    const { t, base, url } = await setUp();
    await customerWithContact(
      t,
      base,
      { organisation: 'Letter AG', authorisation: 'specific' },
      `l-${Date.now()}@letter.test`,
    );
    await customerWithContact(
      t,
      base,
      { organisation: 'Late Letter AG', authorisation: 'specific' },
      `ll-${Date.now()}@letter.test`,
    );
    await addEntry(t, url, 'Beta GmbH');
    expect((await publish(t, url)).statusCode).toBe(201);
    const notice = (await api(t, 'GET', `${base}/notices`)).json().items[0];
    const [late, letter] = (await api(t, 'GET', `${base}/notices/${notice.id}/approvals`)).json().items;
    const decide = (id: string, body: object, token = t.write) =>
      h.app.inject({
        method: 'POST',
        url: `${base}/approvals/${id}/decision`,
        headers: bearer(token),
        payload: body,
      });
    const body = { decision: 'refuse', reason: 'Our letter of 3 May.', onBehalfOf: 'Dana Meyer, DPO' };
    expect((await decide(letter.id, body, t.read)).statusCode).toBe(403);
    expect((await decide(letter.id, { ...body, reason: '' })).json().detail).toContain(
      'why the customer refuses',
    );
    expect((await decide(letter.id, { ...body, onBehalfOf: 'A\r\nB' })).statusCode).toBe(400);
    const ok = await decide(letter.id, body);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      status: 'refused',
      decidedBy: 'Dana Meyer, DPO (recorded by staff)',
      reason: 'Our letter of 3 May.',
    });
    expect((await decide(letter.id, { ...body, decision: 'approve' })).json().code).toBe('APPROVAL_DECIDED');
    const u = await makeTenant(h);
    const cross = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${u.tenant.slug}/approvals/${late.id}/decision`,
      headers: bearer(u.write),
      payload: body,
    });
    expect(cross.statusCode).toBe(404);
    h.deps.now = () => new Date(Date.now() + 31 * DAY);
    try {
      expect((await decide(late.id, body)).json().code).toBe('APPROVAL_PERIOD_OVER');
    } finally {
      h.deps.now = undefined;
    }
  });

  it('approval mail: kept queued while SMTP is down and sent once when it is back; no confirmed contact is said plainly', async () => {
    const { t, base, url } = await setUp();
    const down = `down-${Date.now()}@customer.test`;
    await customerWithContact(t, base, { organisation: 'Patient AG', authorisation: 'specific' }, down);
    // A contact that never confirmed its address is not mailed.
    const pending = await h.app.inject({
      method: 'POST',
      url: `/t/${t.tenant.slug}/main/subscribe`,
      payload: { email: `pending-${Date.now()}@customer.test` },
    });
    expect(pending.statusCode, pending.body).toBe(202);
    const pendingRow = (await api(t, 'GET', `${base}/subscribers?status=pending`)).json().items[0];
    const unconfirmed = await api(t, 'POST', `${base}/customers`, {
      organisation: 'Unconfirmed BV',
      authorisation: 'specific',
    });
    await api(t, 'PUT', `${base}/customers/${unconfirmed.json().id}/contacts/${pendingRow.id}`);

    await addEntry(t, url, 'Beta GmbH');
    expect((await publish(t, url)).statusCode).toBe(201);
    const notice = (await api(t, 'GET', `${base}/notices`)).json().items[0];
    const approvalsUrl = `${base}/notices/${notice.id}/approvals`;
    const working = h.deps.mail;
    h.deps.mail = createMailer({
      smtpUrl: 'smtp://127.0.0.1:9',
      from: 'x <x@x.test>',
      dataDir: '/nonexistent',
      log: () => {},
    });
    try {
      expect(await sendApprovalRequests(h.deps, t.tenant)).toEqual({ sent: 0, failed: 1 });
    } finally {
      h.deps.mail?.close();
      h.deps.mail = working;
    }
    let items = (await api(t, 'GET', approvalsUrl)).json().items;
    expect(items[0]).toMatchObject({
      organisation: 'Patient AG',
      mail: { status: 'queued', contacts: 0, error: expect.stringMatching(/ECONNREFUSED|connect/i) },
    });
    expect(items[1]).toMatchObject({
      organisation: 'Unconfirmed BV',
      mail: { status: 'failed', contacts: 0, error: expect.stringContaining('no confirmed contact') },
    });
    expect(await sendApprovalRequests(h.deps, t.tenant)).toEqual({ sent: 1, failed: 0 });
    expect(await sendApprovalRequests(h.deps, t.tenant)).toEqual({ sent: 0, failed: 0 });
    expect(approvalMails(down)).toHaveLength(1);
    items = (await api(t, 'GET', approvalsUrl)).json().items;
    expect(items[0].mail).toMatchObject({ status: 'sent', contacts: 1, error: null });
  });

  it('approval mail written to the outbox (no SMTP) is marked with its workspace, so its owners see it', async () => {
    const { t, base, url } = await setUp();
    const contact = `outbox-${Date.now()}@approver.test`;
    await customerWithContact(t, base, { organisation: 'Outbox AG', authorisation: 'specific' }, contact);
    await addEntry(t, url, 'Beta GmbH');
    expect((await publish(t, url)).statusCode).toBe(201);
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'subreg-approval-outbox-'));
    const working = h.deps.mail;
    h.deps.mail = createMailer({ smtpUrl: null, from: h.deps.config.mailFrom, dataDir, log: () => {} });
    try {
      expect(await sendApprovalRequests(h.deps, t.tenant)).toEqual({ sent: 1, failed: 0 });
      const written = await listOutbox(dataDir);
      expect(written).toHaveLength(1);
      expect(written[0]).toMatchObject({ to: contact, tenantId: t.tenant.id });
      expect(written[0]!.subject).toContain('Approval needed');
      const raw = await fs.readFile(written[0]!.file, 'utf8');
      expect(raw).toMatch(new RegExp(`^X-Subreg-Tenant: ${t.tenant.id}\r$`, 'm'));
    } finally {
      h.deps.mail = working;
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a region move carries customers, their contacts and approvals', async () => {
    const targets = inject('dbTargets');
    const { t, base, url } = await setUp();
    const who = `move-${Date.now()}@customer.test`;
    const { customerId } = await customerWithContact(
      t,
      base,
      { organisation: 'Mover AG', authorisation: 'specific' },
      who,
    );
    await addEntry(t, url, 'Beta GmbH');
    expect((await publish(t, url)).statusCode).toBe(201);
    const source = await tenantRowsIn(regionUrl(targets, 'eu-west'), t.tenant.id);
    expect(source).toMatchObject({
      'public.customers': 1,
      'public.change_approvals': 1,
      'public.subscribers': 1,
    });
    const planned = await h.deps.moves!.plan(t.tenant.slug, 'us-central', 'test');
    const moved = await h.deps.moves!.run(planned.id);
    expect(moved.error).toBeNull();
    expect(await tenantRowsIn(regionUrl(targets, 'eu-west'), t.tenant.id)).toEqual({});
    const target = await tenantRowsIn(regionUrl(targets, 'us-central'), t.tenant.id);
    expect(target).toMatchObject({
      'public.customers': 1,
      'public.change_approvals': 1,
      'public.subscribers': 1,
    });
    const detail = (await api(t, 'GET', `${base}/customers/${customerId}`)).json();
    expect(detail).toMatchObject({ organisation: 'Mover AG', contactList: [{ email: who }] });
  }, 60_000);
});
