import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDocument, toContractRecord } from '../../src/features/imports/import-document.js';
import { makeZip } from '../support/zip.js';

const DIR = path.resolve(import.meta.dirname, '../fixtures/merged-cells');
const expected = JSON.parse(fs.readFileSync(path.join(DIR, 'merged-cells.expected.json'), 'utf8'));

async function records(bytes: Buffer, fileName: string) {
  const result = await importDocument({ bytes, fileName });
  return result.records.map(toContractRecord);
}

describe('tables with merged cells', () => {
  for (const ext of ['html', 'docx', 'xlsx']) {
    it(`reads merged cells and section rows in ${ext} as a person reads them`, async () => {
      const file = `merged-cells.${ext}`;
      expect(await records(fs.readFileSync(path.join(DIR, file)), file)).toEqual(expected.records);
    });
  }

  it('gives a cell merged down the rows to each of them, and a section row as the group', () => {
    const byName = new Map(expected.records.map((r: { legalName: string }) => [r.legalName, r]));
    expect(byName.get('Hetzner Online GmbH')).toMatchObject({
      type: 'infrastructure',
      purpose: 'Hosting and storage of the platform',
      group: 'Running the platform',
    });
    expect(byName.get('Twilio Inc.')).toMatchObject({
      locations: ['United States', 'Ireland'],
      group: 'Customer support and communication',
    });
  });

  it('survives absurd spans in HTML', async () => {
    const html = `<table><tr><th>Name</th><th>Purpose</th><th>Location</th></tr>
      <tr><td colspan="99999999">Acme Ltd</td></tr>
      <tr><td rowspan="99999999">Beta GmbH</td><td colspan="-3">Hosting</td><td rowspan="x">Germany</td></tr>
      <tr><td>Hosting</td><td>France</td></tr></table>`;
    const got = await records(Buffer.from(html), 'spans.html');
    expect(got.map((r) => r.legalName)).toEqual(['Beta GmbH', 'Beta GmbH']);
    expect(got[1]?.locations).toEqual(['France']);
  });

  it('survives absurd spans and a merge with nothing above it in Word', async () => {
    const cell = (text: string, pr = '') =>
      `<w:tc><w:tcPr>${pr}</w:tcPr><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:tc>`;
    const body = `<?xml version="1.0" encoding="UTF-8"?>
      <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:tbl>
      <w:tr>${cell('Title', '<w:vMerge/>')}</w:tr>
      <w:tr>${cell('Name')}${cell('Purpose')}${cell('Location')}</w:tr>
      <w:tr><w:trPr><w:gridBefore w:val="999999"/></w:trPr>${cell('Acme Ltd', '<w:gridSpan w:val="999999"/>')}</w:tr>
      <w:tr>${cell('Beta GmbH')}${cell('Hosting', '<w:gridSpan w:val="-2"/>')}${cell('Germany')}</w:tr>
      <w:tr>${cell('', '<w:vMerge/>')}${cell('Storage')}${cell('France')}</w:tr>
      </w:tbl></w:body></w:document>`;
    const docx = makeZip([
      { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types/>') },
      { name: 'word/document.xml', data: Buffer.from(body) },
    ]);
    const got = await records(docx, 'spans.docx');
    expect(got.map((r) => [r.legalName, r.purpose, r.locations])).toEqual([
      ['Beta GmbH', 'Hosting', ['Germany']],
      ['Beta GmbH', 'Storage', ['France']],
    ]);
  });
});
