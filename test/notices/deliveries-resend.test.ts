import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/db/schema/region.js';
import { MAX_ATTEMPTS, deliverDue } from '../../src/features/notices/notice-worker.js';
import { type Harness, type TestTenant, bearer, createHarness, makeTenant } from '../support/harness.js';

/**
 * Failed deliveries sent again by an owner: through the real SMTP server, which refuses an
 * address (550) until the test lets it through.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

interface Delivery {
  id: string;
  email: string;
  kind: string;
  status: string;
  attempts: number;
  messageId: string;
}

async function ownerSession(t: TestTenant) {
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: t.ownerEmail, password: t.password },
  });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === 'subreg_session')!;
  return { cookie: `subreg_session=${cookie.value}`, 'x-csrf-token': res.json().csrfToken as string };
}

/** A published list, subscribers, and a second version whose notice went to them. */
async function noticeTo(emails: string[]) {
  const t = await makeTenant(h);
  const base = `/api/v1/tenants/${t.tenant.slug}`;
  const send = async (method: 'POST' | 'GET', url: string, payload?: object) => {
    const r = await h.app.inject({ method, url: `${base}${url}`, headers: bearer(t.write), payload });
    expect(r.statusCode, r.body).toBeLessThan(300);
    return r.json();
  };
  const list = await send('POST', '/lists', { slug: 'main', title: 'Sub-processors', noticePeriodDays: 30 });
  const entry = { entity: { legalName: 'Acme Ltd' }, purpose: 'Hosting', locations: ['Germany'] };
  await send('POST', `/lists/${list.id}/entries`, entry);
  await send('POST', `/lists/${list.id}/versions`, {});
  for (const email of emails) await send('POST', '/subscribers', { email, listId: list.id });
  await send('POST', `/lists/${list.id}/entries`, { entity: { legalName: 'Beta GmbH' }, purpose: 'Support' });
  await send('POST', `/lists/${list.id}/versions`, { summary: 'Beta joins' });
  const notice = (await send('GET', '/notices')).items[0] as { id: string };
  const deliveries = async () =>
    (await send('GET', `/deliveries?noticeId=${notice.id}&limit=200`)).items as Delivery[];
  return { t, base, notice, deliveries };
}

/**
 * The worker, run after run, until nothing is left to retry, with no wait between attempts: a
 * refused address gives up. (A run does not claim again what it claimed itself; the next does.)
 */
async function deliverAll(t: TestTenant) {
  const total = { sent: 0, retrying: 0, failed: 0, skipped: 0 };
  for (let i = 0; i <= MAX_ATTEMPTS + 1; i++) {
    const run = await deliverDue(h.deps, t.tenant, { retryDelay: () => 0 });
    total.sent += run.sent;
    total.failed += run.failed;
    total.skipped += run.skipped;
    total.retrying = run.retrying;
    if (run.retrying === 0) break;
  }
  return total;
}

describe('re-sending failed notice deliveries', () => {
  it('an owner re-sends a failed message: queued again, due now, attempts and Message-ID kept; it arrives', async () => {
    const bad = `bounce-${Date.now()}@customer.test`;
    const good = `fine-${Date.now()}@customer.test`;
    h.mailbox.refused.add(bad);
    const { t, base, notice, deliveries } = await noticeTo([bad, good]);
    expect(await deliverAll(t)).toMatchObject({ sent: 1, failed: 1 });
    const failed = (await deliveries()).find((d) => d.email === bad)!;
    const sent = (await deliveries()).find((d) => d.email === good)!;
    expect(failed).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    const url = (d: Delivery) => `${base}/notices/${notice.id}/deliveries/${d.id}/resend`;
    const owner = await ownerSession(t);

    // Editors (a write token acts as one) may not: owners only.
    const editor = await h.app.inject({ method: 'POST', url: url(failed), headers: bearer(t.write) });
    expect(editor.statusCode).toBe(403);
    expect(editor.headers['content-type']).toContain('application/problem+json');

    // A delivered message is not sent again: 409 with what to know.
    const twice = await h.app.inject({ method: 'POST', url: url(sent), headers: owner });
    expect(twice.statusCode).toBe(409);
    expect(twice.headers['content-type']).toContain('application/problem+json');
    expect(twice.json()).toMatchObject({ code: 'DELIVERY_NOT_RESENDABLE' });
    expect(twice.json().detail).toContain(`The message to ${good} was delivered`);

    // A delivery id under another notice id of the same tenant is not found.
    const elsewhere = await h.app.inject({
      method: 'POST',
      url: `${base}/notices/${failed.id}/deliveries/${failed.id}/resend`,
      headers: owner,
    });
    expect(elsewhere.statusCode).toBe(404);

    h.mailbox.refused.delete(bad);
    const res = await h.app.inject({ method: 'POST', url: url(failed), headers: owner });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({
      id: failed.id,
      status: 'queued',
      attempts: MAX_ATTEMPTS,
      messageId: failed.messageId,
    });
    expect(h.mailbox.to(bad)).toHaveLength(0);
    expect(await deliverAll(t)).toMatchObject({ sent: 1, failed: 0 });
    const mail = h.mailbox.only(bad);
    expect(mail.messageId).toBe(failed.messageId);
    expect((await deliveries()).find((d) => d.email === bad)).toMatchObject({
      status: 'sent',
      attempts: MAX_ATTEMPTS + 1,
    });
    // The first recipient got theirs once; nothing failed is left to re-send.
    expect(h.mailbox.to(good)).toHaveLength(1);
    const none = await h.app.inject({
      method: 'POST',
      url: `${base}/notices/${notice.id}/deliveries/resend-failed`,
      headers: owner,
    });
    expect(none.statusCode, none.body).toBe(202);
    expect(none.json()).toEqual({ resent: 0, notResent: [] });

    const audit = await h.deps.dbs.withTenant(t.tenant, (tx) =>
      tx.select({ action: auditEvents.action, objectId: auditEvents.objectId }).from(auditEvents),
    );
    expect(audit).toContainEqual({ action: 'notice.delivery_resent', objectId: failed.id });
  });

  it("another workspace's notice and delivery ids answer 404, for its owner too", async () => {
    const bad = `iso-${Date.now()}@customer.test`;
    h.mailbox.refused.add(bad);
    const a = await noticeTo([bad]);
    await deliverAll(a.t);
    const [failed] = await a.deliveries();
    expect(failed).toMatchObject({ status: 'failed' });
    const other = await makeTenant(h);
    const owner = await ownerSession(other);
    const path = `/notices/${a.notice.id}/deliveries/${failed!.id}/resend`;
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${other.tenant.slug}${path}`,
      headers: owner,
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({
      code: 'NOTICE_NOT_FOUND',
      detail: 'No notice with that id exists here.',
    });
    const all = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${other.tenant.slug}/notices/${a.notice.id}/deliveries/resend-failed`,
      headers: owner,
    });
    expect(all.statusCode).toBe(404);
    // B's owner on A's slug: A is not theirs
    const cross = await h.app.inject({ method: 'POST', url: `${a.base}${path}`, headers: owner });
    expect(cross.statusCode).toBe(404);
    expect((await a.deliveries())[0]).toMatchObject({ status: 'failed' });
    h.mailbox.refused.delete(bad);
  });

  it('a withdrawn notice is not sent again, its withdrawal message is; re-send all says which and why', async () => {
    const bad = `wd-${Date.now()}@customer.test`;
    h.mailbox.refused.add(bad);
    const { t, base, notice, deliveries } = await noticeTo([bad]);
    await deliverAll(t);
    const withdraw = await h.app.inject({
      method: 'POST',
      url: `${base}/notices/${notice.id}/withdraw`,
      headers: bearer(t.write),
      payload: { reason: 'We keep Acme alone after all.' },
    });
    expect(withdraw.statusCode, withdraw.body).toBe(200);
    await deliverAll(t);
    const ds = await deliveries();
    expect(ds.map((d) => [d.kind, d.status]).sort()).toEqual([
      ['notice', 'failed'],
      ['withdrawal', 'failed'],
    ]);
    const owner = await ownerSession(t);
    const original = ds.find((d) => d.kind === 'notice')!;
    const one = await h.app.inject({
      method: 'POST',
      url: `${base}/notices/${notice.id}/deliveries/${original.id}/resend`,
      headers: owner,
    });
    expect(one.statusCode).toBe(409);
    expect(one.json().detail).toContain('This notice was withdrawn');

    h.mailbox.refused.delete(bad);
    const all = await h.app.inject({
      method: 'POST',
      url: `${base}/notices/${notice.id}/deliveries/resend-failed`,
      headers: owner,
    });
    expect(all.statusCode, all.body).toBe(202);
    expect(all.json()).toMatchObject({
      resent: 1,
      notResent: [{ deliveryId: original.id, email: bad, reason: expect.stringContaining('withdrawn') }],
    });
    expect(await deliverAll(t)).toMatchObject({ sent: 1 });
    expect(h.mailbox.only(bad).subject).toContain('is withdrawn');
  });
});
