import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../../src/platform/mail/mailer.js';
import { type AdminBrowser, hasChromium, startAdminBrowser } from '../support/admin-browser.js';
import { deliverWebhook } from '../../src/features/webhooks/webhook-delivery.js';
import { type TestTenant, bearer, makeTenant } from '../support/harness.js';
import { Receiver } from '../webhooks/receiver.js';

/**
 * The workspace pages of the admin app in Chromium: members, invitations and roles, API tokens,
 * webhooks and hosting; each journey through the real server, with axe and screenshots.
 */
let ab: AdminBrowser;
let owner: TestTenant;
let receiver: Receiver;

beforeAll(async () => {
  if (!hasChromium) return;
  // webhooks to the receiver on loopback, one attempt per call, quickly given up
  ab = await startAdminBrowser({ env: { WEBHOOKS_ALLOW_PRIVATE: 'true', WEBHOOKS_TIMEOUT_MS: '2000' } });
  owner = await makeTenant(ab.h);
  receiver = await Receiver.start();
}, 90_000);

afterAll(async () => {
  await receiver?.close();
  await ab?.close();
});

const api = (path: string, init: RequestInit = {}) => fetch(`${ab.origin}/api/v1${path}`, init);

describe.skipIf(!hasChromium)('admin app: team and workspace pages', () => {
  it('an owner invites a viewer by link, the invitee joins, the owner makes them editor, then removes them', async () => {
    const { context, page } = await ab.newPage();
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await ab.signIn(page, owner.ownerEmail, owner.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
    await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
    await page.getByRole('cell', { name: owner.ownerEmail, exact: true }).waitFor();
    await ab.check(page, 'members');

    const email = `joiner-${Date.now().toString(36)}@example.test`;
    await page.getByLabel('Email').fill('not an address');
    await page.locator('label', { hasText: 'Viewer:' }).click();
    await page.getByRole('button', { name: 'Create invitation' }).click();
    // the server's refusal, next to the field
    await page.locator('.react-aria-FieldError').first().waitFor();
    expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Email').fill(email);
    // by keyboard: the old error goes away as the field loses focus, moving the button under a click
    await page.getByLabel('Email').press('Enter');
    const linkField = page.getByLabel(`Invitation link for ${email}`);
    await linkField.waitFor();
    const link = await linkField.inputValue();
    expect(link).toMatch(/\/app\/invitation\?token=srg_inv_/);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(link);
    await ab.check(page, 'members-invited');
    // listed as pending (no link there: it was shown once)
    const pending = page.getByRole('region', { name: 'Pending invitations' });
    await pending.getByRole('rowheader', { name: email, exact: true }).waitFor();
    expect(await pending.textContent()).not.toContain('srg_inv_');

    // the invitee, in a browser of their own
    const invitee = await ab.newPage(375);
    await invitee.page.goto(link);
    await invitee.page.getByRole('heading', { name: 'Accept the invitation' }).waitFor();
    await ab.check(invitee.page, 'invitation');
    await invitee.page.getByLabel('Your name').fill('Jo Iner');
    await invitee.page.getByLabel('Password').fill('joiner password 1');
    await invitee.page.getByRole('button', { name: 'Join the workspace' }).click();
    await invitee.page.getByText(/You are now a viewer of the workspace/).waitFor();
    await ab.signIn(invitee.page, email, 'joiner password 1');
    const nav = invitee.page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'API tokens' }).count()).toBe(0);
    await nav.getByRole('link', { name: 'Members' }).click();
    await invitee.page.getByText(/Only an owner can invite people/).waitFor();
    expect(await invitee.page.getByRole('combobox').count()).toBe(0);
    // owner-only pages are not there for a viewer, as another workspace's are not
    // a viewer reads subscribers but cannot add or remove them
    await nav.getByRole('link', { name: 'Subscribers' }).click();
    await invitee.page.getByRole('heading', { name: 'No subscribers yet' }).waitFor();
    expect(await invitee.page.getByRole('button', { name: 'Add subscriber' }).count()).toBe(0);
    await invitee.page.goto(`${ab.origin}/app/t/${owner.tenant.slug}/tokens`);
    await invitee.page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await invitee.context.close();

    await page.reload();
    // accepted: no longer pending
    await page
      .getByRole('region', { name: 'Pending invitations' })
      .getByText(/None: every invitation/)
      .waitFor();
    await page.getByLabel(`Role of ${email}`).selectOption('editor');
    await page.getByText('The role is changed.').waitFor();
    const members = await api(`/tenants/${owner.tenant.slug}/members`, {
      headers: { authorization: `Bearer ${owner.read}` },
    });
    const items = ((await members.json()) as { items: { email: string; role: string }[] }).items;
    expect(items.find((m) => m.email === email)?.role).toBe('editor');

    // the last owner cannot leave: the server says why, where the person acts
    await page.getByLabel(`Role of ${owner.ownerEmail}`).selectOption('viewer');
    await page.getByRole('alert').filter({ hasText: 'at least one owner' }).waitFor();

    // asked twice; Cancel puts the keyboard back on the button
    await page.getByRole('button', { name: `Remove ${email}` }).click();
    await page.getByRole('button', { name: 'Cancel' }).press('Enter');
    await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toBe(`Remove ${email}`);
    await page.getByRole('button', { name: `Remove ${email}` }).click();
    await page.getByRole('button', { name: 'Yes, remove' }).click();
    await page.getByText(`${email} is removed from the workspace.`).waitFor();
    await expect.poll(() => page.getByRole('cell', { name: email, exact: true }).count()).toBe(0);

    // a second invitation, revoked (asked twice) before it is used: its link then says so
    const second = `second-${Date.now().toString(36)}@example.test`;
    await page.getByLabel('Email').fill(second);
    await page.getByLabel('Email').press('Enter');
    const secondLink = await page.getByLabel(`Invitation link for ${second}`).inputValue();
    await page.getByRole('button', { name: `Revoke the invitation of ${second}` }).click();
    await page.getByRole('button', { name: 'Yes, revoke' }).click();
    await page.getByText(`The invitation of ${second} is revoked; its link no longer works.`).waitFor();
    await expect.poll(() => page.getByRole('rowheader', { name: second, exact: true }).count()).toBe(0);
    await ab.check(page, 'members-invitation-revoked');
    await page.goto(secondLink);
    await page.getByLabel('Password').fill('second password 1');
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('alert').filter({ hasText: 'revoked by an owner' }).waitFor();
    await context.close();
  }, 120_000);

  it('someone with a workspace of their own accepts with their password and switches between the two', async () => {
    const other = await makeTenant(ab.h);
    const s = await ab.sessionOf(owner.ownerEmail, owner.password);
    const res = await api(`/tenants/${owner.tenant.slug}/invitations`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ email: other.ownerEmail, role: 'editor' }),
    });
    expect(res.status).toBe(201);
    const { token } = (await res.json()) as { token: string };

    const { context, page } = await ab.newPage();
    await ab.signIn(page, other.ownerEmail, other.password);
    await page.goto(`${ab.origin}/app/invitation?token=${encodeURIComponent(token)}`);
    await page.getByLabel('Password').fill('not their password');
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    await page.getByLabel('Password').fill(other.password);
    await page.getByLabel('Password').press('Enter');
    await page.getByText(/You are now an editor of the workspace/).waitFor();
    await page.getByRole('link', { name: 'Open the workspace' }).click();
    await page.waitForURL(`**/app/t/${owner.tenant.slug}/lists`);
    // both workspaces are in the switcher
    await page.getByLabel('Workspace').selectOption(other.tenant.slug);
    await page.waitForURL(`**/app/t/${other.tenant.slug}/lists`);
    await page.getByLabel('Workspace').selectOption(owner.tenant.slug);
    await page.waitForURL(`**/app/t/${owner.tenant.slug}/lists`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
    await page.getByRole('cell', { name: other.ownerEmail, exact: true }).waitFor();
    await ab.check(page, 'members-two-workspaces');
    await context.close();
  }, 90_000);

  it('an owner creates a write token (secret shown once, works), then revokes it (stops working)', async () => {
    const { context, page } = await ab.newPage();
    await ab.signIn(page, owner.ownerEmail, owner.password);
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('CI export');
    await page.locator('label', { hasText: 'Write:' }).click();
    await page.getByRole('button', { name: 'Create token' }).click();
    const secretField = page.getByLabel('Secret of “CI export”');
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    await page.getByRole('rowheader', { name: 'CI export' }).waitFor();
    await ab.check(page, 'tokens');

    const lists = `/tenants/${owner.tenant.slug}/lists`;
    expect((await api(lists, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
    await page.getByRole('button', { name: 'Revoke CI export' }).click();
    await page.getByRole('button', { name: 'Yes, revoke' }).click();
    await page.getByText('The token “CI export” is revoked; it no longer works.').waitFor();
    // leaving the page forgets the secret: it is never shown again
    await page.reload();
    await page.getByRole('rowheader', { name: 'CI export' }).waitFor();
    expect(await page.getByLabel('Secret of “CI export”').count()).toBe(0);
    await expect
      .poll(async () => (await api(lists, { headers: { authorization: `Bearer ${secret}` } })).status)
      .toBe(401);
    await context.close();
  }, 90_000);

  it('an owner adds a webhook endpoint (secret once), sends tests (one fails), re-sends a published-version call', async () => {
    const { context, page } = await ab.newPage();
    await ab.signIn(page, owner.ownerEmail, owner.password);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { name: 'No endpoints yet' }).waitFor();
    await ab.check(page, 'webhooks-empty');
    await page.getByLabel('URL').fill(receiver.url);
    await page.getByLabel('Description').fill('Vendor-risk tool');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = await page.getByLabel(`Signing secret of ${receiver.url}`).inputValue();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('link', { name: 'Open the endpoint' }).click();
    await page.getByRole('heading', { name: 'No deliveries yet' }).waitFor();

    await page.getByRole('button', { name: 'Send a test delivery' }).click();
    await page.getByText(/Test delivered: your endpoint answered 200/).waitFor();
    expect(receiver.calls.at(-1)?.body).toContain('webhook.test');
    receiver.answer(500);
    await page.getByRole('button', { name: 'Send a test delivery' }).click();
    await page.getByRole('alert').filter({ hasText: 'The test was not delivered' }).waitFor();
    await page.getByRole('cell', { name: /^500 in \d+ ms/ }).waitFor();
    await page.getByRole('cell', { name: /^200 in \d+ ms/ }).waitFor();
    await ab.check(page, 'webhook');

    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByRole('button', { name: 'Disable' }).waitFor();

    // a publish calls the endpoint; a delivered call can be sent again, with the same webhook-id
    const base = `/api/v1/tenants/${owner.tenant.slug}`;
    const list = await ab.h.app.inject({
      method: 'POST',
      url: `${base}/lists`,
      headers: bearer(owner.write),
      payload: { slug: 'hooked', title: 'Hooked' },
    });
    await ab.h.app.inject({
      method: 'POST',
      url: `${base}/lists/${list.json().id}/entries`,
      headers: bearer(owner.write),
      payload: { entity: { legalName: 'Hook Test Ltd' }, locations: ['Germany'] },
    });
    const published = await ab.h.app.inject({
      method: 'POST',
      url: `${base}/lists/${list.json().id}/versions`,
      headers: bearer(owner.write),
      payload: {},
    });
    expect(published.statusCode, published.body).toBe(201);
    const webhookId = /\/webhooks\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    const log = await ab.h.app.inject({
      method: 'GET',
      url: `${base}/webhooks/${webhookId}/deliveries`,
      headers: { cookie: (await ab.sessionOf(owner.ownerEmail, owner.password)).cookie },
    });
    const delivery = log.json().items.find((d: { eventType: string }) => d.eventType === 'version.published');
    const job = { tenantId: owner.tenant.id, deliveryId: delivery.id as string };
    expect(await deliverWebhook(ab.h.deps, job)).toBe('delivered');
    await page.reload();
    await page.getByRole('button', { name: `Re-send ${delivery.webhookId}` }).click();
    await page.getByText('Queued again; it is sent within a minute.').waitFor();
    await page
      .getByRole('row', { name: new RegExp(delivery.webhookId) })
      .getByText('pending')
      .waitFor();
    const before = receiver.calls.length;
    expect(await deliverWebhook(ab.h.deps, job)).toBe('delivered');
    expect(receiver.calls[before]?.headers['webhook-id']).toBe(delivery.webhookId);

    await page.getByRole('link', { name: 'Webhooks', exact: true }).first().click();
    await page.getByRole('cell', { name: 'enabled' }).waitFor();
    await ab.check(page, 'webhooks');
    await context.close();
  }, 90_000);

  it('everybody sees where the data is kept; an owner edits the hosting statement shown on the trust page', async () => {
    const { context, page } = await ab.newPage();
    await ab.signIn(page, owner.ownerEmail, owner.password);
    await page.getByRole('link', { name: 'Hosting and region' }).click();
    await page.getByRole('heading', { name: 'Where your data is kept' }).waitFor();
    await page.getByText('(eu-west)').waitFor();
    await page.getByLabel('Hosting provider').fill('Hetzner Online GmbH');
    await page.getByLabel('Privacy contact email').fill('nope');
    await page.getByRole('button', { name: 'Save the statement' }).click();
    await page.locator('.react-aria-FieldError').first().waitFor();
    await page.getByLabel('Privacy contact email').fill('privacy@example.test');
    await page.getByRole('button', { name: 'Save the statement' }).click();
    await page.getByText('Saved; the trust page shows it now.').waitFor();
    await ab.check(page, 'hosting');
    const profile = await api(`/tenants/${owner.tenant.slug}/profile`, {
      headers: { authorization: `Bearer ${owner.read}` },
    });
    expect(await profile.json()).toMatchObject({
      hostingProvider: 'Hetzner Online GmbH',
      contactEmail: 'privacy@example.test',
    });

    // with SMTP there is no outbox page; without, owners read the workspace's mail there
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Mail outbox' }).count()).toBe(0);
    const config = ab.h.deps.config;
    const before = { smtpUrl: config.smtpUrl, dataDir: config.dataDir, mail: ab.h.deps.mail };
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'subreg-admin-outbox-'));
    try {
      Object.assign(config, { smtpUrl: null, dataDir });
      ab.h.deps.mail = createMailer({ smtpUrl: null, from: config.mailFrom, dataDir, log: () => {} });
      const other = await makeTenant(ab.h);
      await ab.h.deps.mail.send({
        to: 'dpo@customer.test',
        subject: 'Sub-processor change on 1 March',
        text: 'Gamma joins.',
        tenantId: owner.tenant.id,
      });
      await ab.h.deps.mail.send({
        to: 'x@other.test',
        subject: 'Not yours',
        text: '-',
        tenantId: other.tenant.id,
      });
      await page.reload();
      await nav.getByRole('link', { name: 'Mail outbox' }).click();
      await page.getByRole('heading', { name: 'Mail outbox', level: 1 }).waitFor();
      await page.getByRole('rowheader', { name: 'Sub-processor change on 1 March' }).waitFor();
      expect(await page.getByText('Not yours').count()).toBe(0);
      await ab.check(page, 'outbox');
      const href = await page.getByRole('link', { name: /Download/ }).getAttribute('href');
      const eml = await page.request.get(`${ab.origin}${href}`);
      expect(eml.status()).toBe(200);
      expect(await eml.text()).toContain('Gamma joins.');
    } finally {
      Object.assign(config, { smtpUrl: before.smtpUrl, dataDir: before.dataDir });
      ab.h.deps.mail = before.mail;
      await fs.rm(dataDir, { recursive: true, force: true });
    }
    await context.close();
    expect(ab.problems).toEqual([]);
  }, 60_000);
});
