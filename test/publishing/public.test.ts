import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { XMLParser } from 'fast-xml-parser';
import fs from 'node:fs';
import path from 'node:path';
import { Parser } from 'htmlparser2';
import { extractText } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type TestTenant, bearer, createHarness, makeTenant } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const HOSTILE = {
  script: 'Evil <script>alert(1)</script> Ltd',
  attr: 'Quote "><img src=x onerror=alert(1)> GmbH',
  formula: '=HYPERLINK("http://evil.example","click") Inc',
  plus: '+cmd|calc Ltd',
  at: '@SUM(A1:A9) Ltd',
  rtl: 'Right\u202eLeft Ltd',
  long: `Long${'x'.repeat(280)} Ltd`,
  cjk: '株式会社テスト 😀 Ltd',
};

async function publishedList(
  t: TestTenant,
  names: string[],
  opts: { visibility?: string; slug?: string } = {},
) {
  const base = `/api/v1/tenants/${t.tenant.slug}`;
  const list = await h.app.inject({
    method: 'POST',
    url: `${base}/lists`,
    headers: bearer(t.write),
    payload: {
      slug: opts.slug ?? 'main',
      title: 'Sub-processors <b>bold</b>',
      classification: 'Confidential',
      intro: 'Intro with <script>x</script>',
      notes: ['=1+1 note'],
      visibility: opts.visibility ?? 'public',
    },
  });
  const url = `${base}/lists/${list.json().id}`;
  for (const [i, name] of names.entries()) {
    const res = await h.app.inject({
      method: 'POST',
      url: `${url}/entries`,
      headers: bearer(t.write),
      payload: {
        entity: {
          legalName: name,
          kind: i % 2 ? 'infrastructure' : 'third_party',
          tradingNames: i === 0 ? ['Brand One'] : [],
        },
        group: i < 2 ? 'Alpha' : 'Beta',
        purpose: i === 7 ? `Long purpose ${'y'.repeat(4900)}` : `Purpose ${i}`,
        dataCategories: 'Names, emails',
        locations: i === 0 ? ['Germany', 'EU'] : ['USA'],
      },
    });
    if (res.statusCode !== 201) throw new Error(res.body);
  }
  const v = await h.app.inject({
    method: 'POST',
    url: `${url}/versions`,
    headers: bearer(t.write),
    payload: { summary: 'First' },
  });
  if (v.statusCode !== 201) throw new Error(v.body);
  return { apiUrl: url, page: `/t/${t.tenant.slug}/${opts.slug ?? 'main'}` };
}

const get = (url: string, headers: Record<string, string> = {}) =>
  h.app.inject({ method: 'GET', url, headers });

describe('the public trust page', () => {
  it('shows the current version as a document, filters without JavaScript, and past versions with their changes', async () => {
    const t = await makeTenant(h);
    const { apiUrl, page } = await publishedList(t, ['Acme Ltd', 'Beta GmbH', 'Gamma Inc']);
    const res = await get(page);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    for (const s of [
      'Acme Ltd',
      'Brand One',
      'Beta GmbH',
      'Gamma Inc',
      'Confidential',
      'Alpha',
      'Beta',
      'Version history',
      'feed.atom',
    ]) {
      expect(res.body).toContain(s);
    }
    const filtered = await get(`${page}?type=infrastructure&group=&country=&q=`);
    expect(filtered.body).toContain('Showing 1 of 3 entries');
    expect(filtered.body).not.toContain('Gamma Inc</bdi></th>');
    expect((await get(`${page}?country=DE`)).body).toContain('Showing 1 of 3 entries');
    expect((await get(`${page}?country=FR`)).body).toContain('Showing 1 of 3 entries'); // "EU" covers France
    expect((await get(`${page}?q=brand`)).body).toContain('Showing 1 of 3 entries');
    expect((await get(`${page}?type=nonsense`)).statusCode).toBe(400);

    // Version 2 removes Gamma: it becomes a former sub-processor; version 1 stays readable.
    const entries = (
      await h.app.inject({ method: 'GET', url: `${apiUrl}/entries`, headers: bearer(t.read) })
    ).json().items;
    const gamma = entries.find((e: { entity: { legalName: string } }) => e.entity.legalName === 'Gamma Inc');
    await h.app.inject({ method: 'DELETE', url: `${apiUrl}/entries/${gamma.id}`, headers: bearer(t.write) });
    await h.app.inject({
      method: 'POST',
      url: `${apiUrl}/versions`,
      headers: bearer(t.write),
      payload: { summary: 'Gamma leaves' },
    });
    const current = await get(page);
    expect(current.body).toContain('Former sub-processors');
    expect(current.body).toMatch(/Version 2/);
    const v1 = await get(`${page}/versions/1`);
    expect(v1.statusCode).toBe(200);
    expect(v1.body).toContain('superseded');
    // The superseded page names the current version: it revalidates; its files never change.
    expect(v1.headers['cache-control']).toContain('must-revalidate');
    expect((await get(`${page}/versions/1.pdf`)).headers['cache-control']).toContain('immutable');
    expect((await get(`${page}.pdf`)).headers['cache-control']).toContain('must-revalidate');
    const v2 = await get(`${page}/versions/2`);
    expect(v2.body).toContain('Changes since version 1');
    expect(v2.body).toContain('<del><bdi>Gamma Inc</bdi></del>');
    expect((await get(`${page}/versions/3`)).statusCode).toBe(404);
  });

  it('answers 304 to a matching If-None-Match, with strong ETags', async () => {
    const t = await makeTenant(h);
    const { page } = await publishedList(t, ['Acme Ltd']);
    for (const url of [page, `${page}.json`, `${page}.csv`, `${page}/feed.atom`, `${page}/versions/1.pdf`]) {
      const first = await get(url);
      expect(first.statusCode, url).toBe(200);
      expect(first.headers.etag).toMatch(/^"[\w-]+"$/);
      const again = await get(url, { 'if-none-match': String(first.headers.etag) });
      expect(again.statusCode, url).toBe(304);
      expect(again.body).toBe('');
    }
  });

  it('respects visibility: private lists do not exist publicly, unlisted ones are not listed', async () => {
    const t = await makeTenant(h);
    await publishedList(t, ['Public Ltd'], { slug: 'open' });
    await publishedList(t, ['Hidden Ltd'], { slug: 'link-only', visibility: 'unlisted' });
    await publishedList(t, ['Secret Ltd'], { slug: 'internal', visibility: 'private' });
    const home = await get(`/t/${t.tenant.slug}`);
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain(`/t/${t.tenant.slug}/open`);
    expect(home.body).not.toContain('link-only');
    expect(home.body).not.toContain('internal');
    expect((await get(`/t/${t.tenant.slug}/link-only`)).statusCode).toBe(200);
    for (const url of ['/internal', '/internal.json', '/internal/feed.rss', '/internal/versions/1']) {
      expect((await get(`/t/${t.tenant.slug}${url}`)).statusCode, url).toBe(404);
    }
    expect((await get('/t/no-such-tenant')).statusCode).toBe(404);
  });
});

describe('exports and feeds parse back into the version they came from', () => {
  it('JSON (valid against the published schema), CSV, XLSX, PDF, Atom, RSS and JSON Feed', async () => {
    const t = await makeTenant(h);
    const names = ['Acme Ltd', 'Beta GmbH', 'Gamma Inc'];
    const { apiUrl, page } = await publishedList(t, names);
    const version = (
      await h.app.inject({ method: 'GET', url: `${apiUrl}/versions/1`, headers: bearer(t.read) })
    ).json();

    const json = (await get(`${page}.json`)).json();
    const ajv = new Ajv2020.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const schema = JSON.parse(
      fs.readFileSync(path.resolve(import.meta.dirname, '../../schemas/list-version-v1.json'), 'utf8'),
    );
    const valid = ajv.validate(schema, json);
    expect(valid, JSON.stringify(ajv.errors)).toBe(true);
    expect(json.entries.map((e: { legalName: string }) => e.legalName)).toEqual(names);
    expect(json.entries[0].locations).toEqual(version.snapshot.entries[0].locations);
    expect((await get('/schemas/list-version-v1.json')).json().$id).toBe(schema.$id);

    const csv = await get(`${page}.csv`);
    const rows = parseCsv(csv.rawPayload, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r['Legal name'])).toEqual(names);
    expect(rows[0]).toMatchObject({
      'Trading names': 'Brand One',
      Locations: 'Germany; EU',
      Section: 'Alpha',
      Purpose: 'Purpose 0',
    });

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await get(`${page}.xlsx`)).rawPayload as never);
    const sheet = wb.getWorksheet('Sub-processors');
    expect([2, 3, 4].map((r) => sheet?.getRow(r).getCell(1).text)).toEqual(names);

    const pdf = await get(`${page}.pdf`);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const { text } = await extractText(new Uint8Array(pdf.rawPayload), { mergePages: true });
    for (const n of names) expect(text).toContain(n);
    expect(text).toContain('Page 1 of 1');
    expect(text).toContain('CONFIDENTIAL');

    const xml = new XMLParser({ ignoreAttributes: false });
    const atom = xml.parse((await get(`${page}/feed.atom`)).body);
    expect(atom.feed.entry.title).toBe('Version 1: First');
    const rss = xml.parse((await get(`${page}/feed.rss`)).body);
    expect(rss.rss.channel.item.guid['#text']).toContain('/versions/1');
    const feed = (await get(`${page}/feed.json`)).json();
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.items[0]._subreg.effective_at).toBe(version.effectiveAt);
  });
});

describe('hostile content renders safely in every output', () => {
  it('HTML escapes and isolates, CSV/XLSX neutralise formulas, XML stays well-formed, PDF does not break', async () => {
    const t = await makeTenant(h);
    const { page } = await publishedList(t, Object.values(HOSTILE));
    const html = (await get(page)).body;
    // Parsed as a browser would: no script or img element, no on* attribute anywhere.
    const elements: { name: string; attribs: Record<string, string> }[] = [];
    new Parser({ onopentag: (name, attribs) => elements.push({ name, attribs }) }).end(html);
    expect(elements.filter((e) => e.name === 'script' || e.name === 'img')).toEqual([]);
    expect(elements.flatMap((e) => Object.keys(e.attribs)).filter((a) => a.startsWith('on'))).toEqual([]);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain(`<bdi>${HOSTILE.rtl}</bdi>`);
    expect(html).toContain('Sub-processors &lt;b&gt;bold&lt;/b&gt;');

    const rows = parseCsv((await get(`${page}.csv`)).rawPayload, { bom: true, columns: true }) as Record<
      string,
      string
    >[];
    const names = rows.map((r) => r['Legal name'] ?? '');
    for (const n of names) expect(n).not.toMatch(/^[=+\-@]/);
    expect(names).toContain(`'${HOSTILE.formula}`);
    expect(names).toContain(HOSTILE.long);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await get(`${page}.xlsx`)).rawPayload as never);
    const cells = [2, 3, 4, 5, 6, 7, 8, 9].map((r) =>
      wb.getWorksheet('Sub-processors')?.getRow(r).getCell(1),
    );
    for (const c of cells) {
      expect(c?.formula).toBeUndefined();
      expect(c?.text ?? '').not.toMatch(/^[=+\-@]/);
    }
    const xml = new XMLParser();
    for (const feed of ['feed.atom', 'feed.rss']) {
      const body = (await get(`${page}/${feed}`)).body;
      expect(() => xml.parse(body)).not.toThrow();
    }
    const pdf = await get(`${page}.pdf`);
    expect(pdf.statusCode).toBe(200);
    const { text } = await extractText(new Uint8Array(pdf.rawPayload), { mergePages: true });
    // The name may wrap inside its table cell: compare the words, not the line breaks.
    expect(text.replace(/\s+/g, ' ')).toContain('Evil <script>alert(1)</script> Ltd');
  }, 90_000); // renders every export format and reads two of them back: slow on a loaded machine
});
