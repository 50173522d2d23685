import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDocument, toContractRecord } from '../../src/features/imports/import-document.js';

/**
 * The real lists of test/fixtures/<set>/NN-name.md, as a provider would also hold them: turned
 * into Word and HTML by pandoc, printed to PDF by LibreOffice from the Word file and by
 * Chromium from the HTML page (test/fixtures/real-printed, named <set>__NN-name.<ext> and
 * <set>__NN-name.chromium.pdf). Each must give the same records as its source.
 */
const ROOT = path.resolve(import.meta.dirname, '../fixtures');
const DIR = path.join(ROOT, 'real-printed');

/** Files not read right yet, each with its reason. */
const NOT_YET: Record<string, string> = {
  'real__05-scaleflex.docx': 'pandoc drops the raw HTML tables of the source: the Word file holds no list',
  'real__05-scaleflex.pdf': 'printed from the Word file, which holds no list (pandoc drops raw HTML tables)',
  'real__13-vela': 'the source itself is not read right yet (real-documents.test.ts)',
  'real-documents__01-seatable-de.pdf':
    'LibreOffice breaks the header word "Unterauftragsverhältnisse" inside the word in a narrow column',
  'real-documents__06-pollination.pdf': 'narrow columns: words and URLs broken inside the word',
  'real-documents__09-doras.pdf': 'narrow columns: "Authenticatio" / "n" broken inside the word',
  'real__01-github.pdf': 'narrow columns: "Authenticatio" / "n" broken inside the word',
  'real__07-boermel-register-de.pdf': 'seven columns on a portrait page: nearly every word is broken',
  'real-lists__01-silktide.pdf': 'eight columns on a portrait page: nearly every word is broken',
  'real-documents__01-seatable-de.chromium.pdf':
    'cells centred against each other in a table of several rows: the lines of two rows interleave',
  'real-documents__06-pollination.chromium.pdf': 'a header of three lines centred against each other',
  'real__07-boermel-register-de.chromium.pdf': 'seven columns on a portrait page',
};

const files = fs
  .readdirSync(DIR)
  .filter((f) => /\.(pdf|docx|html)$/.test(f))
  .sort();

describe('real lists printed to PDF, saved as Word and HTML', () => {
  it('has every real Markdown list in every format', () => {
    expect(files.length).toBeGreaterThanOrEqual(64);
  });

  for (const file of files) {
    const stem = file.replace(/(\.chromium)?\.[^.]+$/, '');
    const reason = NOT_YET[file] ?? NOT_YET[stem];
    const [set, name] = stem.split('__') as [string, string];
    it.skipIf(reason !== undefined)(file, async () => {
      const expected = JSON.parse(fs.readFileSync(path.join(ROOT, set, `${name}.expected.json`), 'utf8'));
      const result = await importDocument({ bytes: fs.readFileSync(path.join(DIR, file)), fileName: file });
      expect(result.records.map(toContractRecord)).toEqual(expected.records);
    });
  }
});
