import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeNotices, objections } from '../../src/db/schema/region-notices.js';
import { newId } from '../../src/platform/ids.js';
import { type Harness, bearer, createHarness, makeTenant, seedList } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('workspace objections inbox', () => {
  it('pages every objection of the workspace newest first by keyset, filters by status, rejects forged cursors', async () => {
    const t = await makeTenant(h);
    const other = await makeTenant(h);
    const { listId } = await seedList(h, t);
    const noticeIds = [newId(), newId()];
    const base = Date.UTC(2026, 0, 1);
    const ids: string[] = [];
    await h.deps.dbs.withTenant(t.tenant, async (tx) => {
      for (const [i, id] of noticeIds.entries())
        await tx.insert(changeNotices).values({
          tenantId: t.tenant.id,
          id,
          listId,
          versionNumber: i + 2,
          baseVersion: i + 1,
          publishedAt: new Date(base),
          effectiveAt: new Date(base + 30 * 86_400_000),
          status: 'scheduled',
          counts: { added: 1, removed: 0, changed: 0 },
        });
      // 7 objections over two notices; two share a created_at (the id breaks the tie)
      for (let i = 0; i < 7; i++) {
        const id = newId();
        ids.push(id);
        await tx.insert(objections).values({
          tenantId: t.tenant.id,
          id,
          noticeId: noticeIds[i % 2]!,
          email: `o${i}@customer.test`,
          reason: `reason ${i}`,
          status: i % 3 === 0 ? 'resolved' : 'open',
          createdAt: new Date(base + Math.min(i, 5) * 1000),
        });
      }
    });
    const url = `/api/v1/tenants/${t.tenant.slug}/objections`;
    const get = (q: string, token = t.read, at = url) =>
      h.app.inject({ method: 'GET', url: `${at}${q}`, headers: bearer(token) });

    const seen: { id: string; createdAt: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await get(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.statusCode, r.body).toBe(200);
      const body = r.json();
      expect(body.items.length).toBeLessThanOrEqual(3);
      seen.push(...body.items);
      cursor = body.next;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(new Set(seen.map((o) => o.id)).size).toBe(7);
    const times = seen.map((o) => o.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(seen[0]).toMatchObject({ listId, listTitle: 'Sub-processors', versionNumber: expect.any(Number) });
    expect(noticeIds).toContain((seen[0] as unknown as { noticeId: string }).noticeId);

    const open = (await get('?status=open&limit=200')).json();
    expect(open.items.map((o: { status: string }) => o.status)).toEqual(Array(4).fill('open'));
    expect(open.next).toBeNull();

    // another workspace sees none of them
    expect((await get('', other.read, `/api/v1/tenants/${other.tenant.slug}/objections`)).json()).toEqual({
      items: [],
      next: null,
    });

    for (const bad of ['nope!', Buffer.from('{"t":"x","i":"y"}').toString('base64url'), 'a'.repeat(301)]) {
      const r = await get(`?cursor=${bad}`);
      expect(r.statusCode, bad).toBe(400);
      expect(r.json().detail ?? r.json().title).toBeTruthy();
    }
    expect((await get('?status=maybe')).statusCode).toBe(400);
  });
});
