import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type TestTenant, bearer, createHarness, makeTenant } from '../support/harness.js';
import { multipartFile } from '../support/multipart.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const SEED_004_TXT = path.join(FIXTURES, 'seeds/004_28bb4da9730773a7.txt');
const SEED_004_PDF = path.join(FIXTURES, 'formats/004_28bb4da9730773a7.pdf');

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

async function newList(t: TestTenant) {
  const res = await h.app.inject({
    method: 'POST',
    url: `/api/v1/tenants/${t.tenant.slug}/lists`,
    headers: bearer(t.write),
    payload: { slug: 'main', title: 'Sub-processors' },
  });
  return `/api/v1/tenants/${t.tenant.slug}/lists/${res.json().id}`;
}

async function upload(
  t: TestTenant,
  listUrl: string,
  fileName: string,
  bytes: Uint8Array | string,
  token = t.write,
) {
  const body = multipartFile(fileName, bytes);
  return h.app.inject({
    method: 'POST',
    url: `${listUrl}/imports`,
    headers: { ...bearer(token), ...body.headers },
    payload: body.payload,
  });
}

async function draftNames(t: TestTenant, listUrl: string): Promise<string[]> {
  const res = await h.app.inject({
    method: 'GET',
    url: `${listUrl}/entries?limit=200`,
    headers: bearer(t.read),
  });
  return res.json().items.map((e: { entity: { legalName: string } }) => e.entity.legalName);
}

describe('imports over the API', () => {
  it('stores an upload with its source, previews it, applies it to the draft, and matches a re-import', async () => {
    const t = await makeTenant(h);
    const listUrl = await newList(t);
    const bytes = fs.readFileSync(SEED_004_TXT);
    const created = await upload(t, listUrl, '004.txt', bytes);
    expect(created.statusCode, created.body).toBe(201);
    const imp = created.json();
    expect(imp.status).toBe('previewed');
    expect(imp.recordCount).toBe(39);
    expect(imp.preview.counts).toEqual({ add: 39, change: 0, unchanged: 0, remove: 0 });
    expect(imp.records[0].source.line).toBeGreaterThan(1);
    expect(await draftNames(t, listUrl)).toEqual([]); // an import alone changes nothing

    const source = await h.app.inject({
      method: 'GET',
      url: `${listUrl}/imports/${imp.id}/source`,
      headers: bearer(t.read),
    });
    expect(Buffer.compare(source.rawPayload, bytes)).toBe(0);

    const applied = await h.app.inject({
      method: 'POST',
      url: `${listUrl}/imports/${imp.id}/apply`,
      headers: bearer(t.write),
      payload: {},
    });
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json().appliedSummary).toMatchObject({ added: 39, changed: 0, removed: 0 });
    const names = await draftNames(t, listUrl);
    expect(names).toHaveLength(39);
    expect(names).toContain('Aycom Business Solutions Pvt Limited');

    const again = await h.app.inject({
      method: 'POST',
      url: `${listUrl}/imports/${imp.id}/apply`,
      headers: bearer(t.write),
      payload: {},
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('IMPORT_NOT_PENDING');

    // The same list as a PDF matches every draft entry: nothing to add, change or remove.
    const pdf = await upload(t, listUrl, '004.pdf', fs.readFileSync(SEED_004_PDF));
    expect(pdf.statusCode, pdf.body).toBe(201);
    expect(pdf.json().preview.counts).toEqual({ add: 0, change: 0, unchanged: 39, remove: 0 });
  });

  it('previews adds, changes and removals, and applies only what the user picks', async () => {
    const t = await makeTenant(h);
    const listUrl = await newList(t);
    const v1 =
      'Name,Location,Purpose\nAcme Ltd,UK,Hosting\nBeta GmbH,Germany,Email\nGamma Inc,USA,Analytics\n';
    const first = await upload(t, listUrl, 'v1.csv', v1);
    await h.app.inject({
      method: 'POST',
      url: `${listUrl}/imports/${first.json().id}/apply`,
      headers: bearer(t.write),
      payload: {},
    });

    const v2 =
      'Name,Location,Purpose\nAcme Ltd,UK,Hosting and backups\nBeta GmbH,Germany,Email\nDelta SA,France,Support\n';
    const second = (await upload(t, listUrl, 'v2.csv', v2)).json();
    expect(second.preview.counts).toEqual({ add: 1, change: 1, unchanged: 1, remove: 1 });
    const change = second.preview.items.find((i: { action: string }) => i.action === 'change');
    expect(change.changes).toEqual([{ field: 'purpose', before: 'Hosting', after: 'Hosting and backups' }]);
    const removal = second.preview.items.find((i: { action: string }) => i.action === 'remove');
    expect(removal.entry.legalName).toBe('Gamma Inc');
    const add = second.preview.items.find((i: { action: string }) => i.action === 'add');

    // Accept the new entity and the removal, not the purpose change.
    const applied = await h.app.inject({
      method: 'POST',
      url: `${listUrl}/imports/${second.id}/apply`,
      headers: bearer(t.write),
      payload: { records: [add.recordIndex], removals: [removal.entryId] },
    });
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json().appliedSummary).toMatchObject({ added: 1, changed: 0, removed: 1 });
    const entries = await h.app.inject({ method: 'GET', url: `${listUrl}/entries`, headers: bearer(t.read) });
    const byName = Object.fromEntries(
      entries
        .json()
        .items.map((e: { entity: { legalName: string }; purpose: string }) => [
          e.entity.legalName,
          e.purpose,
        ]),
    );
    expect(byName).toEqual({ 'Acme Ltd': 'Hosting', 'Beta GmbH': 'Email', 'Delta SA': 'Support' });

    const imports = await h.app.inject({ method: 'GET', url: `${listUrl}/imports`, headers: bearer(t.read) });
    expect(imports.json().items.map((i: { status: string }) => i.status)).toEqual(['applied', 'applied']);
  });

  it('applies a chosen change to the entry and to its entity', async () => {
    const t = await makeTenant(h);
    const listUrl = await newList(t);
    const v1 =
      'Name,Type,Location,Purpose\nAcme Ltd,Infrastructure,UK,Hosting\nBeta GmbH,Third party,Germany,Email\n';
    const first = (await upload(t, listUrl, 'v1.csv', v1)).json();
    await h.app.inject({
      method: 'POST',
      url: `${listUrl}/imports/${first.id}/apply`,
      headers: bearer(t.write),
      payload: {},
    });

    const v2 =
      'Name,Type,Location,Purpose\nAcme Ltd,Affiliate,UK,Hosting and backups\nBeta GmbH,Third party,Germany,Email\n';
    const second = (await upload(t, listUrl, 'v2.csv', v2)).json();
    expect(second.preview.counts).toEqual({ add: 0, change: 1, unchanged: 1, remove: 0 });
    const applied = await h.app.inject({
      method: 'POST',
      url: `${listUrl}/imports/${second.id}/apply`,
      headers: bearer(t.write),
      payload: {},
    });
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json().appliedSummary).toMatchObject({ added: 0, changed: 1, removed: 0 });
    const entries = await h.app.inject({ method: 'GET', url: `${listUrl}/entries`, headers: bearer(t.read) });
    const byName = Object.fromEntries(
      entries
        .json()
        .items.map((e: { entity: { legalName: string; kind: string }; purpose: string }) => [
          e.entity.legalName,
          [e.entity.kind, e.purpose],
        ]),
    );
    expect(byName).toEqual({
      'Acme Ltd': ['affiliate', 'Hosting and backups'],
      'Beta GmbH': ['third_party', 'Email'],
    });
  });

  it('refuses bad uploads with a clear problem and stores nothing', async () => {
    const t = await makeTenant(h);
    const listUrl = await newList(t);
    const cases: [string, Uint8Array | string, number, string][] = [
      ['empty.csv', '', 422, 'EMPTY_FILE'],
      ['junk.bin', new Uint8Array(4096).map((_, i) => (i * 7919) % 256), 422, 'UNSUPPORTED_FORMAT'],
      ['fake.pdf', '%PDF-1.7\n this is not a pdf', 422, 'CORRUPT_FILE'],
      ['fake.xlsx', 'PK\u0003\u0004 not a zip at all', 422, 'CORRUPT_FILE'],
    ];
    for (const [name, bytes, status, code] of cases) {
      const res = await upload(t, listUrl, name, bytes);
      expect(res.statusCode, `${name}: ${res.body}`).toBe(status);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.json().code, name).toBe(code);
    }
    const notMultipart = await h.app.inject({
      method: 'POST',
      url: `${listUrl}/imports`,
      headers: bearer(t.write),
      payload: { file: 'x' },
    });
    expect(notMultipart.statusCode).toBe(415);
    const readOnly = await upload(t, listUrl, 'a.csv', 'Name,Location\nAcme Ltd,UK\n', t.read);
    expect(readOnly.statusCode).toBe(403);
    const imports = await h.app.inject({ method: 'GET', url: `${listUrl}/imports`, headers: bearer(t.read) });
    expect(imports.json().total).toBe(0);
  });

  it("never shows one tenant's imports to another", async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    const listUrl = await newList(a);
    const imp = (await upload(a, listUrl, 'a.csv', 'Name,Location\nAcme Ltd,UK\nBeta Ltd,UK\n')).json();
    const otherUrl = listUrl.replace(a.tenant.slug, b.tenant.slug);
    for (const url of [
      `${otherUrl}/imports/${imp.id}`,
      `${otherUrl}/imports/${imp.id}/source`,
      `${otherUrl}/imports`,
    ]) {
      const res = await h.app.inject({ method: 'GET', url, headers: bearer(b.read) });
      expect(res.statusCode, url).toBe(404);
    }
  });
});
