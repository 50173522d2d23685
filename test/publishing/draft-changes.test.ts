import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, bearer, createHarness, makeTenant, seedList } from '../support/harness.js';

// GET .../draft/changes: what publishing now would do (the admin app's publish screen). Reads only.
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

describe('draft change set', () => {
  it('shows the draft against the latest version, the default effective date, and writes nothing', async () => {
    const t = await makeTenant(h);
    const { listId } = await seedList(h, t);
    const base = `/api/v1/tenants/${t.tenant.slug}/lists/${listId}`;
    const get = () => h.app.inject({ method: 'GET', url: `${base}/draft/changes`, headers: bearer(t.read) });

    const first = await get();
    expect(first.statusCode, first.body).toBe(200);
    const d = first.json();
    expect(d.latestVersion).toBeNull();
    expect(d.counts).toEqual({ added: 1, removed: 0, changed: 0 });
    expect(d.changes.added[0].legalName).toBe('Acme Hosting GmbH');
    expect(d.publishable).toBe(true);
    const days = (Date.parse(d.effectiveAt) - Date.now()) / 86_400_000;
    expect(Math.abs(days - d.noticePeriodDays)).toBeLessThan(0.01);

    const published = await h.app.inject({
      method: 'POST',
      url: `${base}/versions`,
      headers: bearer(t.write),
      payload: {},
    });
    expect(published.statusCode, published.body).toBe(201);
    const after = (await get()).json();
    expect(after.latestVersion).toBe(1);
    expect(after.counts).toEqual({ added: 0, removed: 0, changed: 0 });
    expect(after.publishable).toBe(false);
    // reading it twice changed nothing: still one version
    const versions = await h.app.inject({ method: 'GET', url: `${base}/versions`, headers: bearer(t.read) });
    expect(versions.json().total).toBe(1);
  });

  it("answers 404 for another workspace's list and for a list that does not exist", async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    const { listId } = await seedList(h, a);
    const other = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${b.tenant.slug}/lists/${listId}/draft/changes`,
      headers: bearer(b.read),
    });
    expect(other.statusCode).toBe(404);
    const bad = await h.app.inject({
      method: 'GET',
      url: `/api/v1/tenants/${a.tenant.slug}/lists/no-such-list/draft/changes`,
      headers: bearer(a.read),
    });
    // Lists are addressed by slug or id: an unknown slug is a list that does not exist.
    expect(bad.statusCode).toBe(404);
    expect(bad.json().code).toBe('LIST_NOT_FOUND');
  });
});
