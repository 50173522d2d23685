import { sql } from 'drizzle-orm';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, bearer, createHarness, makeTenant, seedList } from '../support/harness.js';

// Long lists: precompressed renderings (Brotli, gzip) and pages of 200 entries, without JavaScript.
let h: Harness;
let page: string;
const N = 450;

beforeAll(async () => {
  h = await createHarness();
  const t = await makeTenant(h);
  const { listId } = await seedList(h, t);
  await h.deps.dbs.withTenant(t.tenant, async (tx) => {
    await tx.execute(sql`
      insert into entities (tenant_id, id, legal_name, normalized_name, kind)
      select ${t.tenant.id}::uuid, gen_random_uuid(), 'Vendor ' || lpad(g::text, 4, '0') || ' Ltd', 'vendor ' || g,
             case when g % 2 = 0 then 'third_party' else 'infrastructure' end
      from generate_series(1, ${N - 1}) g`);
    await tx.execute(sql`
      insert into entries (tenant_id, id, list_id, entity_id, group_name, purpose, position)
      select e.tenant_id, gen_random_uuid(), ${listId}::uuid, e.id, 'Hosting', 'Hosting of the platform',
             row_number() over (order by e.legal_name)::int
      from entities e where e.normalized_name like 'vendor %'`);
  });
  const v = await h.app.inject({
    method: 'POST',
    url: `/api/v1/tenants/${t.tenant.slug}/lists/${listId}/versions`,
    headers: bearer(t.write),
    payload: { summary: 'First' },
  });
  expect(v.statusCode, v.body).toBe(201);
  page = `/t/${t.tenant.slug}/main`;
}, 60_000);
afterAll(() => h.close());

const get = (url: string, headers: Record<string, string> = {}) =>
  h.app.inject({ method: 'GET', url, headers });
const rows = (body: string) => body.split('<th scope="row" data-label="Sub-processor">').length - 1;

describe('public list pages of a long list', () => {
  it('sends Brotli or gzip as the client accepts, precompressed, with Vary and an ETag per encoding', async () => {
    const plain = await get(page);
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    const cases: [string, string | undefined][] = [
      ['br', 'br'],
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0, gzip', 'gzip'],
      ['gzip;q=1, br;q=0.5', 'gzip'],
      ['*', 'br'],
      ['identity', undefined],
      ['br;q=0, gzip;q=0', undefined],
      ['deflate', undefined],
      [`${'x,'.repeat(600)}br`, undefined],
      ['br;q=banana', 'br'],
    ];
    const etags = new Set<string>();
    for (const [accept, expected] of cases) {
      const res = await get(page, { 'accept-encoding': accept });
      expect(res.statusCode, accept).toBe(200);
      expect(res.headers['content-encoding'], accept).toBe(expected);
      expect(res.headers.vary, accept).toBe('Accept-Encoding');
      const bytes = res.rawPayload;
      const body =
        expected === 'br'
          ? zlib.brotliDecompressSync(bytes).toString()
          : expected === 'gzip'
            ? zlib.gunzipSync(bytes).toString()
            : bytes.toString();
      expect(body, accept).toBe(plain.body);
      if (expected) expect(bytes.length, accept).toBeLessThan(plain.rawPayload.length / 4);
      etags.add(String(res.headers.etag));
    }
    expect(etags.size).toBe(3);
    const br = await get(page, { 'accept-encoding': 'br' });
    const again = await get(page, { 'accept-encoding': 'br', 'if-none-match': String(br.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.headers.vary).toBe('Accept-Encoding');
    // JSON and CSV exports and feeds are compressed too; XLSX and PDF are compressed already.
    for (const f of ['.json', '.csv', '/feed.atom']) {
      expect((await get(`${page}${f}`, { 'accept-encoding': 'br' })).headers['content-encoding'], f).toBe(
        'br',
      );
    }
    expect(
      (await get(`${page}.xlsx`, { 'accept-encoding': 'br' })).headers['content-encoding'],
    ).toBeUndefined();
  });

  it("sends the workspace's page compressed too, the same bytes as the plain one", async () => {
    const home = page.slice(0, page.lastIndexOf('/'));
    const plain = await get(home);
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    for (const [accept, unzip] of [
      ['br', zlib.brotliDecompressSync],
      ['gzip', zlib.gunzipSync],
    ] as const) {
      const res = await get(home, { 'accept-encoding': accept });
      expect(res.headers['content-encoding'], accept).toBe(accept);
      expect(res.headers.vary).toBe('Accept-Encoding');
      expect(unzip(res.rawPayload).toString(), accept).toBe(plain.body);
      const again = await get(home, { 'accept-encoding': accept, 'if-none-match': String(res.headers.etag) });
      expect(again.statusCode, accept).toBe(304);
    }
  });

  it('pages 200 entries at a time, with a pager, rel=prev/next and the first page at the list URL', async () => {
    const first = await get(page);
    expect(rows(first.body)).toBe(200);
    expect(first.body).toContain(`Showing 1–200 of ${N} entries, page 1 of 3.`);
    expect(first.body).toMatch(/<nav class="pager" aria-label="Pages of the list">/);
    expect(first.body).toContain(`<link rel="next" href="${page}?page=2">`);
    expect(first.body).not.toContain('rel="prev"');
    expect(first.body.match(/<h1>/g)).toHaveLength(1);
    const second = await get(`${page}?page=2`);
    expect(rows(second.body)).toBe(200);
    expect(second.body).toContain(`<link rel="prev" href="${page}">`);
    expect(second.body).toContain(`<a href="${page}?page=3" rel="next">Next page</a>`);
    expect(second.body).toContain('<span aria-current="page">Page 2 of 3</span>');
    const last = await get(`${page}?page=3`);
    expect(rows(last.body)).toBe(N - 400);
    expect(last.body).not.toContain('rel="next"');
    // Every entry on exactly one page.
    const names = [first, second, last].flatMap((r) =>
      [...r.body.matchAll(/Vendor \d{4} Ltd/g)].map((m) => m[0]),
    );
    expect(new Set(names).size).toBe(N - 1);
    expect((await get(`${page}?page=1`)).body).toBe(first.body);
    // Filters carry over to the pager's links.
    const filtered = await get(`${page}?type=third_party&page=2`);
    expect(filtered.statusCode).toBe(200);
    expect(filtered.body).toContain(`<link rel="prev" href="${page}?type=third_party">`);
    expect(filtered.body).toContain(`(${N} in the list)`);
  });

  it('refuses pages that do not exist or are not numbers', async () => {
    const beyond = await get(`${page}?page=4`);
    expect(beyond.statusCode).toBe(404);
    expect(beyond.headers['cache-control']).toBe('no-store');
    for (const bad of ['0', '-1', 'abc', '1.5', '10001', '1e9']) {
      const res = await get(`${page}?page=${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().detail, bad).toContain('page must be a whole number');
    }
  });
});
