import ExcelJS from 'exceljs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import pg from 'pg';
import { extractText } from 'unpdf';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Harness, type TestTenant, bearer, createHarness, makeTenant } from './support/harness.js';

/** What XML 1.0 forbids: C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF. */
const UNSAFE = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

const api = (
  t: TestTenant,
  method: 'POST' | 'PATCH' | 'PUT',
  url: string,
  payload: object,
  token = t.write,
) => h.app.inject({ method, url: `/api/v1/tenants/${t.tenant.slug}${url}`, headers: bearer(token), payload });

/** The same call as the workspace's owner, signed in (session cookie and CSRF token). */
async function asOwner(t: TestTenant, method: 'PUT' | 'POST', url: string, payload: object) {
  const login = await h.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: t.ownerEmail, password: t.password },
  });
  expect(login.statusCode, login.body).toBe(200);
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  return h.app.inject({
    method,
    url: `/api/v1/tenants/${t.tenant.slug}${url}`,
    headers: { cookie, 'x-csrf-token': login.json().csrfToken },
    payload,
  });
}

async function newList(t: TestTenant) {
  const list = await api(t, 'POST', '/lists', {
    slug: 'main',
    title: 'Sub-processors',
    visibility: 'public',
  });
  return list.json().id as string;
}

describe('the API refuses characters nothing can store or publish', () => {
  it('in every kind of text field, with a 400 that names the field, the character and where it is', async () => {
    const t = await makeTenant(h);
    const listId = await newList(t);
    const entity = await api(t, 'POST', '/entities', { legalName: 'Fine Ltd' });
    const cases: [string, Awaited<ReturnType<typeof api>>, RegExp][] = [
      [
        'entry purpose',
        await api(t, 'POST', `/lists/${listId}/entries`, {
          entity: { legalName: 'Acme Ltd' },
          purpose: 'Hosting of data\uFFFF',
        }),
        /^body\.purpose: contains U\+FFFF \(a noncharacter\) at position 16; remove it$/,
      ],
      [
        'entry location',
        await api(t, 'POST', `/lists/${listId}/entries`, {
          entity: { legalName: 'Acme Ltd' },
          locations: ['Germany', 'EU\u0000'],
        }),
        /^body\.locations\.1: contains U\+0000 \(NUL, a control character\) at position 3; remove it$/,
      ],
      [
        'entity trading name',
        await api(t, 'POST', '/entities', { legalName: 'Beta Ltd', tradingNames: ['Be\ud800ta'] }),
        /^body\.tradingNames\.0: contains U\+D800 \(a lone surrogate, half of a broken pair\) at position 3/,
      ],
      [
        'entity website',
        await api(t, 'PATCH', `/entities/${entity.json().id}`, { website: 'https://fine.example/\u0007' }),
        /^body\.website: contains U\+0007 \(BEL, a control character\)/,
      ],
      [
        'list note',
        await api(t, 'PATCH', `/lists/${listId}`, { notes: ['ok', 'Not exhaustive\uFFFE'] }),
        /^body\.notes\.1: contains U\+FFFE/,
      ],
      [
        'list definition',
        await api(t, 'PATCH', `/lists/${listId}`, { definitions: [{ term: 'T\u001b', definition: 'd' }] }),
        /^body\.definitions\.0\.term: contains U\+001B \(ESC, a control character\) at position 2/,
      ],
      [
        // The profile is the owners' (a write token is refused before its body is read).
        'hosting profile',
        await asOwner(t, 'PUT', '/profile', { displayName: 'Acme', dataStored: 'Orders\u000b' }),
        /^body\.dataStored: contains U\+000B \(VT, a control character\)/,
      ],
      [
        'version summary',
        await api(t, 'POST', `/lists/${listId}/versions`, { summary: 'Adds \uFFFF' }),
        /^body\.summary: contains U\+FFFF/,
      ],
    ];
    for (const [what, res, detail] of cases) {
      expect(res.statusCode, `${what}: ${res.body}`).toBe(400);
      expect(res.json().code, what).toBe('VALIDATION_FAILED');
      expect(res.json().detail, what).toMatch(detail);
    }
    // Tab, line breaks and every other character (accents, scripts, emoji) are welcome.
    const ok = await api(t, 'POST', `/lists/${listId}/entries`, {
      entity: { legalName: 'Łódź Sp. z o.o. 株式会社 😀' },
      purpose: 'Line one\nLine\ttwo\r\n',
    });
    expect(ok.statusCode, ok.body).toBe(201);
    // A login with a NUL in the address is a 400, not a database error.
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'a\u0000@example.test', password: 'whatever whatever' },
    });
    expect(login.statusCode).toBe(400);
  });
});

describe('exports of a version stored before the API refused such characters', () => {
  it('are valid files: a workbook exceljs reads, feeds a strict XML parser reads, a PDF unpdf reads', async () => {
    const t = await makeTenant(h);
    const listId = await newList(t);
    await api(t, 'POST', `/lists/${listId}/entries`, {
      entity: { legalName: 'Acme Ltd' },
      purpose: 'Hosting',
      locations: ['Germany'],
    });
    expect((await api(t, 'POST', `/lists/${listId}/versions`, {})).statusCode).toBe(201);

    // Old data, written as the database owner past the API: version 2 holds U+FFFE, U+FFFF and
    // control characters. PostgreSQL itself refuses U+0000 and lone surrogates in jsonb (the
    // importer's 500 of issue 14), so no stored version can hold those two.
    const region = inject('dbTargets').regions.find((r) => r.id === t.tenant.regionId)!;
    const owner = new pg.Client({ connectionString: region.url });
    await owner.connect();
    try {
      await owner.query(`select set_config('app.tenant_id', $1, false)`, [t.tenant.id]);
      await expect(owner.query(`select '{"a":"\\u0000"}'::jsonb`)).rejects.toThrow(/unsupported Unicode/);
      await expect(owner.query(`select '{"a":"\\ud800"}'::jsonb`)).rejects.toThrow(
        /invalid input syntax for type json/,
      );
      const bad = '\\ufffe\\uffff\\u0001\\u000b\\u001f';
      await owner.query(
        `insert into list_versions (tenant_id, list_id, number, published_at, effective_at, author_type,
           author_id, author_display, summary, snapshot, changes, content_hash)
         select tenant_id, list_id, 2, now(), effective_at,
           author_type, author_id, author_display, $3,
           replace(replace(snapshot::text, 'Acme Ltd', 'Acme${bad} Ltd'), 'Sub-processors', 'Sub${bad}-processors')::jsonb,
           '{"added":[],"removed":[],"changed":[],"documentFields":["title"]}'::jsonb, content_hash || '-old'
         from list_versions where tenant_id = $1 and list_id = $2 and number = 1`,
        [t.tenant.id, listId, 'Old summary \uffff\u0002'],
      );
    } finally {
      await owner.end();
    }

    // A server that starts now (this one keeps version 1 as current for a few seconds).
    const fresh = await createHarness();
    const page = `/t/${t.tenant.slug}/main`;
    const get = (url: string) => fresh.app.inject({ method: 'GET', url });
    try {
      const xlsx = await get(`${page}.xlsx`);
      expect(xlsx.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const name = String(wb.getWorksheet('Sub-processors')!.getRow(2).getCell(1).value);
      expect(name).toMatch(/^Acme\uFFFD[\uFFFD ]*Ltd$/);

      for (const feed of ['feed.atom', 'feed.rss']) {
        const res = await get(`${page}/${feed}`);
        expect(res.statusCode).toBe(200);
        expect(res.body).not.toMatch(UNSAFE);
        expect(XMLValidator.validate(res.body), feed).toBe(true);
        expect(() => new XMLParser().parse(res.body)).not.toThrow();
      }

      const pdf = await get(`${page}.pdf`);
      const { text } = await extractText(new Uint8Array(pdf.rawPayload), { mergePages: true });
      expect(text).toContain('Acme');

      for (const url of [`${page}.json`, `${page}.csv`, `${page}/feed.json`, page, `${page}/versions/2`]) {
        const res = await get(url);
        expect(res.statusCode, `${url} ${res.body.slice(0, 300)}`).toBe(200);
        expect(res.body, url).not.toMatch(UNSAFE);
        expect(res.body, url).toContain('Acme');
      }
      const json = JSON.parse((await get(`${page}.json`)).body);
      expect(json.version.number).toBe(2);
      expect(json.entries[0].legalName).toMatch(/^Acme\uFFFD[\uFFFD ]*Ltd$/);
    } finally {
      await fresh.close();
    }
  });
});
