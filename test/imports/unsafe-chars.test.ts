import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, bearer, createHarness, makeTenant } from '../support/harness.js';
import { multipartFile } from '../support/multipart.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

/** A CSV list whose first 8 KB are clean (so it is taken for text) and whose later rows are not. */
function csvWithBadBytesLate(): Buffer {
  const rows = ['Name,Purpose,Location'];
  for (let i = 0; rows.join('\n').length < 9000; i++)
    rows.push(`Vendor ${i} Ltd,Hosting of the platform,Germany`);
  rows.push('Nul\u0000Corp Ltd,Email\u0001 delivery,Ireland');
  rows.push('Odd\uFFFE Ltd,Support\uFFFF desk,United States');
  return Buffer.from(`${rows.join('\n')}\n`, 'utf8');
}

describe('characters that cannot be stored, in an uploaded file', () => {
  it('are removed at the reader: the import is stored, with a warning that says what and where', async () => {
    const t = await makeTenant(h);
    const list = await h.app.inject({
      method: 'POST',
      url: `/api/v1/tenants/${t.tenant.slug}/lists`,
      headers: bearer(t.write),
      payload: { slug: 'main', title: 'Sub-processors' },
    });
    const listUrl = `/api/v1/tenants/${t.tenant.slug}/lists/${list.json().id}`;
    const bytes = csvWithBadBytesLate();
    expect(bytes.indexOf(0)).toBeGreaterThan(8192);
    const body = multipartFile('list\u0000.csv', bytes);
    const res = await h.app.inject({
      method: 'POST',
      url: `${listUrl}/imports`,
      headers: { ...bearer(t.write), ...body.headers },
      payload: body.payload,
    });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(201);
    const imp = res.json();
    expect(imp.warnings[0]).toMatch(
      /^Removed 4 characters that cannot be stored or published \(the first: U\+0000 \(NUL, a control character\) at line \d+\)/,
    );
    const names = imp.records.map((r: { legalName: string }) => r.legalName);
    expect(names).toContain('NulCorp Ltd');
    expect(names).toContain('Odd Ltd');
    const nul = imp.records.find((r: { legalName: string }) => r.legalName === 'NulCorp Ltd');
    expect(nul.purpose).toBe('Email delivery');
    expect(JSON.stringify(imp.records)).not.toMatch(/[\u0000\u0001\uFFFE\uFFFF]/);
    expect(imp.fileName).toBe('list.csv');

    // The stored import reads back, applies, and the file is kept byte for byte.
    const stored = await h.app.inject({
      method: 'GET',
      url: `${listUrl}/imports/${imp.id}`,
      headers: bearer(t.read),
    });
    expect(stored.statusCode, stored.body.slice(0, 300)).toBe(200);
    expect(stored.json().warnings).toEqual(imp.warnings);
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
  });
});
