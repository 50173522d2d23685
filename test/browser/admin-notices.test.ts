import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverDue } from '../../src/features/notices/notice-worker.js';
import { unsubscribeUrl } from '../../src/features/notices/subscribers.service.js';
import { type AdminBrowser, hasChromium, startAdminBrowser } from '../support/admin-browser.js';
import { type TestTenant, bearer, makeTenant } from '../support/harness.js';

/**
 * Change notices in the admin app, in Chromium: subscribers of a list, an emergency publish,
 * each notice's delivery per recipient, and an objection sent through the emailed link that
 * arrives in the inbox and is answered by email.
 */
let ab: AdminBrowser;
let owner: TestTenant;
let listId = '';
const a = `dpo-${Date.now().toString(36)}@customer.test`;
const b = `legal-${Date.now().toString(36)}@customer.test`;
/** an address the test SMTP server refuses (550): its message is retried */
const c = `bounce-${Date.now().toString(36)}@customer.test`;

async function inject(method: 'POST' | 'DELETE' | 'GET', url: string, payload?: object) {
  const res = await ab.h.app.inject({
    method,
    url: `/api/v1/tenants/${owner.tenant.slug}${url}`,
    headers: bearer(owner.write),
    ...(payload ? { payload } : {}),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.statusCode === 204 ? null : res.json();
}

beforeAll(async () => {
  if (!hasChromium) return;
  ab = await startAdminBrowser();
  owner = await makeTenant(ab.h);
  // a published list with a 30-day notice period: the next publish announces a change
  listId = (await inject('POST', '/lists', { slug: 'main', title: 'Sub-processors', noticePeriodDays: 30 }))
    .id;
  await inject('POST', `/lists/${listId}/entries`, {
    entity: { legalName: 'Acme Hosting GmbH' },
    purpose: 'Hosting',
    locations: ['Germany'],
  });
  await inject('POST', `/lists/${listId}/versions`, { summary: 'First' });
}, 90_000);

afterAll(async () => {
  await ab?.close();
});

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(!hasChromium)('admin app: subscribers, notices, objections', () => {
  it('a list’s subscribers: staff add customers’ contacts, export them as CSV, see them workspace-wide', async () => {
    const { context, page } = await ab.newPage();
    await ab.signIn(page, owner.ownerEmail, owner.password);
    await page.goto(`${ab.origin}/app/t/${owner.tenant.slug}/lists/${listId}/subscribers`);
    await page.getByRole('heading', { name: 'No subscribers yet' }).waitFor();
    await ab.check(page, 'list-subscribers-empty');

    await page.getByLabel('Contact email').fill('not-an-address');
    await page.getByLabel('Contact email').press('Enter');
    await page.locator('.react-aria-FieldError').first().waitFor();
    for (const [email, org] of [
      [a, 'Customer AG'],
      [b, 'Other GmbH'],
    ] as const) {
      await page.getByLabel('Contact email').fill(email);
      await page.getByLabel('Organisation').fill(org);
      await page.getByLabel('Organisation').press('Enter');
      await page.getByText(`${email} is subscribed`).waitFor();
      await page.getByRole('rowheader', { name: email }).waitFor();
    }
    await page.getByText('1–2 of 2').waitFor();
    // a workspace-wide subscriber is not in the list's tab, which says where to find them
    await page.getByRole('link', { name: 'Subscribers page' }).waitFor();
    await ab.check(page, 'list-subscribers');
    const href = await page.getByRole('link', { name: 'Export as CSV' }).getAttribute('href');
    expect(href).toContain(`listId=${listId}`);
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href!);
    expect(csv).toContain(a);
    expect(csv).toContain('Customer AG');
    await page.getByRole('navigation', { name: 'List' }).getByRole('link', { name: 'Notices' }).click();
    await page.getByRole('heading', { name: 'No notices yet' }).waitFor();
    await ab.check(page, 'list-notices-empty');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Subscribers' }).click();
    await page.getByRole('heading', { name: 'Everyone subscribed' }).waitFor();
    await page
      .getByRole('row', { name: new RegExp(a) })
      .getByRole('cell', { name: 'Sub-processors' })
      .waitFor();
    await page.getByLabel('Status').selectOption('unsubscribed');
    await page.getByRole('heading', { name: 'No subscribers yet' }).waitFor();
    await page.getByLabel('Status').selectOption('');
    await page.getByRole('rowheader', { name: b }).waitFor();
    await ab.check(page, 'subscribers');
    await context.close();
  }, 90_000);

  it('an emergency publish: a short date is refused next to the field, then published with a reason', async () => {
    ab.h.mailbox.refused.add(c);
    await inject('POST', '/subscribers', { email: c, listId });
    await inject('POST', `/lists/${listId}/entries`, {
      entity: { legalName: 'Gamma Support Ltd' },
      purpose: 'Support',
      locations: ['Ireland'],
    });
    const { context, page } = await ab.newPage();
    await ab.signIn(page, owner.ownerEmail, owner.password);
    await page.goto(`${ab.origin}/app/t/${owner.tenant.slug}/lists/${listId}/publish`);
    await page.getByText(/1\s*added/).waitFor();
    await page.getByLabel('Summary').fill('Gamma joins for support');
    await page.getByLabel('Takes effect on').fill(day(3));
    await page.getByRole('button', { name: 'Publish version 2' }).click();
    await page.locator('.react-aria-FieldError', { hasText: "promises 30 days' notice" }).waitFor();
    expect(await page.getByLabel('Takes effect on').getAttribute('aria-invalid')).toBe('true');

    await page.getByText(/Emergency notice: takes effect sooner/).click();
    await page.getByLabel('Reason for the emergency').fill('short');
    await page.getByLabel('Reason for the emergency').press('Tab');
    await page.getByRole('button', { name: 'Publish version 2' }).click();
    await page.locator('.react-aria-FieldError', { hasText: 'at least 10 characters' }).waitFor();
    await page.getByLabel('Reason for the emergency').fill('Our previous support vendor stopped trading.');
    await page.getByLabel('Reason for the emergency').press('Tab');
    await ab.check(page, 'publish-emergency');
    await page.getByRole('button', { name: 'Publish version 2' }).click();
    await page.getByText(/Version 2 is published/).waitFor();
    await page.getByText('Emergency: Our previous support vendor stopped trading.').waitFor();
    await context.close();
  }, 90_000);

  it('each recipient’s delivery (sent, skipped, retried); an objection through the emailed link is answered from the inbox', async () => {
    // b unsubscribes (one click) before the worker runs: their message is skipped, a's is sent
    const subs = await inject('GET', `/subscribers?listId=${listId}`);
    const bId = subs.items.find((s: { email: string }) => s.email === b).id as string;
    const leave = new URL(unsubscribeUrl(ab.h.deps, owner.tenant, bId));
    const left = await ab.h.app.inject({
      method: 'POST',
      url: `${leave.pathname}${leave.search}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(left.statusCode, left.body).toBeLessThan(300);
    const run = await deliverDue(ab.h.deps, owner.tenant);
    expect(run).toMatchObject({ sent: 1, skipped: 1, retrying: 1 });

    const { context, page } = await ab.newPage();
    await ab.signIn(page, owner.ownerEmail, owner.password);
    await page.goto(`${ab.origin}/app/t/${owner.tenant.slug}/lists/${listId}/notices`);
    await page.getByRole('heading', { name: /Sub-processors: version 2/ }).waitFor();
    await page.getByText('Our previous support vendor stopped trading.').waitFor();
    await page.getByRole('button', { name: 'Show deliveries of version 2' }).click();
    const rowA = page.getByRole('row', { name: new RegExp(a) });
    await rowA.getByText('sent', { exact: true }).waitFor();
    const rowB = page.getByRole('row', { name: new RegExp(b) });
    await rowB.getByText('skipped', { exact: true }).waitFor();
    await rowB.getByText('skipped: unsubscribed').waitFor();
    const rowC = page.getByRole('row', { name: new RegExp(c) });
    await rowC.getByText('pending: retry 2').waitFor();
    await rowC.getByText(/550/).waitFor();
    await ab.check(page, 'list-notices');

    // the customer objects through the personal link in the email they got
    const text = ab.h.mailbox.only(a).text ?? '';
    const link = new URL(/https?:\/\/\S+\/objections\/new\?token=\S+/.exec(text)![0]);
    const customer = await ab.newPage(375);
    await customer.page.goto(`${ab.origin}${link.pathname}${link.search}`);
    await customer.page.getByLabel('Organisation').fill('Customer AG');
    await customer.page.getByLabel(/Why you object/).fill('Gamma is not acceptable to us: no DPA yet.');
    await customer.page.getByRole('button', { name: 'Send the objection' }).click();
    await customer.page.getByText(/has your objection/).waitFor();
    await customer.context.close();

    // the inbox reads the workspace's objections in one request, not one per notice
    const inboxCalls: string[] = [];
    page.on('request', (r) => {
      const p = new URL(r.url()).pathname;
      if (p.endsWith('/objections')) inboxCalls.push(p);
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Objections' }).click();
    await page.getByRole('heading', { name: /Customer AG on Sub-processors, version 2/ }).waitFor();
    expect(inboxCalls).toEqual([`/api/v1/tenants/${owner.tenant.slug}/objections`]);
    await page.getByText('Gamma is not acceptable to us: no DPA yet.').waitFor();
    await ab.check(page, 'objections');
    await page
      .getByLabel('Answer', { exact: true })
      .fill('We signed the DPA with Gamma today; it is attached.');
    await page.getByLabel('Status', { exact: true }).selectOption('resolved');
    await page.getByRole('button', { name: 'Send the answer' }).click();
    await page.getByText(`Answer saved; it is emailed to ${a}.`).waitFor();
    await expect
      .poll(() => ab.h.mailbox.to(a).some((m) => /answered your objection/.test(m.subject ?? '')))
      .toBe(true);
    // the inbox shows open objections first by default: none left
    await page.getByRole('heading', { name: 'None with this status' }).waitFor();
    await ab.check(page, 'objections-none-open');
    await page.getByLabel('Show').selectOption('');
    await page.getByText('We signed the DPA with Gamma today; it is attached.').waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notices' }).click();
    await page.getByRole('heading', { name: 'Change notices' }).waitFor();
    // the refused message, among the failed deliveries of every notice
    await page.getByRole('heading', { name: 'Failed deliveries (1)' }).waitFor();
    await page
      .getByRole('row', { name: new RegExp(c) })
      .getByText('of Sub-processors v2')
      .waitFor();
    await ab.check(page, 'notices');
    await context.close();
    expect(ab.problems).toEqual([]);
  }, 120_000);
});
