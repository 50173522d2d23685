import type { ParsedMail } from 'mailparser';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverDue, fanOut } from '../../src/features/notices/notice-worker.js';
import { unsubscribeUrl } from '../../src/features/notices/subscribers.service.js';
import { createMailer } from '../../src/platform/mail/mailer.js';
import { type Harness, type TestTenant, bearer, createHarness, makeTenant } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const DAY = 86_400_000;
const rawHeader = (mail: ParsedMail, name: string) =>
  mail.headerLines
    .find((l) => l.key === name)
    ?.line.slice(name.length + 1)
    .replace(/\r?\n\s+/g, ' ')
    .trim();

/** A tenant with a published 30-day list (Acme, Beta) and confirmed subscribers. */
async function setUp(subscribers: string[]) {
  const t = await makeTenant(h);
  const base = `/api/v1/tenants/${t.tenant.slug}`;
  const list = await h.app.inject({
    method: 'POST',
    url: `${base}/lists`,
    headers: bearer(t.write),
    payload: { slug: 'main', title: 'Sub-processors', noticePeriodDays: 30 },
  });
  const url = `${base}/lists/${list.json().id}`;
  const ids: Record<string, string> = {};
  for (const name of ['Acme Ltd', 'Beta GmbH']) {
    const e = await h.app.inject({
      method: 'POST',
      url: `${url}/entries`,
      headers: bearer(t.write),
      payload: {
        entity: { legalName: name },
        group: 'Platform',
        purpose: `${name} hosting`,
        locations: ['Germany'],
      },
    });
    ids[name] = e.json().id;
  }
  expect((await publish(t, url)).statusCode).toBe(201);
  for (const email of subscribers) {
    const r = await h.app.inject({
      method: 'POST',
      url: `${base}/subscribers`,
      headers: bearer(t.write),
      payload: { email },
    });
    expect(r.statusCode, r.body).toBe(201);
  }
  return { t, base, url, ids, listId: list.json().id as string };
}

const publish = (t: TestTenant, url: string, payload: object = {}) =>
  h.app.inject({ method: 'POST', url: `${url}/versions`, headers: bearer(t.write), payload });

async function changeDraft(t: TestTenant, url: string, ids: Record<string, string>) {
  await h.app.inject({
    method: 'PATCH',
    url: `${url}/entries/${ids['Acme Ltd']}`,
    headers: bearer(t.write),
    payload: { locations: ['Germany', 'France'] },
  });
  await h.app.inject({
    method: 'DELETE',
    url: `${url}/entries/${ids['Beta GmbH']}`,
    headers: bearer(t.write),
  });
  await h.app.inject({
    method: 'POST',
    url: `${url}/entries`,
    headers: bearer(t.write),
    payload: {
      entity: { legalName: 'Gamma <b>Inc</b>\r\nBcc: x@evil.test' },
      group: 'Platform',
      purpose: 'Support',
    },
  });
}

describe('change notices by email', () => {
  it('publishing makes the notice, marked to fan out; the worker makes one message per subscriber and sends them with content and headers', async () => {
    const a = `a-${Date.now()}@customer.test`;
    const b = `b-${Date.now()}@customer.test`;
    const { t, base, url, ids } = await setUp([a, b]);
    await changeDraft(t, url, ids);
    const v2 = await publish(t, url, { summary: 'Gamma joins for support' });
    expect(v2.statusCode, v2.body).toBe(201);
    // Nothing sent or made per subscriber inside the request: the notice waits for the worker.
    expect(h.mailbox.to(a)).toHaveLength(0);
    const notices = (
      await h.app.inject({ method: 'GET', url: `${base}/notices`, headers: bearer(t.read) })
    ).json();
    expect(notices.items).toHaveLength(1);
    const notice = notices.items[0];
    expect(notice).toMatchObject({
      version: 2,
      baseVersion: 1,
      status: 'scheduled',
      counts: { added: 1, removed: 1, changed: 1 },
      fanout: 'pending',
      deliveries: { recipients: 0, sent: 0 },
    });
    expect(new Date(notice.effectiveAt).getTime() - new Date(notice.publishedAt).getTime()).toBe(30 * DAY);

    // The trust page says the change is coming, what applies until then, and how to object.
    const page = await h.app.inject({ method: 'GET', url: `/t/${t.tenant.slug}/main` });
    expect(page.body).toContain('Change announced for');
    expect(page.body).toMatch(/until that date, <a href="[^"]+\/versions\/1">version 1<\/a> applies/);
    expect(page.body).toContain('1 addition, 1 removal, 1 change');
    expect(page.body).toContain('To object, use the personal link');

    const run = await deliverDue(h.deps, t.tenant);
    expect(run).toEqual({ sent: 2, retrying: 0, failed: 0, skipped: 0 });
    const mail = h.mailbox.only(a);
    expect(h.mailbox.only(b).messageId).not.toBe(mail.messageId);
    expect(mail.subject).toContain('sub-processor change on');
    expect(mail.text).toContain('Added:\n  + Gamma <b>Inc</b>');
    expect(mail.text).toContain('Removed:\n  - Beta GmbH');
    expect(mail.text).toContain('Locations: Germany -> Germany; France');
    expect(mail.text).toContain(`/t/${t.tenant.slug}/main`);
    expect(mail.html).toContain('Gamma &lt;b&gt;Inc&lt;/b&gt;');
    expect(mail.html).toContain('<del>Germany</del> → <ins>Germany; France</ins>');
    expect(mail.text).toMatch(/\/objections\/new\?token=o\./);
    // The subscriber's own preferences page, next to unsubscribe, in both bodies.
    expect(mail.text).toMatch(/Your preferences: http\S*\/subscriptions\/preferences\?token=p\./);
    expect(mail.html).toMatch(
      /href="http[^"]*\/subscriptions\/preferences\?token=p\.[^"]*">Your preferences</,
    );
    expect(rawHeader(mail, 'list-unsubscribe')).toMatch(/^<http.*\/subscriptions\/unsubscribe\?token=u\./);
    expect(rawHeader(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.messageId).toMatch(new RegExp(`^<notice\\.${notice.id}\\.[0-9a-f-]{36}@`));
    expect(h.mailbox.messages.some((m) => JSON.stringify(m.to).includes('evil.test'))).toBe(false);

    const fannedOut = (
      await h.app.inject({ method: 'GET', url: `${base}/notices/${notice.id}`, headers: bearer(t.read) })
    ).json();
    expect(fannedOut).toMatchObject({ fanout: 'done', deliveries: { recipients: 2, sent: 2, failed: 0 } });

    // Every attempt is recorded; a second run sends nothing again.
    expect(await deliverDue(h.deps, t.tenant)).toEqual({ sent: 0, retrying: 0, failed: 0, skipped: 0 });
    const deliveries = (
      await h.app.inject({ method: 'GET', url: `${base}/deliveries`, headers: bearer(t.read) })
    ).json();
    expect(deliveries.items).toHaveLength(2);
    for (const d of deliveries.items)
      expect(d).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(deliveries.items.map((d: { messageId: string }) => d.messageId)).toContain(mail.messageId);

    // One-click unsubscribe from the header: the next notice does not go there.
    const header = rawHeader(mail, 'list-unsubscribe')!;
    const u = new URL(header.slice(1, -1));
    const unsub = await h.app.inject({
      method: 'POST',
      url: `${u.pathname}${u.search}`,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(unsub.statusCode).toBe(200);
    await h.app.inject({
      method: 'POST',
      url: `${url}/entries`,
      headers: bearer(t.write),
      payload: { entity: { legalName: 'Delta SA' }, group: 'Platform' },
    });
    expect((await publish(t, url)).statusCode).toBe(201);
    await deliverDue(h.deps, t.tenant);
    expect(h.mailbox.to(a)).toHaveLength(1);
    expect(h.mailbox.to(b)).toHaveLength(2);
  });

  it('retries with backoff while the SMTP server is down, recording each attempt, then delivers', async () => {
    const a = `down-${Date.now()}@customer.test`;
    const { t, base, url, ids } = await setUp([a]);
    await changeDraft(t, url, ids);
    expect((await publish(t, url)).statusCode).toBe(201);
    const working = h.deps.mail;
    h.deps.mail = createMailer({
      smtpUrl: 'smtp://127.0.0.1:9',
      from: 'x <x@x.test>',
      dataDir: '/nonexistent',
      log: () => {},
    });
    try {
      expect(await deliverDue(h.deps, t.tenant)).toEqual({ sent: 0, retrying: 1, failed: 0, skipped: 0 });
      const failed = (
        await h.app.inject({ method: 'GET', url: `${base}/deliveries?failed=true`, headers: bearer(t.read) })
      ).json();
      expect(failed.items).toHaveLength(1);
      expect(failed.items[0]).toMatchObject({
        status: 'queued',
        attempts: 1,
        lastError: expect.stringMatching(/ECONNREFUSED|connect/i),
      });
      // Not due again at once: the backoff holds it for a minute or more.
      expect(await deliverDue(h.deps, t.tenant)).toEqual({ sent: 0, retrying: 0, failed: 0, skipped: 0 });
    } finally {
      h.deps.mail?.close();
      h.deps.mail = working;
    }
    h.deps.now = () => new Date(Date.now() + 3 * 60_000);
    try {
      expect(await deliverDue(h.deps, t.tenant)).toEqual({ sent: 1, retrying: 0, failed: 0, skipped: 0 });
    } finally {
      h.deps.now = undefined;
    }
    const all = (
      await h.app.inject({ method: 'GET', url: `${base}/deliveries`, headers: bearer(t.read) })
    ).json();
    expect(all.items[0]).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    expect(h.mailbox.to(a)).toHaveLength(1);
  });

  it('a notice withdrawn before its date: those told are told of the withdrawal, once', async () => {
    const a = `wd-${Date.now()}@customer.test`;
    const { t, base, url, ids } = await setUp([a]);
    await changeDraft(t, url, ids);
    expect((await publish(t, url)).statusCode).toBe(201);
    await deliverDue(h.deps, t.tenant);
    expect(h.mailbox.to(a)).toHaveLength(1);
    const notice = (
      await h.app.inject({ method: 'GET', url: `${base}/notices`, headers: bearer(t.read) })
    ).json().items[0];
    const res = await h.app.inject({
      method: 'POST',
      url: `${base}/notices/${notice.id}/withdraw`,
      headers: bearer(t.write),
      payload: { reason: 'We keep Beta after all.' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'withdrawn',
      withdrawalRecipients: 1,
      withdrawnReason: 'We keep Beta after all.',
    });
    await deliverDue(h.deps, t.tenant);
    const [, withdrawal] = h.mailbox.to(a);
    expect(withdrawal?.subject).toContain('is withdrawn');
    expect(withdrawal?.text).toContain('We keep Beta after all.');
    const again = await h.app.inject({
      method: 'POST',
      url: `${base}/notices/${notice.id}/withdraw`,
      headers: bearer(t.write),
      payload: { reason: 'again' },
    });
    expect(again.statusCode).toBe(409);
  });

  it('objections: from the personal link before the effective date only; staff answer by email', async () => {
    const a = `ob-a-${Date.now()}@customer.test`;
    const b = `ob-b-${Date.now()}@customer.test`;
    const { t, base, url, ids } = await setUp([a, b]);
    await changeDraft(t, url, ids);
    expect((await publish(t, url)).statusCode).toBe(201);
    await deliverDue(h.deps, t.tenant);
    const linkOf = (email: string) => {
      const link = /https?:\/\/\S+\/objections\/new\?token=\S+/.exec(h.mailbox.only(email).text ?? '')?.[0];
      if (!link) throw new Error('no objection link');
      return new URL(link);
    };
    const la = linkOf(a);
    const token = la.searchParams.get('token')!;
    const page = await h.app.inject({ method: 'GET', url: `${la.pathname}${la.search}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<textarea id="reason" name="reason"');
    expect(page.body).not.toContain('<script');
    const form = (body: Record<string, string>) =>
      h.app.inject({
        method: 'POST',
        url: `/t/${t.tenant.slug}/objections`,
        payload: new URLSearchParams(body).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    const sent = await form({
      token,
      organisation: 'Customer AG',
      contact: 'Dana DPO',
      reason: 'Gamma is not acceptable to us.',
    });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.body).toContain('Your objection is recorded');
    expect((await form({ token, reason: 'again' })).statusCode).toBe(409);

    // Hostile input: forged token, over-long reason, oversized body, a header in a name.
    const forged = `${token.slice(0, -2)}xx`;
    expect((await form({ token: forged, reason: 'x' })).statusCode).toBe(400);
    const lb = linkOf(b).searchParams.get('token')!;
    const long = await form({ token: lb, reason: 'x'.repeat(5001) });
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('at most 5000 characters');
    expect((await form({ token: lb, reason: 'y'.repeat(20_000) })).statusCode).toBe(413);
    expect((await form({ token: lb, reason: 'z', organisation: 'A\r\nBcc: x@evil.test' })).statusCode).toBe(
      400,
    );
    expect((await form({ token: lb, reason: '' })).statusCode).toBe(400);

    const notice = (
      await h.app.inject({ method: 'GET', url: `${base}/notices`, headers: bearer(t.read) })
    ).json().items[0];
    const inbox = (
      await h.app.inject({
        method: 'GET',
        url: `${base}/notices/${notice.id}/objections`,
        headers: bearer(t.read),
      })
    ).json();
    expect(inbox.items).toMatchObject([
      { email: a, organisation: 'Customer AG', contact: 'Dana DPO', status: 'open' },
    ]);
    const answered = await h.app.inject({
      method: 'PATCH',
      url: `${base}/objections/${inbox.items[0].id}`,
      headers: bearer(t.write),
      payload: { status: 'upheld', answer: 'We will not use Gamma for your data.' },
    });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json()).toMatchObject({ status: 'upheld', answerMailedAt: expect.any(String) });
    const answerMail = h.mailbox.to(a).at(-1)!;
    expect(answerMail.subject).toContain('answered your objection');
    expect(answerMail.text).toContain('We will not use Gamma for your data.');

    // After the effective date: refused with a clear message.
    h.deps.now = () => new Date(Date.now() + 31 * DAY);
    try {
      const late = await form({ token: lb, reason: 'Too late?' });
      expect(late.statusCode).toBe(410);
      expect(late.body).toContain('objections had to arrive before that date');
      const latePage = await h.app.inject({
        method: 'GET',
        url: `/t/${t.tenant.slug}/objections/new?token=${lb}`,
      });
      expect(latePage.statusCode).toBe(410);
    } finally {
      h.deps.now = undefined;
    }
  });

  it('replacing a pending version withdraws its notice and announces the new one against the version in force', async () => {
    const a = `rp-${Date.now()}@customer.test`;
    const { t, base, url, ids } = await setUp([a]);
    await changeDraft(t, url, ids);
    expect((await publish(t, url)).statusCode).toBe(201);
    await deliverDue(h.deps, t.tenant);
    await h.app.inject({
      method: 'POST',
      url: `${url}/entries`,
      headers: bearer(t.write),
      payload: { entity: { legalName: 'Delta SA' }, group: 'Platform' },
    });
    const v3 = await publish(t, url, { replacePending: true });
    expect(v3.statusCode, v3.body).toBe(201);
    expect(v3.json()).toMatchObject({ number: 3, replacesVersion: 2 });
    const notices = (
      await h.app.inject({ method: 'GET', url: `${base}/notices`, headers: bearer(t.read) })
    ).json().items;
    expect(
      notices.map((n: { version: number; status: string; baseVersion: number }) => [
        n.version,
        n.status,
        n.baseVersion,
      ]),
    ).toEqual([
      [3, 'scheduled', 1],
      [2, 'withdrawn', 1],
    ]);
    await deliverDue(h.deps, t.tenant);
    const [first, withdrawal, second] = h.mailbox.to(a);
    expect(first?.subject).toContain('sub-processor change');
    expect(withdrawal?.text).toContain('Replaced by version 3.');
    // Against version 1 (in force): Gamma and Delta added, Beta removed, Acme changed.
    expect(second?.text).toContain('  + Gamma <b>Inc</b>');
    expect(second?.text).toContain('  + Delta SA');
    expect(second?.text).toContain('Removed:\n  - Beta GmbH');
  });

  it('someone who unsubscribes (or is removed) after a publish is not sent its notice nor its withdrawal', async () => {
    const stamp = Date.now();
    const stays = `stays-${stamp}@customer.test`;
    const leaves = `leaves-${stamp}@customer.test`;
    const removed = `removed-${stamp}@customer.test`;
    const later = `later-${stamp}@customer.test`;
    const { t, base, url, ids } = await setUp([stays, leaves, removed, later]);
    const subs = (
      await h.app.inject({ method: 'GET', url: `${base}/subscribers`, headers: bearer(t.read) })
    ).json().items as { id: string; email: string }[];
    const idOf = (email: string) => subs.find((s) => s.email === email)!.id;
    const unsubscribe = async (email: string) => {
      const u = new URL(unsubscribeUrl(h.deps, t.tenant, idOf(email)));
      const r = await h.app.inject({
        method: 'POST',
        url: `${u.pathname}${u.search}`,
        payload: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(r.statusCode, r.body).toBe(200);
    };
    await changeDraft(t, url, ids);
    expect((await publish(t, url)).statusCode).toBe(201);
    expect(await fanOut(h.deps, t.tenant)).toBe(4);
    // After the fan-out made four messages, before they were sent: one leaves, one is removed.
    await unsubscribe(leaves);
    const del = await h.app.inject({
      method: 'DELETE',
      url: `${base}/subscribers/${idOf(removed)}`,
      headers: bearer(t.write),
    });
    expect(del.statusCode, del.body).toBe(204);

    expect(await deliverDue(h.deps, t.tenant)).toEqual({ sent: 2, retrying: 0, failed: 0, skipped: 2 });
    expect(h.mailbox.to(stays)).toHaveLength(1);
    expect(h.mailbox.to(later)).toHaveLength(1);
    expect(h.mailbox.to(leaves)).toHaveLength(0);
    expect(h.mailbox.to(removed)).toHaveLength(0);
    const deliveries = (
      await h.app.inject({ method: 'GET', url: `${base}/deliveries`, headers: bearer(t.read) })
    ).json().items as { email: string; status: string; attempts: number; lastError: string | null }[];
    const byEmail = (e: string) => deliveries.find((d) => d.email === e);
    expect(byEmail(leaves)).toMatchObject({
      status: 'skipped',
      attempts: 0,
      lastError: 'skipped: unsubscribed',
    });
    expect(byEmail(removed)).toMatchObject({
      status: 'skipped',
      attempts: 0,
      lastError: 'skipped: subscriber removed',
    });
    expect(byEmail(stays)).toMatchObject({ status: 'sent', attempts: 1 });
    // Skipped is not a failure: the failed view and the notice's counts leave it out.
    const failed = (
      await h.app.inject({ method: 'GET', url: `${base}/deliveries?failed=true`, headers: bearer(t.read) })
    ).json();
    expect(failed.items).toHaveLength(0);
    const notice = (
      await h.app.inject({ method: 'GET', url: `${base}/notices`, headers: bearer(t.read) })
    ).json().items[0];
    expect(notice.deliveries).toMatchObject({ recipients: 4, sent: 2, failed: 0 });
    // A second run finds nothing due: skipped rows are final.
    expect(await deliverDue(h.deps, t.tenant)).toEqual({ sent: 0, retrying: 0, failed: 0, skipped: 0 });

    // Told of the notice, then unsubscribed: the withdrawal is not sent to them either.
    await unsubscribe(later);
    const wd = await h.app.inject({
      method: 'POST',
      url: `${base}/notices/${notice.id}/withdraw`,
      headers: bearer(t.write),
      payload: { reason: 'Not after all.' },
    });
    expect(wd.statusCode, wd.body).toBe(200);
    expect(wd.json().withdrawalRecipients).toBe(2);
    expect(await deliverDue(h.deps, t.tenant)).toEqual({ sent: 1, retrying: 0, failed: 0, skipped: 1 });
    expect(h.mailbox.to(stays)).toHaveLength(2);
    expect(h.mailbox.to(later)).toHaveLength(1);
  });

  // How long such a publish takes is measured in bench/notice-fanout.ts (timed tests fail on a
  // loaded machine and prove nothing on a quiet one); here: no message made by the publish, all
  // of them by the fan-out (test/notices/fanout.test.ts has more of it).
  it('publishing with 10,000 subscribers leaves the messages to the fan-out, which makes one each', async () => {
    const { t, base, url, ids } = await setUp([]);
    await h.deps.dbs.withTenant(t.tenant, (tx) =>
      tx.execute(sql`insert into subscribers (tenant_id, id, email, status, added_by)
        select ${t.tenant.id}::uuid, gen_random_uuid(), 'bulk' || g || '@customer.test', 'confirmed', 'staff'
        from generate_series(1, 10000) g`),
    );
    await changeDraft(t, url, ids);
    const res = await publish(t, url);
    expect(res.statusCode).toBe(201);
    const notice = async () =>
      (await h.app.inject({ method: 'GET', url: `${base}/notices`, headers: bearer(t.read) })).json()
        .items[0];
    expect(await notice()).toMatchObject({ fanout: 'pending', deliveries: { recipients: 0 } });
    expect(await fanOut(h.deps, t.tenant)).toBe(10_000);
    expect(await notice()).toMatchObject({ fanout: 'done', deliveries: { recipients: 10_000, sent: 0 } });
  });
});
