import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_CSP } from '../../src/web/admin-static.js';
import { type AdminBrowser, hasChromium, startAdminBrowser } from '../support/admin-browser.js';
import { type Harness, type TestTenant, bearer, makeTenant } from '../support/harness.js';
import { multipartFile } from '../support/multipart.js';

/**
 * The admin app (/app) in Chromium against the real server and databases: the main journey,
 * tenant isolation and the viewer role, with an axe scan and screenshots of every screen.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const SEED_004_PDF = path.join(ROOT, 'test/fixtures/formats/004_28bb4da9730773a7.pdf');

let ab: AdminBrowser;
let h: Harness;
let origin = '';
let owner: TestTenant;
let listId = '';
const newPage = (width?: number) => ab.newPage(width);
const check = (...a: Parameters<AdminBrowser['check']>) => ab.check(...a);
const signIn = (...a: Parameters<AdminBrowser['signIn']>) => ab.signIn(...a);
const sessionOf = (...a: Parameters<AdminBrowser['sessionOf']>) => ab.sessionOf(...a);

beforeAll(async () => {
  if (!hasChromium) return;
  ab = await startAdminBrowser();
  h = ab.h;
  origin = ab.origin;
  owner = await makeTenant(h);
}, 90_000);

afterAll(async () => {
  await ab?.close();
});

describe.skipIf(!hasChromium)('admin app in Chromium (apt-get install -y chromium)', () => {
  it('serves the app: / redirects, hashed assets are immutable, index.html is not cached, CSP is self only', async () => {
    const root = await fetch(`${origin}/`, { redirect: 'manual' });
    expect(root.status).toBe(303);
    expect(root.headers.get('location')).toBe('/app/login');
    const { cookie } = await sessionOf(owner.ownerEmail, owner.password);
    const signedIn = await fetch(`${origin}/`, { redirect: 'manual', headers: { cookie } });
    expect(signedIn.headers.get('location')).toBe('/app');

    const deep = await fetch(`${origin}/app/t/x/lists/y/entries`);
    expect(deep.status).toBe(200);
    expect(deep.headers.get('cache-control')).toBe('no-store');
    expect(deep.headers.get('content-security-policy')).toBe(ADMIN_CSP);
    const html = await deep.text();
    const asset = /src="(\/app\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${origin}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    // nothing outside the assets folder, however the name is spelled
    for (const bad of ['..%2Findex.html', '..%2F..%2Fpackage.json', '%2e%2e%2fx.js', 'nope.js']) {
      expect((await fetch(`${origin}/app/assets/${bad}`)).status).toBe(404);
    }
  });

  it('sign-up asks for a region and says to check the email', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}/app/signup`);
    await page.getByRole('radio').first().waitFor();
    await check(page, 'signup');
    const slug = `b-${Date.now().toString(36)}`;
    await page.getByLabel('Your email').fill(`${slug}@example.test`);
    await page.getByLabel('Password').fill('short');
    await page.getByLabel('Company or workspace name').fill('Beta Corp');
    await page.getByLabel('Workspace address').fill(slug);
    await page.getByRole('button', { name: 'Sign up' }).click();
    // the server's refusal, next to the field it is about
    await page.locator('.react-aria-FieldError', { hasText: 'must be at least 10 characters' }).waitFor();
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Password').fill('a long enough password');
    // by keyboard: the field's old error goes away as it loses focus, so the button would move under a click
    await page.getByLabel('Password').press('Enter');
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await check(page, 'signup-sent');
    await context.close();
  });

  it('journey: sign in, create a list, import seed 004 (PDF), apply, publish, see it on the trust page', async () => {
    const { context, page } = await newPage();
    await page.goto(`${origin}/app/login`);
    await page.getByRole('heading', { name: 'Sign in to subreg' }).waitFor();
    await check(page, 'login');
    await page.getByLabel('Email').fill(owner.ownerEmail);
    await page.getByLabel('Password').fill('wrong password!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/password/i);

    await signIn(page, owner.ownerEmail, owner.password);
    await page.getByRole('heading', { name: 'No lists yet' }).waitFor();
    await check(page, 'lists-empty');

    await page.getByLabel('Title').fill('Sub-processors');
    await page.getByLabel('Address').fill('Bad Slug!');
    await page.getByRole('button', { name: 'Create list' }).click();
    await expect.poll(() => page.getByText(/lower-case letters, digits and inner hyphens/).count()).toBe(1);
    await page.getByLabel('Address').fill('subprocessors');
    await page.getByLabel('Address').press('Enter');
    await page.getByRole('heading', { name: 'Import a document' }).waitFor();
    listId = /lists\/([0-9a-f-]{36})\//.exec(page.url())![1]!;
    await check(page, 'import');

    await page.locator('input[type=file]').setInputFiles(SEED_004_PDF);
    await page.getByRole('heading', { name: /Preview of/ }).waitFor({ timeout: 30_000 });
    expect(await page.locator('.counts').textContent()).toMatch(/39 to add/);
    await check(page, 'import-preview');
    await page.getByRole('button', { name: 'Apply to the draft' }).click();
    await page.getByText('Applied to the draft.').waitFor();

    await page.getByRole('navigation', { name: 'List' }).getByRole('link', { name: 'Entries' }).click();
    await page.getByRole('heading', { name: 'Entries (39)' }).waitFor();
    await check(page, 'entries');
    // inline edit: a refusal is shown next to the field, a good value is saved
    const firstName = page.getByLabel('Name of entry 1', { exact: true });
    const before = await firstName.inputValue();
    await firstName.fill('');
    await firstName.press('Enter');
    await expect.poll(() => page.locator('.cell-error').count()).toBe(1);
    expect(await firstName.getAttribute('aria-invalid')).toBe('true');
    await firstName.fill(`${before} Ltd`);
    await firstName.press('Enter');
    await expect.poll(() => page.locator('.cell-error').count()).toBe(0);
    await page.getByLabel('Filter entries').fill('zzz-nothing');
    await page.getByText('0 of 39 shown.').waitFor();
    await page.getByLabel('Filter entries').fill('');

    await page.getByRole('navigation', { name: 'List' }).getByRole('link', { name: 'Publish' }).click();
    await page.getByText(/39\s*added/).waitFor();
    await check(page, 'publish');
    await page.getByLabel('Summary').fill('First version, from our PDF');
    await page.getByRole('button', { name: 'Publish version 1' }).click();
    await page.getByText(/Version 1 is published/).waitFor();
    await page.getByRole('cell', { name: 'First version, from our PDF' }).waitFor();

    const trust = await context.newPage();
    const res = await trust.goto(`${origin}/t/${owner.tenant.slug}/subprocessors`);
    expect(res?.status()).toBe(200);
    expect(await trust.content()).toContain(`${before} Ltd`);

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByText(/The chain is intact/).waitFor();
    await page.getByLabel('Action contains').fill('list.published');
    await page.getByRole('cell', { name: 'list.published' }).waitFor();
    await check(page, 'audit');
    await context.close();
    // ~35 s on a quiet machine; axe and two screenshots per screen make it slow under load
  }, 180_000);

  it('a second workspace sees none of the first one’s lists, in the app or through the API', async () => {
    const other = await makeTenant(h);
    const { context, page } = await newPage(375);
    await signIn(page, other.ownerEmail, other.password);
    await page.getByRole('heading', { name: 'No lists yet' }).waitFor();
    expect(await page.getByRole('link', { name: 'Sub-processors' }).count()).toBe(0);
    await page.goto(`${origin}/app/t/${owner.tenant.slug}/lists/${listId}/entries`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(listId).toMatch(/^[0-9a-f-]{36}$/);
    const status = await page.evaluate(
      async (url) => (await fetch(url)).status,
      `/api/v1/tenants/${owner.tenant.slug}/lists/${listId}/entries`,
    );
    expect(status).toBe(404);
    // signing out ends the session: the app and / go to the sign-in page
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to subreg' }).waitFor();
    await page.goto(`${origin}/`);
    await page.getByRole('heading', { name: 'Sign in to subreg' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/app/login');
    await context.close();
  });

  it('a viewer sees the draft but has no publish button, and the API refuses to publish (403)', async () => {
    const s = await sessionOf(owner.ownerEmail, owner.password);
    const email = `viewer-${Date.now().toString(36)}@example.test`;
    const invite = await fetch(`${origin}/api/v1/tenants/${owner.tenant.slug}/invitations`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ email, role: 'viewer' }),
    });
    expect(invite.status).toBe(201);
    const { token } = (await invite.json()) as { token: string };
    const accepted = await h.app.inject({
      method: 'POST',
      url: '/api/v1/invitations/accept',
      payload: { token, password: 'viewer password 1' },
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    // its own list with one entry in the draft, so there is something a viewer could try to publish
    const list = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${owner.tenant.slug}/lists`,
      headers: bearer(owner.write),
      payload: { slug: 'viewer-test', title: 'Viewer test' },
    });
    expect(list.statusCode, list.body).toBe(201);
    const viewerList = list.json().id as string;
    const entry = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${owner.tenant.slug}/lists/${viewerList}/entries`,
      headers: bearer(owner.write),
      payload: { entity: { legalName: 'Viewer Test GmbH' }, locations: ['Germany'] },
    });
    expect(entry.statusCode, entry.body).toBe(201);

    const { context, page } = await newPage();
    await signIn(page, email, 'viewer password 1');
    await page.goto(`${origin}/app/t/${owner.tenant.slug}/lists/${viewerList}/publish`);
    await page.getByText(/cannot publish/).waitFor();
    expect(await page.getByRole('button', { name: /Publish version/ }).count()).toBe(0);
    await check(page, 'publish-viewer');
    const refused = await page.evaluate(async (url) => {
      const session = (await (await fetch('/api/v1/auth/session')).json()) as { csrfToken: string };
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: '{}',
      });
      return res.status;
    }, `/api/v1/tenants/${owner.tenant.slug}/lists/${viewerList}/versions`);
    expect(refused).toBe(403);
    await context.close();
    expect(ab.problems).toEqual([]);
  });

  it('the entries table holds 1,000 rows: only the visible ones are in the page, it scrolls and filters', async () => {
    const list = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${owner.tenant.slug}/lists`,
      headers: bearer(owner.write),
      payload: { slug: 'thousand', title: 'A thousand' },
    });
    expect(list.statusCode, list.body).toBe(201);
    const id = list.json().id as string;
    const rows = Array.from({ length: 1000 }, (_, i) => `Vendor ${i + 1} Ltd,Germany,Service ${i + 1}`);
    const file = multipartFile('thousand.csv', `Name,Location,Purpose\n${rows.join('\n')}\n`);
    const imp = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${owner.tenant.slug}/lists/${id}/imports`,
      headers: { ...bearer(owner.write), ...file.headers },
      payload: file.payload,
    });
    expect(imp.statusCode, imp.body).toBe(201);
    const applied = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${owner.tenant.slug}/lists/${id}/imports/${imp.json().id}/apply`,
      headers: bearer(owner.write),
      payload: {},
    });
    expect(applied.statusCode, applied.body).toBe(200);

    const { context, page } = await newPage();
    await signIn(page, owner.ownerEmail, owner.password);
    await page.getByRole('link', { name: 'A thousand' }).waitFor();
    await check(page, 'lists');
    // settings: a refusal next to its field, then saved
    await page.goto(`${origin}/app/t/${owner.tenant.slug}/lists/${id}/settings`);
    await page.getByLabel('Notice period (days)').fill('400');
    await page.getByLabel('Notice period (days)').press('Enter');
    await page.locator('.react-aria-FieldError', { hasText: '365' }).waitFor();
    await page.getByLabel('Notice period (days)').fill('30');
    await page.getByLabel('Notice period (days)').press('Enter');
    await page.getByText('Saved.').waitFor();
    await check(page, 'settings');
    await page.goto(`${origin}/app/t/${owner.tenant.slug}/lists/${id}/entries`);
    await page.getByRole('heading', { name: 'Entries (1000)' }).waitFor({ timeout: 30_000 });
    const inPage = await page.locator('table.grid tbody tr:not(.spacer-row)').count();
    expect(inPage).toBeGreaterThan(5);
    expect(inPage).toBeLessThan(60);
    await page.locator('.grid-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.getByLabel('Name of entry 1000', { exact: true }).waitFor();
    expect(await page.getByLabel('Name of entry 1000', { exact: true }).inputValue()).toBe('Vendor 1000 Ltd');
    await page.getByLabel('Filter entries').fill('Vendor 999 ');
    await page.getByText('1 of 1000 shown.').waitFor();
    await context.close();
  }, 90_000);
});
