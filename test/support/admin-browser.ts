import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { expect, onTestFailed } from 'vitest';
import { type Harness, createHarness } from './harness.js';

/**
 * The admin app (/app) in Chromium against a real server: one harness (listening on a port) and
 * one browser per test file, an axe scan and screenshots at 1280 and 375 px per screen.
 */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);
const ROOT = path.resolve(import.meta.dirname, '../..');
export const SHOTS = path.join(ROOT, 'test-artifacts');

export interface AdminBrowser {
  h: Harness;
  browser: Browser;
  origin: string;
  /** console errors and page errors seen so far (4xx answers are expected, not counted) */
  problems: string[];
  newPage(width?: number): Promise<{ context: BrowserContext; page: Page }>;
  /** axe (WCAG 2.2 AA) on what the page shows now, and screenshots at its width and 375 px */
  check(page: Page, name: string): Promise<void>;
  signIn(page: Page, email: string, password: string): Promise<void>;
  /** a session for API calls as a person (cookie + CSRF token), through the real HTTP server */
  sessionOf(email: string, password: string): Promise<{ cookie: string; csrf: string }>;
  close(): Promise<void>;
}

export async function startAdminBrowser(
  opts: Parameters<typeof createHarness>[0] = {},
): Promise<AdminBrowser> {
  // npm start and prepare build the app; a test run builds it too when the sources are newer
  const build = spawnSync(process.execPath, ['scripts/build-web.mjs', '--if-stale'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`build-web failed: ${build.stderr}`);
  fs.mkdirSync(SHOTS, { recursive: true });
  const h = await createHarness(opts);
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
  const problems: string[] = [];

  async function newPage(width = 1280) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    onTestFailed(async ({ task }) => {
      const name = task.name.replace(/\W+/g, '-').slice(0, 40);
      await page
        .screenshot({ path: path.join(SHOTS, `failed-${name}.png`), caret: 'initial' })
        .catch(() => {});
    });
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 4\d\d/.test(m.text()))
        problems.push(`${m.text()} at ${m.location().url}:${m.location().lineNumber}`);
    });
    page.on('pageerror', (e) => problems.push(e.message));
    return { context, page };
  }

  async function check(page: Page, name: string) {
    const axe = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    const violations = axe.violations.map(
      (v) =>
        `${name}: ${v.id}: ${v.help} ${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 200)}`).join(' | ')}`,
    );
    expect(violations).toEqual([]);
    const width = page.viewportSize()?.width ?? 1280;
    // caret 'initial': hiding it injects a <style>, which the app's CSP (rightly) refuses
    await page.screenshot({
      path: path.join(SHOTS, `admin-${name}-${width}.png`),
      fullPage: true,
      caret: 'initial',
    });
    await page.setViewportSize({ width: 375, height: 800 });
    // on a phone nothing but a table's own scroller may be wider than the screen
    expect(await page.evaluate('document.documentElement.scrollWidth'), `${name} at 375 px`).toBe(375);
    await page.screenshot({
      path: path.join(SHOTS, `admin-${name}-375.png`),
      fullPage: true,
      caret: 'initial',
    });
    await page.setViewportSize({ width, height: 900 });
  }

  async function signIn(page: Page, email: string, password: string) {
    await page.goto(`${origin}/app/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Lists', level: 1 }).waitFor();
  }

  async function sessionOf(email: string, password: string) {
    const res = await fetch(`${origin}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
  }

  return {
    h,
    browser,
    origin,
    problems,
    newPage,
    check,
    signIn,
    sessionOf,
    async close() {
      await browser.close();
      await h.close();
    },
  };
}
