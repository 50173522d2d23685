import ExcelJS from 'exceljs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { extractText } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { renderFormat } from '../../src/features/publishing/public-render.js';
import type { ListFormat } from '../../src/features/publishing/public-render.js';
import type { PublicListView } from '../../src/domain/public-view.js';
import { documentOf, entryOf, listView, seedRecords, versionOf } from '../trust-page/fixtures.js';

/** Every character XML 1.0 forbids, in the kinds old data or a hostile value could hold. */
const BAD = '\u0000\u0001\u0008\u000b\u000c\u001f\udfff\ud800\ufffe\uffff'; // low before high: two lone surrogates
const UNSAFE = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/** A version whose every text holds the forbidden characters (as if stored before the API refused them). */
function hostileView(): PublicListView {
  const entries = seedRecords('000')
    .slice(0, 3)
    .map(entryOf)
    .map((e) => ({
      ...e,
      legalName: `${e.legalName}${BAD}`,
      tradingNames: [`Brand${BAD}`],
      purpose: `Purpose${BAD} here`,
      group: `Group${BAD}`,
      locations: e.locations.map((l) => ({ ...l, written: `${l.written}${BAD}` })),
    }));
  const doc = documentOf({
    title: `Title${BAD}`,
    classification: `Public${BAD}`,
    intro: `Intro${BAD}`,
    disclaimer: `Disclaimer${BAD}`,
    notes: [`Note${BAD}`],
    definitions: [{ term: `Term${BAD}`, definition: `Definition${BAD}` }],
  });
  const v1 = versionOf(1, entries, doc);
  const view = listView([{ ...v1, summary: `Summary${BAD}` }]);
  return { ...view, tenant: { ...view.tenant, name: `Acme${BAD} Ltd` } };
}

const render = (format: ListFormat) => renderFormat(format, hostileView(), null, {});

describe('every writer is safe on its own, even with forbidden characters in the data', () => {
  it('XLSX: a workbook exceljs reads back, with U+FFFD where the characters were', async () => {
    const { body } = await render('xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(body as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('Sub-processors')!;
    const name = String(sheet.getRow(2).getCell(1).value);
    expect(name).toMatch(/\uFFFD/);
    expect(name).not.toMatch(UNSAFE);
    // and the XML inside the zip holds nothing XML forbids
    const { default: JSZip } = await import('jszip');
    const zip = await JSZip.loadAsync(body);
    for (const f of Object.values(zip.files)) {
      if (!f.name.endsWith('.xml')) continue;
      const xml = await f.async('string');
      expect(xml, f.name).not.toMatch(UNSAFE);
      expect(XMLValidator.validate(xml), f.name).toBe(true);
    }
  });

  it('Atom and RSS: well-formed XML that a strict parser reads', async () => {
    for (const format of ['atom', 'rss'] as const) {
      const xml = (await render(format)).body.toString('utf8');
      expect(xml).not.toMatch(UNSAFE);
      expect(XMLValidator.validate(xml)).toBe(true);
      const parsed = new XMLParser().parse(xml);
      const title = format === 'atom' ? parsed.feed.title : parsed.rss.channel.title;
      expect(String(title)).toContain('Title\uFFFD');
    }
  });

  it('JSON, JSON Feed, CSV and HTML carry no forbidden character', async () => {
    for (const format of ['json', 'feed-json', 'csv', 'html'] as const) {
      const text = (await render(format)).body.toString('utf8');
      expect(text, format).not.toMatch(UNSAFE);
      expect(text, format).not.toMatch(/\\u(0000|0001|d800|fffe)/i);
      if (format === 'json' || format === 'feed-json') expect(() => JSON.parse(text)).not.toThrow();
    }
  });

  it('PDF: unpdf reads it', async () => {
    const { body } = await render('pdf');
    const { text } = await extractText(new Uint8Array(body), { mergePages: true });
    expect(text).toContain('Title');
    expect(text).toContain('Purpose');
  });
});
