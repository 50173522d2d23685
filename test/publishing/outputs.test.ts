import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { extractText } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPublicListView } from '../../src/features/publishing/public-read.js';
import { renderFormat } from '../../src/features/publishing/public-render.js';
import { type Harness, type TestTenant, bearer, createHarness, makeTenant } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

interface EntryInput {
  legalName: string;
  group?: string;
  purpose?: string;
  dataCategories?: string;
}

async function newList(t: TestTenant, entries: EntryInput[], slug = 'main') {
  const base = `/api/v1/tenants/${t.tenant.slug}`;
  const list = await h.app.inject({
    method: 'POST',
    url: `${base}/lists`,
    headers: bearer(t.write),
    payload: { slug, title: 'Sub-processors', classification: 'Confidential', visibility: 'public' },
  });
  const url = `${base}/lists/${list.json().id}`;
  const ids: Record<string, string> = {};
  for (const e of entries) ids[e.legalName] = await addEntry(t, url, e);
  return { url, ids, page: `/t/${t.tenant.slug}/${slug}` };
}

async function addEntry(t: TestTenant, url: string, e: EntryInput) {
  const res = await h.app.inject({
    method: 'POST',
    url: `${url}/entries`,
    headers: bearer(t.write),
    payload: {
      entity: { legalName: e.legalName, kind: 'third_party' },
      group: e.group ?? 'Platform',
      purpose: e.purpose ?? 'Hosting',
      dataCategories: e.dataCategories ?? 'Names',
      locations: ['Germany'],
    },
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json().id as string;
}

async function publish(t: TestTenant, url: string, payload: object = {}) {
  const res = await h.app.inject({
    method: 'POST',
    url: `${url}/versions`,
    headers: bearer(t.write),
    payload,
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json();
}

const get = (url: string, headers: Record<string, string> = {}) =>
  h.app.inject({ method: 'GET', url, headers });

describe('former sub-processors', () => {
  it('are the entries an earlier version listed and the shown one does not, with the removing version’s effective date', async () => {
    const t = await makeTenant(h);
    const { url, ids, page } = await newList(t, [
      { legalName: 'Acme Ltd' },
      { legalName: 'Beta GmbH' },
      { legalName: 'Gamma Inc' },
    ]);
    await publish(t, url);
    await h.app.inject({
      method: 'DELETE',
      url: `${url}/entries/${ids['Beta GmbH']}`,
      headers: bearer(t.write),
    });
    const leavesAt = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const v2 = await publish(t, url, {
      summary: 'Beta leaves',
      effectiveAt: leavesAt,
      emergency: { reason: 'Beta closes its business at short notice.' },
    });
    await addEntry(t, url, { legalName: 'Delta SA' });
    await publish(t, url);

    const current = await loadPublicListView(h.deps, t.tenant, 'main', null, 'https://x.test');
    expect(current?.view.version.number).toBe(3);
    expect(current?.view.former).toEqual([
      {
        entry: expect.objectContaining({ legalName: 'Beta GmbH' }),
        removedInVersion: 2,
        leftAt: v2.effectiveAt,
      },
    ]);
    // Version 1, as it was: nobody had left yet.
    expect((await loadPublicListView(h.deps, t.tenant, 'main', 1, 'https://x.test'))?.view.former).toEqual(
      [],
    );
    const json = (await get(`${page}.json`)).json();
    expect(json.formerEntries).toEqual([
      { legalName: 'Beta GmbH', leftAt: v2.effectiveAt, removedInVersion: 2 },
    ]);

    // Beta comes back (a new entry, same name and group): no longer a former sub-processor.
    await addEntry(t, url, { legalName: 'Beta GmbH' });
    const v4 = await publish(t, url);
    expect(v4.counts).toEqual({ added: 1, removed: 0, changed: 0 });
    expect((await loadPublicListView(h.deps, t.tenant, 'main', null, 'https://x.test'))?.view.former).toEqual(
      [],
    );
  });
});

describe('renderings', () => {
  it('are the same bytes in every process and at every render (so strong ETags hold)', async () => {
    const t = await makeTenant(h);
    const { url, page } = await newList(t, [{ legalName: 'Acme Ltd' }, { legalName: 'Beta GmbH' }]);
    await publish(t, url);
    const loaded = await loadPublicListView(h.deps, t.tenant, 'main', 1, 'http://localhost:80');
    if (!loaded) throw new Error('not published');
    const formats = ['json', 'csv', 'xlsx', 'pdf', 'atom', 'rss', 'feed-json'] as const;
    const first = await Promise.all(formats.map((f) => renderFormat(f, loaded.view, loaded.previous, {})));
    await new Promise((r) => setTimeout(r, 2_100)); // past the zip format's 2-second clock
    const again = await Promise.all(formats.map((f) => renderFormat(f, loaded.view, loaded.previous, {})));
    expect(again.map((r) => r.etag)).toEqual(first.map((r) => r.etag));
    // ...and the HTTP layer sends that same tag.
    const pdf = await get(`${page}/versions/1.pdf`, { host: 'localhost:80' });
    expect(pdf.headers.etag).toBe(first[3]?.etag);
  });

  it('a past version’s files do not change when later versions are published', async () => {
    const t = await makeTenant(h);
    const { url, page } = await newList(t, [{ legalName: 'Acme Ltd' }]);
    await publish(t, url);
    await addEntry(t, url, { legalName: 'Beta GmbH' });
    await publish(t, url);
    const before = await Promise.all(
      ['json', 'csv', 'xlsx', 'pdf'].map((f) => get(`${page}/versions/1.${f}`)),
    );
    await addEntry(t, url, { legalName: 'Gamma Inc' });
    await publish(t, url);
    const after = await Promise.all(
      ['json', 'csv', 'xlsx', 'pdf'].map((f) => get(`${page}/versions/1.${f}`)),
    );
    expect(after.map((r) => r.headers.etag)).toEqual(before.map((r) => r.headers.etag));
    for (const r of after) expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });
});

describe('the PDF', () => {
  it('breaks a table cleanly: header on every page, classification and page numbers on every page, a row taller than a page continues without losing a word', async () => {
    const t = await makeTenant(h);
    const words = Array.from({ length: 700 }, (_, i) => `w${String(i).padStart(4, '0')}`);
    const entries: EntryInput[] = Array.from({ length: 60 }, (_, i) => ({
      legalName: `Vendor ${i} Limited`,
      purpose: i === 30 ? words.join(' ') : `Purpose of vendor ${i}`,
    }));
    entries.push({ legalName: `株式会社テスト 😀 Right\u202eLeft Ltd` });
    entries.push({ legalName: `Unbroken${'x'.repeat(280)}` });
    const { url, page } = await newList(t, entries);
    await publish(t, url);
    const res = await get(`${page}.pdf`);
    expect(res.statusCode).toBe(200);
    const { text: pages, totalPages } = await extractText(new Uint8Array(res.rawPayload), {
      mergePages: false,
    });
    expect(totalPages).toBeGreaterThan(3);
    pages.forEach((p, i) => {
      expect(p, `page ${i + 1}`).toContain(`Page ${i + 1} of ${totalPages}`);
      expect(p, `page ${i + 1}`).toContain('CONFIDENTIAL');
      if (/Vendor \d+ Limited|w\d{4}/.test(p)) expect(p, `page ${i + 1}`).toContain('Data categories');
    });
    const all = pages.join('\n');
    for (const w of words) expect(all).toContain(w);
    for (let i = 0; i < 60; i++) expect(all).toContain(`Vendor ${i} Limited`);
    // Characters the embedded font has no glyph for become "?", the rest stays; bidi controls go.
    expect(all).toContain('RightLeft Ltd');
    expect(all).not.toContain('\u202e');
  });

  it('prints names in every European script as written, and "?" only where the font has no glyph', async () => {
    const t = await makeTenant(h);
    const names = [
      'Łódź Logistyka Sp. z o.o.',
      'Česká spořitelna, a.s.',
      'Şirket A.Ş.',
      'ООО Яндекс',
      'Ελληνικά Α.Ε.',
    ];
    const { url, page } = await newList(
      t,
      [...names, '株式会社テスト'].map((legalName) => ({ legalName })),
    );
    await publish(t, url);
    const res = await get(`${page}.pdf`);
    const { text } = await extractText(new Uint8Array(res.rawPayload), { mergePages: true });
    for (const n of names) expect(text).toContain(n);
    expect(text).toContain('???????');
    expect(text).not.toContain('株式会社');
  });
});

describe('feeds', () => {
  it('name what each version changed, stay well-formed with hostile text, and link to themselves', async () => {
    const t = await makeTenant(h);
    const hostile = 'Evil ]]> <script>alert(1)</script> & "quoted" \u202e Ltd';
    const { url, ids, page } = await newList(t, [{ legalName: 'Acme Ltd' }, { legalName: hostile }]);
    await publish(t, url, { summary: 'First <b>list</b> & ]]>' });
    await h.app.inject({
      method: 'PATCH',
      url: `${url}/entries/${ids['Acme Ltd']}`,
      headers: bearer(t.write),
      payload: { purpose: 'Support' },
    });
    await h.app.inject({ method: 'DELETE', url: `${url}/entries/${ids[hostile]}`, headers: bearer(t.write) });
    await addEntry(t, url, { legalName: '=HYPERLINK("http://evil.example") Ltd' });
    const v2 = await publish(t, url, { summary: 'Second' });

    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });
    const atomBody = (await get(`${page}/feed.atom`)).body;
    expect(XMLValidator.validate(atomBody)).toBe(true);
    const atom = xml.parse(atomBody).feed;
    expect(atom.link.find((l: { rel: string }) => l.rel === 'self').href).toMatch(/\/feed\.atom$/);
    expect(atom.updated).toBe(v2.publishedAt);
    const [second, first] = atom.entry;
    expect(first.title).toBe('Version 1: First <b>list</b> & ]]>');
    expect(first.summary).toContain(hostile);
    expect(second.id).not.toBe(first.id);
    expect(second.summary).toContain('Added: =HYPERLINK("http://evil.example") Ltd.');
    expect(second.summary).toContain(`Removed: ${hostile}.`);
    expect(second.summary).toContain('Changed: Acme Ltd (purpose).');
    // Published with 30 days' notice: announced ahead, so it says when it takes effect.
    expect(second.summary).toContain(
      `Takes effect on ${v2.effectiveAt.slice(0, 10)}; until then, version 1 applies.`,
    );
    expect(first.summary).toContain('In effect from ');

    const rssBody = (await get(`${page}/feed.rss`)).body;
    expect(XMLValidator.validate(rssBody)).toBe(true);
    const rss = xml.parse(rssBody).rss.channel;
    expect(rss['atom:link'].rel).toBe('self');
    expect(rss.item[1].description).toContain(hostile);

    const json = (await get(`${page}/feed.json`)).json();
    expect(json.feed_url).toMatch(/\/feed\.json$/);
    expect(json.items[0].content_text).toContain(`Removed: ${hostile}.`);
    expect(json.items.map((i: { _subreg: { effective_at: string } }) => i._subreg.effective_at)[0]).toBe(
      v2.effectiveAt,
    );
  });
});

describe('the CSV', () => {
  it('neutralises every cell that a spreadsheet would run, in every column', async () => {
    const t = await makeTenant(h);
    const { url, page } = await newList(t, [
      { legalName: '=1+1 Ltd', purpose: '+cmd|calc', dataCategories: '-2+3' },
      { legalName: '@SUM(A1) Ltd', purpose: '\tTabbed', group: '=Group' },
      { legalName: 'Plain "quoted", Ltd', purpose: 'line one\nline two' },
    ]);
    await publish(t, url);
    const raw = (await get(`${page}.csv`)).rawPayload;
    expect(raw.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(raw.toString('utf8')).toContain('\r\n');
    const rows = parseCsv(raw, { bom: true }) as string[][];
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    const byName = rows.slice(1).map((r) => r[0]);
    expect(byName).toEqual(["'=1+1 Ltd", "'@SUM(A1) Ltd", 'Plain "quoted", Ltd']);
    expect(rows[3]?.[7]).toBe('line one\nline two');
  });
});

describe('the JSON and XLSX exports with hostile content', () => {
  it('stay valid against the published schema, keep every character, and never hold a formula', async () => {
    const t = await makeTenant(h);
    const names = [
      'Evil <script>alert(1)</script> Ltd',
      'Quote "><img src=x onerror=alert(1)> GmbH',
      '=HYPERLINK("http://evil.example","click") Inc',
      '+cmd|calc Ltd',
      'Right\u202eLeft Ltd',
      '株式会社テスト 😀 Ltd',
    ];
    const { url, page } = await newList(
      t,
      names.map((legalName, i) => ({ legalName, purpose: i === 0 ? `@SUM ${'z'.repeat(4990)}` : 'Hosting' })),
    );
    await publish(t, url);
    const json = (await get(`${page}.json`)).json();
    const schema = (await get('/schemas/list-version-v1.json')).json();
    const ajv = new Ajv2020.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    expect(ajv.validate(schema, json), JSON.stringify(ajv.errors)).toBe(true);
    expect(json.$schema).toMatch(/\/schemas\/list-version-v1\.json$/);
    expect(json.entries.map((e: { legalName: string }) => e.legalName)).toEqual(names);
    expect(json.entries[0].purpose).toHaveLength(4995);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await get(`${page}.xlsx`)).rawPayload as never);
    const sheet = wb.getWorksheet('Sub-processors');
    expect(sheet?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet?.getRow(1).getCell(1).text).toBe('Legal name');
    expect(wb.getWorksheet('About')?.getRow(1).getCell(2).text).toBe('Sub-processors');
    sheet?.eachRow((row) =>
      row.eachCell((cell) => {
        expect(cell.formula).toBeUndefined();
        expect(cell.text).not.toMatch(/^[=+\-@\t\r]/);
      }),
    );
    expect(sheet?.getRow(6).getCell(1).text).toBe(names[4]);
    expect(sheet?.getRow(7).getCell(1).text).toBe(names[5]);
  });
});

describe('isolation of the versions routes', () => {
  it("another tenant's token gets 404, never the versions", async () => {
    const a = await makeTenant(h);
    const b = await makeTenant(h);
    const { url } = await newList(b, [{ legalName: 'Acme Ltd' }]);
    await publish(b, url);
    const asA = url.replace(`/tenants/${b.tenant.slug}/`, `/tenants/${a.tenant.slug}/`);
    for (const [method, path] of [
      ['GET', `${asA}/versions`],
      ['GET', `${asA}/versions/1`],
      ['GET', `${asA}/versions/1/diff/1`],
      ['POST', `${asA}/versions`],
    ] as const) {
      const res = await h.app.inject({ method, url: path, headers: bearer(a.write), payload: {} });
      expect(res.statusCode, `${method} ${path}`).toBe(404);
    }
    for (const path of [`${url}/versions`, `${url}/versions/1`]) {
      const res = await h.app.inject({ method: 'GET', url: path, headers: bearer(a.write) });
      expect(res.statusCode, path).toBe(404);
    }
  });
});

describe('bad public URLs', () => {
  it('answer 400 or 404 as problem+json, never 500', async () => {
    const t = await makeTenant(h);
    const { url, page } = await newList(t, [{ legalName: 'Acme Ltd' }]);
    await publish(t, url);
    const cases: [string, number][] = [
      [`${page}?type=a&type=b`, 400],
      [`${page}?country=de`, 400],
      [`${page}?q=${'q'.repeat(101)}`, 400],
      [`${page}/versions/1?type=vendor`, 400],
      [`${page}.JSON`, 404],
      [`${page}.exe`, 404],
      [`${page}/versions/0`, 404],
      [`${page}/versions/01.csv`, 404],
      [`${page}/versions/abc.pdf`, 404],
      [`${page}/versions/99999999999.pdf`, 404],
      [`${page}/versions/2`, 404],
      [`${page}/feed.xml`, 404],
      [`/t/${t.tenant.slug}/no-such-list`, 404],
      [`/t/${t.tenant.slug}/%00.json`, 404],
      [`/t/${t.tenant.slug}/${'x'.repeat(500)}`, 414], // longer than any slug: Fastify refuses it
      ['/t/UPPER', 404],
      ['/t/%E2%80%AE', 404],
    ];
    for (const [path, status] of cases) {
      const res = await get(path);
      expect(res.statusCode, path).toBe(status);
      // 414 comes from Fastify's router (maxParamLength), before the app's problem handler.
      if (status !== 414) expect(res.headers['content-type'], path).toContain('application/problem+json');
    }
  });
});
