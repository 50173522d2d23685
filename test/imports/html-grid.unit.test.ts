import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDocument, toContractRecord } from '../../src/features/imports/import-document.js';

const DIR = path.resolve(import.meta.dirname, '../fixtures/html-grids');

async function read(html: string) {
  const result = await importDocument({ bytes: Buffer.from(html), fileName: 'page.html' });
  return { records: result.records.map(toContractRecord), warnings: result.warnings };
}

describe('tables a web page draws without <table>', () => {
  it('reads ARIA table roles and repeated cards, with the heading above as the type', async () => {
    const { records } = await read(fs.readFileSync(path.join(DIR, 'trust-center.html'), 'utf8'));
    expect(records.map((r) => [r.legalName, r.type, r.locations, r.purpose])).toEqual([
      ['Amazon Web Services, Inc.', null, ['United States'], 'Cloud hosting'],
      ['Datadog, Inc.', null, ['United States', 'EU'], 'Monitoring'],
      ['Northwind GmbH', 'affiliate', ['Germany'], 'Support'],
      ['Northwind Ltd', 'affiliate', ['United Kingdom'], 'Sales and support'],
      ['Northwind Inc.', 'affiliate', ['United States'], 'Engineering'],
    ]);
  });

  it('reads a header row of divs above rows of divs', async () => {
    const row = (a: string, b: string, c: string) =>
      `<div class="r"><div>${a}</div><div>${b}</div><div>${c}</div></div>`;
    const html = `<div class="list">${row('Vendor', 'Function', 'Country')}${row('Acme Ltd', 'Hosting', 'Germany')}${row('Beta Inc.', 'Email', 'USA')}</div>`;
    const { records } = await read(html);
    expect(records.map((r) => [r.legalName, r.purpose, r.locations])).toEqual([
      ['Acme Ltd', 'Hosting', ['Germany']],
      ['Beta Inc.', 'Email', ['USA']],
    ]);
  });

  it('takes no menu, footer, team list or FAQ for a list of sub-processors', async () => {
    const { records, warnings } = await read(fs.readFileSync(path.join(DIR, 'no-list.html'), 'utf8'));
    expect(records).toEqual([]);
    expect(warnings.join(' ')).toMatch(/no entries/);
  });

  it('keeps bullets with loose text as bullets', async () => {
    const html =
      '<h2>Sub-processors</h2><ul><li><b>Acme Ltd</b> – Hosting – Germany</li><li><b>Beta Inc.</b> – Email – USA</li></ul>';
    const { records } = await read(html);
    expect(records.map((r) => [r.legalName, r.purpose, r.locations])).toEqual([
      ['Acme Ltd', 'Hosting', ['Germany']],
      ['Beta Inc.', 'Email', ['USA']],
    ]);
  });

  it('survives a grid of thousands of cards and deep nesting', async () => {
    const cards = Array.from(
      { length: 3000 },
      (_, i) => `<div><span>Company ${i} Ltd</span><span>Hosting</span><span>Germany</span></div>`,
    ).join('');
    const deep = `${'<div>'.repeat(2000)}x${'</div>'.repeat(2000)}`;
    const { records } = await read(`<div>${cards}</div>${deep}`);
    expect(records).toHaveLength(3000);
  });
});
