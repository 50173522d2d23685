import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityType, ListFilters } from '../../src/domain/public-view.js';
import { renderListPage, renderTenantPage, renderVersionPage } from '../../src/features/trust-page/index.js';
import { demoViews, tenantView } from '../trust-page/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.resolve(import.meta.dirname, '../../.cache/screenshots');
/** What the routes send; the pages must work under it (no scripts, no external anything). */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'";

function filtersOf(url: URL): ListFilters {
  const p = url.searchParams;
  return {
    type: (p.get('type') || undefined) as EntityType | undefined,
    group: p.get('group') || undefined,
    country: p.get('country') || undefined,
    q: p.get('q') || undefined,
  };
}

let server: http.Server;
let browser: Browser | undefined;
let origin = '';

const PAGES = { tenant: '/t/acme', list: '/t/acme/platform', version: '/t/acme/platform/versions/1' };

beforeAll(async () => {
  const { current, past } = demoViews();
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body =
      url.pathname === PAGES.tenant
        ? renderTenantPage(tenantView())
        : url.pathname === PAGES.list
          ? renderListPage(current, filtersOf(url))
          : url.pathname === PAGES.version
            ? renderVersionPage(past, null)
            : url.pathname === '/t/acme/platform/versions/2'
              ? renderVersionPage(current, past.version)
              : null;
    res.writeHead(body === null ? 404 : 200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': CSP,
    });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fs.mkdirSync(SHOTS, { recursive: true });
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
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe.skipIf(!fs.existsSync(CHROMIUM))(
  'rendered trust pages in Chromium under the CSP (skipped only when /usr/bin/chromium is absent: apt-get install -y chromium)',
  () => {
    for (const width of [375, 1280]) {
      for (const name of ['tenant', 'list', 'version'] as const) {
        it(`${name} page at ${width} px: no overflow, no axe violations, no console or CSP errors`, async () => {
          const context = await (browser as Browser).newContext({ viewport: { width, height: 900 } });
          const page = await context.newPage();
          const problems: string[] = [];
          // CSP violations are reported on the console as errors, so this catches both
          page.on('console', (m) => {
            if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
          });
          page.on('pageerror', (e) => problems.push(e.message));
          page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
          const res = await page.goto(`${origin}${PAGES[name]}`);
          expect(res?.status()).toBe(200);
          expect(res?.headers()['content-security-policy']).toBe(CSP);

          const overflow = (await page.evaluate(
            'document.documentElement.scrollWidth - window.innerWidth',
          )) as number;
          expect(overflow).toBeLessThanOrEqual(0);
          // a very long name must wrap in its own cell, never squeeze the other columns to nothing
          const narrowest = (await page.evaluate(
            'Math.min(Infinity, ...[...document.querySelectorAll("table.entries tbody th, table.entries tbody td")].map((c) => c.getBoundingClientRect().width))',
          )) as number;
          if (name !== 'tenant') expect(narrowest).toBeGreaterThan(width === 375 ? 250 : 90);

          const shot = path.join(SHOTS, `rendered-${name}-${width}.png`);
          await page.screenshot({ path: shot, fullPage: true });
          expect(fs.statSync(shot).size).toBeGreaterThan(0);

          const axe = await new AxeBuilder({ page })
            .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
            .analyze();
          const violations = axe.violations.map(
            (v) =>
              `${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`,
          );
          if (violations.length) console.error(violations.join('\n'));
          expect(violations).toEqual([]);
          expect(problems).toEqual([]);
          // the hostile entry's markup stayed text
          expect(await page.evaluate('document.querySelectorAll("script, img").length')).toBe(0);
          await context.close();
        }, 60_000);
      }
    }

    it('dark mode keeps AA contrast', async () => {
      const context = await (browser as Browser).newContext({
        viewport: { width: 1280, height: 900 },
        colorScheme: 'dark',
      });
      const page = await context.newPage();
      for (const name of ['list', 'tenant'] as const) {
        await page.goto(`${origin}${PAGES[name]}`);
        await page.screenshot({ path: path.join(SHOTS, `rendered-${name}-1280-dark.png`), fullPage: true });
        const axe = await new AxeBuilder({ page }).withTags(['wcag2aa']).analyze();
        expect(
          axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`),
        ).toEqual([]);
      }
      await context.close();
    }, 60_000);

    it('the current version page shows its changes, and prints without forms', async () => {
      const context = await (browser as Browser).newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${origin}/t/acme/platform/versions/2`);
      expect(await page.textContent('main')).toContain('Changes since version 1');
      await page.emulateMedia({ media: 'print' });
      expect(await page.isVisible('form')).toBe(false);
      expect(await page.isVisible('.classification')).toBe(true);
      await context.close();
    }, 60_000);

    it('filters with JavaScript turned off: the form is a GET with query parameters', async () => {
      const context = await (browser as Browser).newContext({
        javaScriptEnabled: false,
        viewport: { width: 1280, height: 900 },
      });
      const page = await context.newPage();
      await page.goto(`${origin}${PAGES.list}`);
      expect(await page.textContent('.count')).toMatch(/Showing 17 of 17 entries/);
      await page.selectOption('#f-type', 'infrastructure');
      await page.click('form.filters button[type=submit]');
      await page.waitForURL(/type=infrastructure/);
      expect(await page.textContent('.count')).toMatch(/Showing 3 of 17 entries/);
      await page.fill('#f-q', 'amazon');
      await page.click('form.filters button[type=submit]');
      await page.waitForURL(/q=amazon/);
      expect(new URL(page.url()).searchParams.get('type')).toBe('infrastructure');
      expect(await page.textContent('.count')).toMatch(/Showing 1 of 17 entries/);
      await page.click('text=Clear filters');
      await page.waitForURL(`${origin}${PAGES.list}`);
      expect(await page.textContent('.count')).toMatch(/Showing 17 of 17 entries/);
      await context.close();
    }, 60_000);
  },
);
