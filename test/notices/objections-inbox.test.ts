import { sql } from 'drizzle-orm';
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

  it('a deep page costs what the first does (index on tenant, created_at, id)', async () => {
    const n = Number(process.env.OBJECTIONS_N ?? 5000);
    const t = await makeTenant(h);
    const { listId } = await seedList(h, t);
    const noticeId = newId();
    await h.deps.dbs.withTenant(t.tenant, async (tx) => {
      await tx.insert(changeNotices).values({
        tenantId: t.tenant.id,
        id: noticeId,
        listId,
        versionNumber: 2,
        baseVersion: 1,
        publishedAt: new Date(),
        effectiveAt: new Date(Date.now() + 86_400_000),
        status: 'scheduled',
        counts: { added: 1, removed: 0, changed: 0 },
      });
      await tx.execute(sql`
        insert into objections (tenant_id, id, notice_id, email, reason, status, created_at)
        select ${t.tenant.id}::uuid, gen_random_uuid(), ${noticeId}::uuid, 'o' || g || '@customer.test',
               'reason', case when g % 4 = 0 then 'open' else 'resolved' end,
               now() - g * interval '1 second'
        from generate_series(1, ${n}) g`);
    });
    const url = `/api/v1/tenants/${t.tenant.slug}/objections?limit=200`;
    const times: number[] = [];
    let cursor: string | null = null;
    let total = 0;
    do {
      const started = performance.now();
      const r: { statusCode: number; json: () => { items: unknown[]; next: string | null } } =
        await h.app.inject({
          method: 'GET',
          url: `${url}${cursor ? `&cursor=${cursor}` : ''}`,
          headers: bearer(t.read),
        });
      times.push(performance.now() - started);
      expect(r.statusCode).toBe(200);
      total += r.json().items.length;
      cursor = r.json().next;
    } while (cursor);
    expect(total).toBe(n);
    const ms = (x: number) => Math.round(x * 10) / 10;
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `objections inbox: ${n} objections, ${times.length} pages of 200: first ${ms(times[0]!)} ms, last ${ms(times.at(-1)!)} ms, median ${ms(sorted[Math.floor(sorted.length / 2)]!)} ms`,
    );
    // the plan reads the index in order instead of sorting the workspace's objections
    const plan = await h.deps.dbs.withTenant(t.tenant, (tx) =>
      tx.execute(sql`explain select * from objections where (created_at, id) < (now(), gen_random_uuid())
        order by created_at desc, id desc limit 201`),
    );
    expect(JSON.stringify(plan.rows)).toContain('objections_created_idx');
  }, 120_000);
});
