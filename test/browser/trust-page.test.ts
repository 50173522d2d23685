import fs from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, bearer, createHarness, makeTenant } from '../support/harness.js';
import { multipartFile } from '../support/multipart.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.resolve(import.meta.dirname, '../../.cache/screenshots');
const SEED = path.resolve(import.meta.dirname, '../fixtures/seeds/000_af4bd0f1fa75d2e0.txt');

let h: Harness;
let browser: Browser;
let origin = '';
let pages: Record<string, string> = {};

/**
 * The trust page in a real browser: a list imported from seed 000, published twice (so there
 * is a history, a change set and a former sub-processor), with one hostile entry.
 */
beforeAll(async () => {
  h = await createHarness();
  const t = await makeTenant(h);
  const base = `/api/v1/tenants/${t.tenant.slug}`;
  const list = await h.app.inject({
    method: 'POST',
    url: `${base}/lists`,
    headers: bearer(t.write),
    payload: {
      slug: 'platform',
      title: 'Platform sub-processors',
      classification: 'Public',
      intro: 'We use these sub-processors to provide the platform.',
      definitions: [{ term: 'Affiliate', definition: 'A group company.' }],
      notes: ['Changes are announced 30 days ahead.'],
    },
  });
  const listUrl = `${base}/lists/${list.json().id}`;
  const body = multipartFile('list.txt', fs.readFileSync(SEED));
  const imp = await h.app.inject({
    method: 'POST',
    url: `${listUrl}/imports`,
    headers: { ...bearer(t.write), ...body.headers },
    payload: body.payload,
  });
  await h.app.inject({
    method: 'POST',
    url: `${listUrl}/imports/${imp.json().id}/apply`,
    headers: bearer(t.write),
    payload: {},
  });
  await h.app.inject({
    method: 'POST',
    url: `${listUrl}/versions`,
    headers: bearer(t.write),
    payload: { summary: 'Imported' },
  });
  const entries = (
    await h.app.inject({ method: 'GET', url: `${listUrl}/entries?limit=100`, headers: bearer(t.read) })
  ).json().items;
  await h.app.inject({
    method: 'DELETE',
    url: `${listUrl}/entries/${entries.at(-1).id}`,
    headers: bearer(t.write),
  });
  await h.app.inject({
    method: 'POST',
    url: `${listUrl}/entries`,
    headers: bearer(t.write),
    payload: {
      entity: { legalName: `Hostile <script>alert(1)</script> \u202eLtd ${'x'.repeat(200)}` },
      group: 'Connect',
      purpose: '=HYPERLINK("x")',
      locations: ['EU'],
    },
  });
  await h.app.inject({
    method: 'POST',
    url: `${listUrl}/versions`,
    headers: bearer(t.write),
    payload: { summary: 'One leaves, one joins' },
  });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const address = h.app.server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  pages = {
    tenant: `/t/${t.tenant.slug}`,
    list: `/t/${t.tenant.slug}/platform`,
    version: `/t/${t.tenant.slug}/platform/versions/1`,
  };
  if (fs.existsSync(CHROMIUM)) {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }
  fs.mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe.skipIf(!fs.existsSync(CHROMIUM))(
  'the trust page in Chromium (install: apt-get install -y chromium)',
  () => {
    for (const width of [375, 1280]) {
      for (const name of ['tenant', 'list', 'version'] as const) {
        it(`${name} page at ${width} px: no overflow, no axe violations, no console errors, screenshot`, async () => {
          const context = await browser.newContext({ viewport: { width, height: 900 } });
          const page = await context.newPage();
          const problems: string[] = [];
          page.on('console', (m) => {
            if (m.type() === 'error') problems.push(m.text());
          });
          page.on('pageerror', (e) => problems.push(e.message));
          const res = await page.goto(`${origin}${pages[name]}`);
          expect(res?.status()).toBe(200);
          const overflow = (await page.evaluate(
            'document.documentElement.scrollWidth - window.innerWidth',
          )) as number;
          expect(overflow).toBeLessThanOrEqual(0);
          const shot = path.join(SHOTS, `${name}-${width}.png`);
          await page.screenshot({ path: shot, fullPage: true });
          expect(fs.statSync(shot).size).toBeGreaterThan(5000);
          const axe = await new AxeBuilder({ page })
            .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
            .analyze();
          const violations = axe.violations.map(
            (v) => `${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes[0]?.target}`,
          );
          expect(violations).toEqual([]);
          expect(problems).toEqual([]);
          expect(await page.evaluate('document.querySelectorAll("script").length')).toBe(0);
          await context.close();
        }, 60_000);
      }
    }

    it('filters with JavaScript turned off', async () => {
      const context = await browser.newContext({
        javaScriptEnabled: false,
        viewport: { width: 1280, height: 900 },
      });
      const page = await context.newPage();
      await page.goto(`${origin}${pages.list}`);
      await page.selectOption('#f-type', 'infrastructure');
      await page.click('button[type=submit]');
      await page.waitForURL(/type=infrastructure/);
      expect(await page.textContent('.count')).toMatch(/Showing 3 of 16 entries/);
      await page.fill('#f-q', 'amazon');
      await page.click('button[type=submit]');
      await page.waitForURL(/q=amazon/);
      expect(await page.textContent('.count')).toMatch(/Showing 1 of 16 entries/);
      await context.close();
    }, 60_000);
  },
);
