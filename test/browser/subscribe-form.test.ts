import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminBrowser, hasChromium, startAdminBrowser } from '../support/admin-browser.js';
import { type TestTenant, bearer, makeTenant, seedList } from '../support/harness.js';

/**
 * A person subscribes from a public trust page in Chromium, with no script: the form's HTML
 * answer, the confirmation email (real SMTP), the confirm button, then the preferences page
 * and unsubscribing from it. axe on the answer page and the preferences page.
 */
let ab: AdminBrowser;
let t: TestTenant;
let listId = '';

beforeAll(async () => {
  if (!hasChromium) return;
  ab = await startAdminBrowser();
  t = await makeTenant(ab.h);
  ({ listId } = await seedList(ab.h, t));
  const v1 = await ab.h.app.inject({
    method: 'POST',
    url: `/api/v1/tenants/${t.tenant.slug}/lists/${listId}/versions`,
    headers: bearer(t.write),
    payload: {},
  });
  if (v1.statusCode !== 201) throw new Error(v1.body);
}, 120_000);

afterAll(async () => {
  await ab?.close();
});

describe.skipIf(!hasChromium)(
  'the subscribe form in Chromium (skipped only without /usr/bin/chromium)',
  () => {
    it('subscribe, confirm from the email, then leave from the preferences page', async () => {
      const email = `dpo-${t.tenant.slug}@customer.test`;
      const { context, page } = await ab.newPage();
      await page.goto(`${ab.origin}/t/${t.tenant.slug}`);
      await page.getByLabel('Email me when this list changes').fill(email);
      await page.getByRole('button', { name: 'Subscribe' }).click();
      await page.getByRole('heading', { name: 'Check your inbox', level: 1 }).waitFor();
      await ab.check(page, 'subscribe-answer');

      const mail = ab.h.mailbox.only(email);
      const link = /https?:\/\/\S+\/subscriptions\/confirm\?token=[A-Za-z0-9._-]+/.exec(mail.text ?? '')?.[0];
      expect(link, mail.text).toBeTruthy();
      const u = new URL(link!);
      await page.goto(`${ab.origin}${u.pathname}${u.search}`);
      await page.getByRole('button', { name: 'Confirm' }).click();
      await page.getByRole('heading', { name: 'You are subscribed', level: 1 }).waitFor();

      await page.getByRole('link', { name: 'Your preferences' }).click();
      await page.getByRole('heading', { name: 'Your notice preferences', level: 1 }).waitFor();
      await expect.poll(() => page.getByText(email).count()).toBeGreaterThan(0);
      await ab.check(page, 'subscription-preferences');

      await page.getByRole('button', { name: 'Unsubscribe' }).click();
      await page.getByRole('heading', { name: 'You are unsubscribed', level: 1 }).waitFor();
      const staff = await ab.h.app.inject({
        method: 'GET',
        url: `/api/v1/tenants/${t.tenant.slug}/subscribers`,
        headers: bearer(t.read),
      });
      expect(staff.json().items).toMatchObject([{ email, status: 'unsubscribed', listId }]);
      expect(ab.problems).toEqual([]);
      await context.close();
    });
  },
);
