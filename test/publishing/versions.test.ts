import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteList } from '../../src/features/lists/lists.service.js';
import { type Harness, type TestTenant, bearer, createHarness, makeTenant } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

async function listWithEntries(t: TestTenant, names: string[]) {
  const base = `/api/v1/tenants/${t.tenant.slug}`;
  const list = await h.app.inject({
    method: 'POST',
    url: `${base}/lists`,
    headers: bearer(t.write),
    payload: { slug: 'main', title: 'Sub-processors', noticePeriodDays: 30 },
  });
  const url = `${base}/lists/${list.json().id}`;
  const ids: Record<string, string> = {};
  for (const name of names) {
    const e = await h.app.inject({
      method: 'POST',
      url: `${url}/entries`,
      headers: bearer(t.write),
      payload: {
        entity: { legalName: name, kind: 'third_party' },
        group: 'Platform',
        purpose: `${name} purpose`,
        locations: ['Germany'],
      },
    });
    ids[name] = e.json().id;
  }
  return { url, ids };
}

const publish = (t: TestTenant, url: string, payload: object = {}) =>
  h.app.inject({ method: 'POST', url: `${url}/versions`, headers: bearer(t.write), payload });

describe('publishing versions', () => {
  it('freezes the draft with its change set; the draft stays editable; nothing to publish twice', async () => {
    const t = await makeTenant(h);
    const { url, ids } = await listWithEntries(t, ['Acme Ltd', 'Beta GmbH', 'Gamma Inc']);
    const v1 = await publish(t, url, { summary: 'First list' });
    expect(v1.statusCode, v1.body).toBe(201);
    expect(v1.json()).toMatchObject({
      number: 1,
      author: expect.stringMatching(/^token:/),
      authorName: expect.stringMatching(/^API token "/),
      summary: 'First list',
      counts: { added: 3, removed: 0, changed: 0 },
    });
    const effective = new Date(v1.json().effectiveAt).getTime() - new Date(v1.json().publishedAt).getTime();
    // The first version is the baseline (no change to announce): in force from publication.
    expect(effective).toBe(0);
    expect((await publish(t, url)).json().code).toBe('NOTHING_TO_PUBLISH');

    // Change the draft: a purpose, a location, a removal, an addition.
    await h.app.inject({
      method: 'PATCH',
      url: `${url}/entries/${ids['Acme Ltd']}`,
      headers: bearer(t.write),
      payload: { purpose: 'Hosting', locations: ['Germany', 'EU'] },
    });
    await h.app.inject({
      method: 'DELETE',
      url: `${url}/entries/${ids['Gamma Inc']}`,
      headers: bearer(t.write),
    });
    await h.app.inject({
      method: 'POST',
      url: `${url}/entries`,
      headers: bearer(t.write),
      payload: { entity: { legalName: 'Delta SA' }, group: 'Platform', locations: ['France'] },
    });
    // A day ahead on a 30-day list: refused, with the earliest date allowed.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const tooSoon = await publish(t, url, { effectiveAt: tomorrow });
    expect(tooSoon.statusCode).toBe(422);
    expect(tooSoon.json()).toMatchObject({ code: 'NOTICE_TOO_SHORT' });
    expect(tooSoon.json().detail).toContain(`30 days' notice, so the earliest effective date is`);
    expect((await publish(t, url, { effectiveAt: tomorrow, emergency: { reason: 'x' } })).statusCode).toBe(
      400,
    );
    // An emergency notice with a written reason may be shorter; the reason is kept.
    const reason = 'The hosting provider closes its Frankfurt site at short notice.';
    const v2 = (await publish(t, url, { effectiveAt: tomorrow, emergency: { reason } })).json();
    expect(v2.number).toBe(2);
    expect(v2.emergencyReason).toBe(reason);
    expect(v2.counts).toEqual({ added: 1, removed: 1, changed: 1 });
    expect(v2.changes.changed[0].changes).toEqual([
      { field: 'purpose', before: 'Acme Ltd purpose', after: 'Hosting' },
      { field: 'locations', before: ['Germany'], after: ['Germany', 'EU'] },
    ]);
    expect(v2.changes.removed[0].legalName).toBe('Gamma Inc');

    // Version 1 is still exactly what it was.
    const old = (
      await h.app.inject({ method: 'GET', url: `${url}/versions/1`, headers: bearer(t.read) })
    ).json();
    expect(old.snapshot.entries.map((e: { legalName: string }) => e.legalName)).toEqual([
      'Acme Ltd',
      'Beta GmbH',
      'Gamma Inc',
    ]);
    const history = (
      await h.app.inject({ method: 'GET', url: `${url}/versions`, headers: bearer(t.read) })
    ).json();
    expect(history.items.map((v: { number: number }) => v.number)).toEqual([2, 1]);
    const diff = (
      await h.app.inject({ method: 'GET', url: `${url}/versions/2/diff/1`, headers: bearer(t.read) })
    ).json();
    expect(diff).toMatchObject({ from: 1, to: 2 });
    expect(diff.changes.added.map((e: { legalName: string }) => e.legalName)).toEqual(['Delta SA']);

    // Version 2 takes effect tomorrow: a later version may follow it (taking effect after it),
    // but supersedes it before its date only on purpose.
    await h.app.inject({
      method: 'POST',
      url: `${url}/entries`,
      headers: bearer(t.write),
      payload: { entity: { legalName: 'Epsilon BV' }, group: 'Platform' },
    });
    const early = await publish(t, url, { effectiveAt: tomorrow, emergency: { reason } });
    expect(early.statusCode).toBe(422);
    expect(early.json()).toMatchObject({ code: 'VERSION_PENDING' });
    expect(early.json().detail).toContain('"replacePending": true');
    const v3 = await publish(t, url, { effectiveAt: tomorrow, emergency: { reason }, replacePending: true });
    expect(v3.statusCode, v3.body).toBe(201);
    expect(v3.json()).toMatchObject({ number: 3, replacesVersion: 2 });
  });

  it('two publishes at once get consecutive numbers, never the same one', async () => {
    const t = await makeTenant(h);
    const { url } = await listWithEntries(t, ['Acme Ltd']);
    const results = await Promise.all([publish(t, url), publish(t, url), publish(t, url)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    const history = (
      await h.app.inject({ method: 'GET', url: `${url}/versions`, headers: bearer(t.read) })
    ).json();
    expect(history.total).toBe(1);
  });

  it('publishes racing with edits get consecutive numbers: never a duplicate, never a gap', async () => {
    const t = await makeTenant(h);
    const { url } = await listWithEntries(t, ['Acme Ltd']);
    const edit = (i: number) =>
      h.app.inject({
        method: 'POST',
        url: `${url}/entries`,
        headers: bearer(t.write),
        payload: { entity: { legalName: `Vendor ${i} Ltd` }, group: 'Platform' },
      });
    const racing = Array.from({ length: 12 }, (_, i) =>
      i % 2 && i < 8 ? edit(i).then(() => null) : publish(t, url),
    );
    const publishes = (await Promise.all(racing)).filter((r) => r !== null);
    for (const r of publishes) expect([201, 409], r.body).toContain(r.statusCode);
    const numbers = publishes.filter((r) => r.statusCode === 201).map((r) => r.json().number);
    expect(numbers.length).toBeGreaterThan(0);
    expect([...numbers].sort((a, b) => a - b)).toEqual(numbers.map((_, i) => i + 1));
    const history = (
      await h.app.inject({ method: 'GET', url: `${url}/versions`, headers: bearer(t.read) })
    ).json();
    expect(history.total).toBe(numbers.length);
  });

  it('published versions cannot be changed through the API or by the database role', async () => {
    const t = await makeTenant(h);
    const { url } = await listWithEntries(t, ['Acme Ltd']);
    await publish(t, url);
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
      const res = await h.app.inject({
        method,
        url: `${url}/versions/1`,
        headers: bearer(t.write),
        payload: method === 'DELETE' ? undefined : { summary: 'x' },
      });
      expect(res.statusCode, method).toBe(404);
    }
    for (const statement of ["update list_versions set summary = 'forged'", 'delete from list_versions']) {
      await expect(h.deps.dbs.withTenant(t.tenant, (tx) => tx.execute(statement))).rejects.toMatchObject({
        cause: expect.objectContaining({ message: expect.stringMatching(/permission denied/) }),
      });
    }
    // Even the database owner, who has every grant, meets the trigger.
    const region = inject('dbTargets').regions.find((r) => r.id === t.tenant.regionId);
    const c = new pg.Client({ connectionString: region?.url });
    await c.connect();
    try {
      // The owner may be subject to the forced row-level security (CI's external PostgreSQL).
      await c.query(`select set_config('app.tenant_id', $1, false)`, [t.tenant.id]);
      for (const statement of [
        "update list_versions set summary = 'forged' where tenant_id = $1",
        'delete from list_versions where tenant_id = $1',
      ]) {
        await expect(c.query(statement, [t.tenant.id])).rejects.toThrow(/immutable/);
      }
    } finally {
      await c.end();
    }
    const v1 = (
      await h.app.inject({ method: 'GET', url: `${url}/versions/1`, headers: bearer(t.read) })
    ).json();
    expect(v1.summary).toBeNull();
    // A list with published versions cannot be deleted either: its history stays.
    const owner = {
      tenant: t.tenant,
      actor: { type: 'user' as const, id: t.ownerId, userId: t.ownerId },
      role: 'owner' as const,
      requestId: null,
    };
    await expect(deleteList(h.deps, owner, url.split('/').pop() ?? '')).rejects.toMatchObject({
      code: 'LIST_PUBLISHED',
    });
  });

  it('refuses bad input and an empty first version', async () => {
    const t = await makeTenant(h);
    const { url } = await listWithEntries(t, []);
    expect((await publish(t, url)).json().code).toBe('LIST_EMPTY');
    expect((await publish(t, url, { effectiveAt: 'tomorrow' })).statusCode).toBe(400);
    expect((await publish(t, url, { effectiveAt: '2001-01-01T00:00:00Z' })).statusCode).toBe(400);
    expect((await publish(t, url, { surprise: 1 })).statusCode).toBe(400);
    const readOnly = await h.app.inject({
      method: 'POST',
      url: `${url}/versions`,
      headers: bearer(t.read),
      payload: {},
    });
    expect(readOnly.statusCode).toBe(403);
  });
});
