import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, deliverDue } from '../../src/features/notices/notice-worker.js';
import { type AdminBrowser, hasChromium, startAdminBrowser } from '../support/admin-browser.js';
import { type TestTenant, bearer, makeTenant } from '../support/harness.js';

/**
 * Customers and their terms in the admin app, in Chromium: a customer under specific
 * authorisation with a contact; the notice that follows shows its approval request, the
 * evidence downloads, and a failed message that an owner sends again.
 */
let ab: AdminBrowser;
let owner: TestTenant;
let listId = '';
const stamp = Date.now().toString(36);
const dpo = `dpo-${stamp}@customer.test`;
/** refused by the test SMTP server (550) until the test lets it through */
const bounce = `bounce-${stamp}@customer.test`;

async function inject(method: 'POST' | 'GET', url: string, payload?: object) {
  const res = await ab.h.app.inject({
    method,
    url: `/api/v1/tenants/${owner.tenant.slug}${url}`,
    headers: bearer(owner.write),
    ...(payload ? { payload } : {}),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

beforeAll(async () => {
  if (!hasChromium) return;
  ab = await startAdminBrowser();
  owner = await makeTenant(ab.h);
  listId = (await inject('POST', '/lists', { slug: 'main', title: 'Sub-processors', noticePeriodDays: 30 }))
    .id;
  await inject('POST', `/lists/${listId}/entries`, {
    entity: { legalName: 'Acme Hosting GmbH' },
    purpose: 'Hosting',
    locations: ['Germany'],
  });
  await inject('POST', `/lists/${listId}/versions`, { summary: 'First' });
  await inject('POST', '/subscribers', { email: dpo, organisation: 'Customer AG', listId });
  await inject('POST', '/subscribers', { email: bounce, listId });
}, 90_000);

afterAll(async () => {
  await ab?.close();
});

describe.skipIf(!hasChromium)('admin app: customers, approvals, evidence, re-send', () => {
  it('adds a customer under specific authorisation (refusals next to the field), lists it, links its contact', async () => {
    const { context, page } = await ab.newPage();
    await ab.signIn(page, owner.ownerEmail, owner.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { name: 'Customers', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'No customers yet' }).waitFor();
    await ab.check(page, 'customers-empty');

    const days = page.getByLabel('Notice period (days)');
    await page.getByLabel('Organisation').fill('Customer AG');
    await page.getByLabel('Contract reference').fill('DPA-2026-014');
    await page.getByLabel('Authorisation').selectOption('specific');
    await days.fill('ten');
    await page.getByRole('button', { name: 'Add customer' }).click();
    await page.locator('.react-aria-FieldError', { hasText: 'whole number of days' }).waitFor();
    // shorter than the list's 30 days: the server's refusal is shown next to the field
    await days.fill('10');
    await page.getByRole('button', { name: 'Add customer' }).click();
    await page.locator('.react-aria-FieldError', { hasText: 'shorter than every list' }).waitFor();
    expect(await days.getAttribute('aria-invalid')).toBe('true');
    await days.fill('45');
    await page.getByRole('button', { name: 'Add customer' }).click();
    await page.getByText('Customer AG is recorded.').waitFor();
    const row = page.getByRole('row', { name: /Customer AG/ });
    await row.getByRole('cell', { name: 'specific' }).waitFor();
    await row.getByRole('cell', { name: '45 days' }).waitFor();
    await row.getByRole('cell', { name: 'DPA-2026-014' }).waitFor();
    await ab.check(page, 'customers');

    await row.getByRole('link', { name: 'Customer AG' }).click();
    await page.getByRole('heading', { name: 'Customer AG', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'No contacts yet' }).waitFor();
    await page.getByLabel('Subscriber').selectOption({ label: `${dpo} (Customer AG)` });
    await page.getByRole('button', { name: 'Link as contact' }).click();
    await page.getByRole('rowheader', { name: dpo }).waitFor();
    await ab.check(page, 'customer');
    await context.close();
    expect(ab.problems).toEqual([]);
  }, 90_000);

  it('the next notice: its approval request decided by letter, evidence downloads, a failed message sent again; the terms change, removal is refused', async () => {
    ab.h.mailbox.refused.add(bounce);
    await inject('POST', `/lists/${listId}/entries`, {
      entity: { legalName: 'Gamma Support Ltd' },
      purpose: 'Support',
      locations: ['Ireland'],
    });
    await inject('POST', `/lists/${listId}/versions`, { summary: 'Gamma joins for support' });
    // the refused address is given up on at once (no wait between attempts; a run does not
    // claim again what it claimed itself, so the worker runs until nothing is left to retry)
    const total = { sent: 0, failed: 0 };
    for (let i = 0; i <= MAX_ATTEMPTS + 1; i++) {
      const run = await deliverDue(ab.h.deps, owner.tenant, { retryDelay: () => 0 });
      total.sent += run.sent;
      total.failed += run.failed;
      if (run.retrying === 0) break;
    }
    expect(total).toEqual({ sent: 1, failed: 1 });

    const { context, page } = await ab.newPage();
    await ab.signIn(page, owner.ownerEmail, owner.password);
    await page.goto(`${ab.origin}/app/t/${owner.tenant.slug}/notices`);
    await page.getByRole('heading', { name: /Sub-processors: version 2/ }).waitFor();
    const csv = page.getByRole('link', { name: 'Evidence (CSV) of version 2' });
    const pdf = page.getByRole('link', { name: 'Evidence (PDF) of version 2' });
    const [csvBody, pdfHead] = await page.evaluate(
      async ([c, p]) => [
        await (await fetch(c!)).text(),
        new TextDecoder().decode((await (await fetch(p!)).arrayBuffer()).slice(0, 5)),
      ],
      [await csv.getAttribute('href'), await pdf.getAttribute('href')],
    );
    expect(csvBody).toContain(dpo);
    expect(pdfHead).toBe('%PDF-');

    await page.getByRole('button', { name: 'Show deliveries of version 2' }).click();
    const approval = page.getByRole('row', { name: /Customer AG/ });
    await approval.getByText('requested', { exact: true }).waitFor();
    // the customer refused by letter: staff record it, with who decided and why
    await approval.getByRole('button', { name: 'Record a decision of Customer AG' }).click();
    const decision = page.getByRole('form', { name: 'Decision of Customer AG' });
    await decision.getByLabel('Decision').selectOption('refuse');
    await decision.getByLabel('Decided by').fill('Dana Meyer, DPO (letter of 3 May)');
    await decision.getByRole('button', { name: 'Record the decision' }).click();
    await decision.locator('.react-aria-FieldError', { hasText: 'why the customer refuses' }).waitFor();
    await ab.check(page, 'notice-approval-decision');
    await decision.getByLabel('Reason', { exact: true }).fill('No DPA with Gamma yet.');
    // leaving the field clears its error (the button moves up): as a person would, before pressing it
    await decision.getByLabel('Reason', { exact: true }).press('Tab');
    await decision.getByRole('button', { name: 'Record the decision' }).click();
    await approval.getByText('refused', { exact: true }).waitFor();
    await approval.getByText(/by Dana Meyer, DPO \(letter of 3 May\) \(recorded by staff\)/).waitFor();
    await approval.getByText('No DPA with Gamma yet.').waitFor();
    await page.getByLabel('Messages shown').selectOption('failed');
    const card = page.getByRole('article', { name: /version 2/ });
    await card.getByRole('rowheader', { name: bounce }).waitFor();
    expect(await card.getByRole('rowheader', { name: dpo }).count()).toBe(0);
    await ab.check(page, 'notice-failed-deliveries');

    // the failed messages of every notice, each with its re-send (asked twice)
    const failed = page.getByRole('region', { name: /Failed deliveries/ });
    await failed.getByRole('button', { name: `Re-send the message to ${bounce}` }).click();
    ab.h.mailbox.refused.delete(bounce);
    await failed.getByRole('button', { name: 'Yes, re-send' }).click();
    await page.getByText(`The message to ${bounce} is queued again and goes out now.`).first().waitFor();
    // the worker takes it at once (a kick, or this run); it arrives once
    await deliverDue(ab.h.deps, owner.tenant);
    await expect.poll(() => ab.h.mailbox.to(bounce).length).toBe(1);
    await ab.check(page, 'notices-resent');

    // the customer's terms change; its approval record keeps it from being removed
    await page.getByRole('link', { name: 'Customer AG' }).first().click();
    await page.getByRole('heading', { name: 'Customer AG', level: 1 }).waitFor();
    await page.getByLabel('Notice period (days)').fill('60');
    await page.getByRole('button', { name: 'Save the terms' }).click();
    await page.getByText('The terms are saved.').waitFor();
    await page.getByText('60 days', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Remove Customer AG' }).click();
    await page.getByRole('button', { name: 'Yes, remove' }).click();
    await page.getByText(/has 1 approval record\(s\) of changes; they are evidence/).waitFor();
    await context.close();
    expect(ab.problems).toEqual([]);
  }, 120_000);
});
