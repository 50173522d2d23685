import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Harness,
  type TestTenant,
  bearer,
  createHarness,
  makeTenant,
  seedList,
} from './support/harness.js';

// The entries API pages by keyset: an opaque cursor, no count unless asked, cost flat in the list.
let h: Harness;
let t: TestTenant;
let listUrl: string;
/** the ids of the 1,000 entries loaded before any walk */
let loaded: Set<string>;
const N = 1_000;

beforeAll(async () => {
  h = await createHarness();
  t = await makeTenant(h);
  const { listId, entryId } = await seedList(h, t);
  listUrl = `/api/v1/tenants/${t.tenant.slug}/lists/${listId}/entries`;
  // 999 more in one statement: positions repeat (ties break on id), a tenth have no group,
  // and names repeat (ties break on id for the name sorts too).
  await h.deps.dbs.withTenant(t.tenant, async (tx) => {
    await tx.execute(sql`
      insert into entities (tenant_id, id, legal_name, normalized_name, kind)
      select ${t.tenant.id}::uuid, gen_random_uuid(), 'Vendor ' || (g % 300) || ' Ltd', 'vendor ' || g, 'third_party'
      from generate_series(1, ${N - 1}) g`);
    await tx.execute(sql`
      insert into entries (tenant_id, id, list_id, entity_id, group_name, position)
      select e.tenant_id, gen_random_uuid(), ${listId}::uuid, e.id,
             case when row_number() over () % 10 = 0 then null else 'G' || (row_number() over () % 7) end,
             (row_number() over () % 40)::int
      from entities e where e.normalized_name like 'vendor %'`);
  });
  const ids = await h.deps.dbs.withTenant(t.tenant, (tx) =>
    tx.execute(sql`select id from entries where list_id = ${listId}::uuid`),
  );
  loaded = new Set((ids.rows as { id: string }[]).map((r) => r.id));
  expect(loaded.size).toBe(N);
  expect(loaded.has(entryId)).toBe(true);
}, 60_000);
afterAll(() => h.close());

const get = (query: string) =>
  h.app.inject({ method: 'GET', url: `${listUrl}?${query}`, headers: bearer(t.read) });

type Page = { items: { id: string; position: number; group: string | null }[]; next: string | null };

async function walk(sort: string, limit: number, between?: (page: number) => Promise<void>) {
  const seen: Page['items'] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const res = await get(`sort=${sort}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as Page;
    seen.push(...body.items);
    cursor = body.next;
    if (!cursor) return seen;
    await between?.(page);
  }
  throw new Error('the walk did not end');
}

describe('entries API keyset pagination', () => {
  it('walks 1,000 entries in every sort with no duplicate and no miss', async () => {
    for (const sort of ['position', 'group', 'legalName', '-legalName']) {
      const seen = await walk(sort, 97);
      const ids = seen.map((e) => e.id);
      expect(new Set(ids).size, sort).toBe(ids.length);
      expect(ids.length, sort).toBeGreaterThanOrEqual(N);
      for (const id of loaded) expect(ids.includes(id), `${sort}: ${id}`).toBe(true);
      if (sort === 'position')
        for (let i = 1; i < seen.length; i++)
          expect(seen[i]!.position).toBeGreaterThanOrEqual(seen[i - 1]!.position);
      if (sort === 'group') {
        const firstNull = seen.findIndex((e) => e.group === null);
        expect(seen.slice(firstNull).every((e) => e.group === null)).toBe(true);
      }
    }
  });

  it('sees every entry exactly once while others are being added', async () => {
    const added: string[] = [];
    const seen = await walk('position', 50, async (page) => {
      // Before, among and after what is left to read: positions 0 (behind), 20 and 10,000.
      for (const position of [0, 20, 10_000]) {
        const res = await h.app.inject({
          method: 'POST',
          url: listUrl,
          headers: bearer(t.write),
          payload: { entity: { legalName: `Late ${page}-${position} GmbH` }, position },
        });
        expect(res.statusCode, res.body).toBe(201);
        added.push(res.json().id);
      }
    });
    const ids = seen.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of loaded) expect(ids.includes(id), id).toBe(true);
    // The one added at 10,000 after each page is ahead of the cursor: the walk finds it.
    const ahead = added.filter((_, i) => i % 3 === 2);
    for (const id of ahead) expect(ids.includes(id), id).toBe(true);
  });

  it('counts only when asked, and keeps limit within bounds', async () => {
    const first = await get('');
    expect(first.statusCode).toBe(200);
    expect(first.json().items).toHaveLength(50);
    expect(first.json()).not.toHaveProperty('total');
    expect(typeof first.json().next).toBe('string');
    const counted = await get('limit=1&total=true');
    expect(counted.json().total).toBeGreaterThanOrEqual(N);
    expect((await get('limit=500')).json().items).toHaveLength(500);
    for (const bad of ['limit=0', 'limit=501', 'limit=abc', 'limit=1.5', 'total=yes']) {
      const res = await get(bad);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().detail, bad).toMatch(/limit|total/);
    }
    // Old callers: offset still pages (nextOffset), but not together with a cursor.
    const byOffset = await get('limit=10&offset=990');
    expect(byOffset.json()).toMatchObject({ offset: 990, nextOffset: 1_000 });
    const both = await get(`offset=10&cursor=${first.json().next}`);
    expect(both.statusCode).toBe(400);
    expect(both.json().code).toBe('CURSOR_WITH_OFFSET');
  });

  it('refuses a tampered, foreign or hostile cursor with a 400 that says what to do', async () => {
    const next = (await get('limit=5')).json().next as string;
    const decoded = JSON.parse(Buffer.from(next, 'base64url').toString());
    const forged = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const cases = [
      `${next.slice(0, -3)}`,
      `${next}x`,
      '!!!!',
      'a'.repeat(3_000),
      forged({ ...decoded, k: ['1) or 1=1 --'] }),
      forged({ ...decoded, i: 'not-a-uuid' }),
      forged({ ...decoded, extra: 1 }),
      forged({ ...decoded, k: [2 ** 40] }),
      forged(['position']),
      Buffer.from('not json').toString('base64url'),
    ];
    for (const cursor of cases) {
      const res = await get(`cursor=${encodeURIComponent(cursor)}`);
      expect(res.statusCode, cursor.slice(0, 40)).toBe(400);
      expect(res.json().code, cursor.slice(0, 40)).toBe('CURSOR_INVALID');
      expect(res.json().detail).toContain('next');
    }
    const mismatch = await get(`sort=legalName&cursor=${next}`);
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().code).toBe('CURSOR_SORT_MISMATCH');
  });

  it('shows an entry the same in a page, on its own, and as created or changed', async () => {
    // The page is read with plain SQL and the others through the ORM: every field must agree,
    // timestamps included (ISO 8601 in UTC, milliseconds).
    const created = await h.app.inject({
      method: 'POST',
      url: listUrl,
      headers: bearer(t.write),
      payload: {
        entity: { legalName: 'Zzz Same View SE', tradingNames: ['Zed', 'Z&Z'], kind: 'affiliate' },
        group: 'Same',
        purpose: 'Comparing views',
        dataCategories: 'Names; emails',
        dataCategoryTags: ['contact'],
        dataSubjects: ['Customers'],
        locations: ['Germany', 'Ireland (backup)'],
        transferMechanism: 'SCCs',
        optional: true,
        position: 123_456,
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const changed = await h.app.inject({
      method: 'PATCH',
      url: `${listUrl}/${id}`,
      headers: bearer(t.write),
      payload: { purpose: 'Comparing views, changed' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const single = (
      await h.app.inject({ method: 'GET', url: `${listUrl}/${id}`, headers: bearer(t.read) })
    ).json();
    const inPage = (await get('group=Same')).json().items as { id: string }[];
    expect(inPage).toHaveLength(1);
    expect(inPage[0]).toEqual(single);
    expect(single).toEqual(changed.json());
    expect(single.createdAt).toBe(created.json().createdAt);
    expect(single.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(single.entity).toEqual(created.json().entity);
    expect(single.locations).toEqual(created.json().locations);
  });
});
