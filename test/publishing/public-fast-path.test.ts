import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastPathStats } from '../../src/features/publishing/public-fast-path.js';
import {
  type Harness,
  type TestTenant,
  bearer,
  createHarness,
  makeTenant,
  seedList,
} from '../support/harness.js';

// Over real HTTP, a cached current page is answered before Fastify, with the same bytes and headers.
let h: Harness;
let origin: string;
let t: TestTenant;
let listUrl: string;
beforeAll(async () => {
  h = await createHarness();
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const a = h.app.server.address();
  origin = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  t = await makeTenant(h);
  const { listId } = await seedList(h, t);
  listUrl = `/api/v1/tenants/${t.tenant.slug}/lists/${listId}`;
  await h.app.inject({
    method: 'PATCH',
    url: listUrl,
    headers: bearer(t.write),
    payload: { visibility: 'public' },
  });
  const v = await h.app.inject({
    method: 'POST',
    url: `${listUrl}/versions`,
    headers: bearer(t.write),
    payload: { summary: 'First' },
  });
  expect(v.statusCode, v.body).toBe(201);
});
afterAll(() => h.close());

function get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      http
        .get(`${origin}${path}`, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        })
        .on('error', reject);
    },
  );
}

const comparable = (headers: http.IncomingHttpHeaders) => {
  const { date: _d, 'x-request-id': id, connection: _c, 'keep-alive': _k, ...rest } = headers;
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  return rest;
};

describe('public fast path', () => {
  it('answers a cached page, export or feed exactly as the route does', async () => {
    const page = `/t/${t.tenant.slug}/main`;
    for (const [path, enc] of [
      [page, 'br'],
      [page, 'gzip'],
      [page, 'identity'],
      [`${page}.csv`, 'br'],
      [`${page}.pdf`, 'br'],
      [`${page}/feed.atom`, 'gzip'],
    ] as const) {
      const first = await get(path, { 'accept-encoding': enc }); // through Fastify (fills the cache)
      const before = fastPathStats.hits;
      const second = await get(path, { 'accept-encoding': enc, 'x-request-id': 'client-1' });
      expect(fastPathStats.hits, path).toBe(before + 1);
      expect(second.status, path).toBe(200);
      expect(second.body.equals(first.body), path).toBe(true);
      // Answers prepared per rendering and encoding: each encoding gets its own bytes (the page
      // is large enough to be kept compressed; small exports are sent as they are).
      if (path === page)
        expect(second.headers['content-encoding'], enc).toBe(enc === 'identity' ? undefined : enc);
      const { 'x-client-request-id': echoed, ...fast } = comparable(second.headers);
      expect(echoed).toBe('client-1');
      expect(fast, `${path} ${enc}`).toEqual(comparable(first.headers));
      const etag = String(second.headers.etag);
      const revalidated = await get(path, { 'accept-encoding': enc, 'if-none-match': etag });
      expect(revalidated.status, path).toBe(304);
      expect(revalidated.body.length).toBe(0);
    }
  });

  it('chooses the encoding by q-values on every request, whatever was prepared before', async () => {
    const page = `/t/${t.tenant.slug}/main`;
    for (const [accept, expected] of [
      ['br', 'br'],
      ['gzip;q=1, br;q=0.5', 'gzip'],
      ['br;q=0, gzip;q=0', undefined],
      ['*', 'br'],
      ['br', 'br'],
    ] as const) {
      const res = await get(page, { 'accept-encoding': accept });
      expect(res.status, accept).toBe(200);
      expect(res.headers['content-encoding'], accept).toBe(expected);
    }
  });

  it('leaves queries to Fastify and stops at once when the list is made private', async () => {
    const page = `/t/${t.tenant.slug}/main`;
    await get(page);
    const before = fastPathStats.hits;
    expect((await get(`${page}?type=third_party`)).status).toBe(200);
    expect(fastPathStats.hits).toBe(before);
    expect((await get(page)).status).toBe(200);
    expect(fastPathStats.hits).toBe(before + 1);
    await h.app.inject({
      method: 'PATCH',
      url: listUrl,
      headers: bearer(t.write),
      payload: { visibility: 'private' },
    });
    const gone = await get(page);
    expect(gone.status).toBe(404);
    expect(gone.headers['cache-control']).toBe('no-store');
    expect((await get(`${page}.csv`)).status).toBe(404);
  });
});
