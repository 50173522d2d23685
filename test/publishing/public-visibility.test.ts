import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { PublicCache } from '../../src/features/publishing/public-cache.js';
import { listenForDirectoryChanges } from '../../src/app/directory-listener.js';
import { type Harness, type TestTenant, bearer, createHarness, makeTenant } from '../support/harness.js';

// Defect 7: a list made private (or renamed, or deleted) stops being public at once.
let h: Harness;
/** A second server process on the same databases, with its own caches and the directory listener. */
let other: Harness;
let stopListening: () => Promise<void>;
beforeAll(async () => {
  h = await createHarness();
  other = await createHarness();
  stopListening = await listenForDirectoryChanges(inject('dbTargets').controlUrl, other.deps, () => {});
});
afterAll(async () => {
  await stopListening();
  await other.close();
  await h.close();
});

async function published(t: TestTenant, slug: string) {
  const base = `/api/v1/tenants/${t.tenant.slug}`;
  const list = await h.app.inject({
    method: 'POST',
    url: `${base}/lists`,
    headers: bearer(t.write),
    payload: { slug, title: 'Sub-processors', visibility: 'public' },
  });
  const apiUrl = `${base}/lists/${list.json().id}`;
  const entry = await h.app.inject({
    method: 'POST',
    url: `${apiUrl}/entries`,
    headers: bearer(t.write),
    payload: {
      entity: { legalName: 'Acme Ltd', kind: 'infrastructure' },
      group: 'Hosting',
      purpose: 'Hosting',
    },
  });
  expect(entry.statusCode).toBe(201);
  const v = await h.app.inject({
    method: 'POST',
    url: `${apiUrl}/versions`,
    headers: bearer(t.write),
    payload: { summary: 'First' },
  });
  expect(v.statusCode).toBe(201);
  return { apiUrl, page: `/t/${t.tenant.slug}/${slug}` };
}

const publicUrls = (page: string) => [
  page,
  `${page}.json`,
  `${page}.csv`,
  `${page}.xlsx`,
  `${page}/feed.atom`,
  `${page}/feed.json`,
  `${page}/versions/1`,
  `${page}/versions/1.pdf`,
];

const get = (app: Harness['app'], url: string) => app.inject({ method: 'GET', url });

async function patch(t: TestTenant, apiUrl: string, body: Record<string, unknown>) {
  const res = await h.app.inject({ method: 'PATCH', url: apiUrl, headers: bearer(t.write), payload: body });
  expect(res.statusCode, res.body).toBe(200);
}

describe('visibility changes reach the public pages at once', () => {
  it('answers 404 (no-store) on the very next request after a list is made private', async () => {
    const t = await makeTenant(h);
    const { apiUrl, page } = await published(t, 'main');
    for (const url of publicUrls(page)) {
      const res = await get(h.app, url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['surrogate-key'], url).toMatch(/^subreg-t-[\w-]+ subreg-l-[\w-]+$/);
      expect(String(res.headers['cache-tag']).split(','), url).toHaveLength(2);
      expect(res.headers['cache-control'], url).not.toContain('s-maxage');
    }
    expect((await get(h.app, page)).headers['cache-control']).toBe('public, max-age=0, must-revalidate');

    await patch(t, apiUrl, { visibility: 'private' });
    for (const url of publicUrls(page)) {
      const res = await get(h.app, url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
    // And back: public again at once.
    await patch(t, apiUrl, { visibility: 'unlisted' });
    expect((await get(h.app, page)).statusCode).toBe(200);
  });

  it('forgets the old slug at once when a list is renamed', async () => {
    const t = await makeTenant(h);
    const { apiUrl, page } = await published(t, 'old-name');
    expect((await get(h.app, page)).statusCode).toBe(200);
    await patch(t, apiUrl, { slug: 'new-name' });
    expect((await get(h.app, page)).statusCode).toBe(404);
    expect((await get(h.app, `/t/${t.tenant.slug}/new-name`)).statusCode).toBe(200);
  });

  it('tells other processes: their cached renderings go within a second, not after the cache TTL', async () => {
    const t = await makeTenant(h);
    const { apiUrl, page } = await published(t, 'main');
    for (const url of publicUrls(page)) expect((await get(other.app, url)).statusCode, url).toBe(200);
    await patch(t, apiUrl, { visibility: 'private' });
    const started = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - started < 3_000) {
      await new Promise((r) => setTimeout(r, 25));
      status = (await get(other.app, page)).statusCode;
    }
    expect(status).toBe(404);
    // The in-process cache would keep it for LATEST_TTL_MS (5 s): the NOTIFY did this.
    expect(Date.now() - started).toBeLessThan(1_500);
    for (const url of publicUrls(page)) expect((await get(other.app, url)).statusCode, url).toBe(404);
  });
});

describe('PublicCache', () => {
  it('does not store a current version read before a forget (it may predate the change)', () => {
    const cache = new PublicCache();
    const tenant = '00000000-0000-4000-8000-000000000001';
    const readAt = cache.epoch;
    cache.forgetList(tenant, 'main');
    cache.setLatest(tenant, 'main', { number: 1, listId: 'l' }, Date.now(), readAt);
    expect(cache.latest(tenant, 'main')).toBeNull();
    cache.setLatest(tenant, 'main', { number: 1, listId: 'l' }, Date.now(), cache.epoch);
    expect(cache.latest(tenant, 'main')).not.toBeNull();
  });

  it('forgets one list without touching a list whose slug starts the same', () => {
    const cache = new PublicCache();
    const tenant = '00000000-0000-4000-8000-000000000002';
    cache.setLatest(tenant, 'main', { number: 1, listId: 'a' });
    cache.setLatest(tenant, 'main-eu', { number: 2, listId: 'b' });
    cache.forgetList(tenant, 'main');
    expect(cache.latest(tenant, 'main')).toBeNull();
    expect(cache.latest(tenant, 'main-eu')?.number).toBe(2);
  });
});
