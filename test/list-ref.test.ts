import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, bearer, createHarness, makeTenant, seedList } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

/** Every list route, as a path below /lists/{ref}, with what tells its answer apart. */
const READS = ['', '/entries', '/imports', '/versions'];

describe('lists are addressed by slug or id in every API route', () => {
  it('answers the same by slug as by id, for reads and changes', async () => {
    const t = await makeTenant(h);
    const { listId, entryId } = await seedList(h, t);
    const base = `/api/v1/tenants/${t.tenant.slug}/lists`;
    const get = (url: string) => h.app.inject({ method: 'GET', url, headers: bearer(t.write) });
    for (const path of READS) {
      const byId = await get(`${base}/${listId}${path}`);
      const bySlug = await get(`${base}/main${path}`);
      expect(byId.statusCode, `${path}: ${byId.body}`).toBe(200);
      expect(bySlug.statusCode, `${path}: ${bySlug.body}`).toBe(200);
      expect(bySlug.json(), path).toEqual(byId.json());
    }
    const entryBySlug = await get(`${base}/main/entries/${entryId}`);
    expect(entryBySlug.json().id).toBe(entryId);

    const patch = await h.app.inject({
      method: 'PATCH',
      url: `${base}/main`,
      headers: bearer(t.write),
      payload: { title: 'Renamed by slug' },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(patch.json().id).toBe(listId);
    const publish = await h.app.inject({
      method: 'POST',
      url: `${base}/main/versions`,
      headers: bearer(t.write),
      payload: {},
    });
    expect(publish.statusCode, publish.body).toBe(201);
    expect((await get(`${base}/${listId}/versions/1`)).json()).toEqual(
      (await get(`${base}/main/versions/1`)).json(),
    );
  });

  it("answers 404 LIST_NOT_FOUND for an unknown slug or id, and for another workspace's list", async () => {
    const t = await makeTenant(h);
    const other = await makeTenant(h);
    const { listId: othersList } = await seedList(h, other);
    const base = `/api/v1/tenants/${t.tenant.slug}/lists`;
    for (const ref of ['nope', '00000000-0000-4000-8000-000000000000', othersList, 'main']) {
      for (const path of READS) {
        const r = await h.app.inject({
          method: 'GET',
          url: `${base}/${ref}${path}`,
          headers: bearer(t.write),
        });
        expect(r.statusCode, `${ref}${path}: ${r.body}`).toBe(404);
        expect(r.json().code).toBe('LIST_NOT_FOUND');
      }
    }
    const unknown = await h.app.inject({ method: 'GET', url: `${base}/nope`, headers: bearer(t.write) });
    expect(unknown.json().detail).toBe(`Workspace "${t.tenant.slug}" has no list "nope".`);
  });

  it('refuses hostile references and slugs that look like ids', async () => {
    const t = await makeTenant(h);
    const base = `/api/v1/tenants/${t.tenant.slug}/lists`;
    const long = await h.app.inject({
      method: 'GET',
      url: `${base}/${'a'.repeat(61)}`,
      headers: bearer(t.write),
    });
    expect(long.statusCode).toBe(400);
    expect(long.json().detail).toContain('must be a list slug or id');
    const quote = await h.app.inject({
      method: 'GET',
      url: `${base}/${encodeURIComponent("main'; drop table lists--")}/entries`,
      headers: bearer(t.write),
    });
    expect(quote.statusCode).toBe(404);
    const idLike = await h.app.inject({
      method: 'POST',
      url: base,
      headers: bearer(t.write),
      payload: { slug: '00000000-0000-4000-8000-000000000001', title: 'Looks like an id' },
    });
    expect(idLike.statusCode).toBe(400);
    expect(idLike.json().detail).toContain('must not look like a list id');
  });
});
