import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDocument, toContractRecord } from '../../src/features/imports/import-document.js';

/**
 * The development half of the unseen lists (test/fixtures/unseen/dev, issue 19), by the shape
 * each document shows. Only dev documents: the held-out half is never read by a test.
 */
const DEV = path.resolve(import.meta.dirname, '../fixtures/unseen/dev');

const SHAPES: Record<string, string[]> = {
  'bullets of brand names, the purpose after a full stop, "for" or on the next line': [
    'pdfshift.md',
    'miso.md',
    'zulip-kandra-labs.md',
  ],
  'a location or type stated once for a block (heading or introducing sentence)': [
    'miso.md',
    'zulip-kandra-labs.md',
  ],
  'a flattened table: cells glued without a separator, one row per line': ['mailabl.txt'],
  'the list at the end of a contract, after clauses and definitions': ['cloud-temple-fr.md'],
};

/** Names only: these documents still miss other fields (see the benchmark's --dev-detail). */
const NAMES_ONLY: Record<string, string[]> = {
  'a table cell holding the name and its postal address, or the name and a link text': [
    'square-one.md',
    'pruefai-de.html',
    'ormy.html',
  ],
  'a flattened table: cells glued without a separator, one row per line': [
    'verxion.txt',
    'invoice-navigator.txt',
  ],
};

async function read(file: string) {
  const result = await importDocument({ bytes: fs.readFileSync(path.join(DEV, file)), fileName: file });
  return result.records.map(toContractRecord);
}

const expected = (file: string) =>
  JSON.parse(fs.readFileSync(path.join(DEV, file.replace(/\.[^.]+$/, '.expected.json')), 'utf8')).records;

for (const [shape, files] of Object.entries(SHAPES)) {
  describe(shape, () => {
    for (const file of files) {
      it(file, async () => {
        expect(await read(file)).toEqual(expected(file));
      });
    }
  });
}

for (const [shape, files] of Object.entries(NAMES_ONLY)) {
  describe(`${shape} (names)`, () => {
    for (const file of files) {
      it(file, async () => {
        const names = (rs: { legalName: string }[]) => rs.map((r) => r.legalName);
        expect(names(await read(file))).toEqual(names(expected(file)));
      });
    }
  });
}

describe('a flattened table, hostile', () => {
  it('cuts a thousand long glued lines in well under two seconds', async () => {
    const row = (i: number) => `Vendor${i} LtdHostingAbC`.repeat(1) + 'XyZ'.repeat(150) + 'Germany';
    const text = ['ProcessorPurposeLocation', ...Array.from({ length: 1000 }, (_, i) => row(i))].join('\n');
    const t0 = performance.now();
    await importDocument({ bytes: Buffer.from(text), fileName: 'glued.txt' });
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('the preview says where the reading was a guess', () => {
  it('names the bullet runs read as brands and the place carried from their heading', async () => {
    const file = 'miso.md';
    const { warnings } = await importDocument({
      bytes: fs.readFileSync(path.join(DEV, file)),
      fileName: file,
    });
    expect(warnings).toEqual([
      "Unsure: read as a bullet list of 4 entries under 'Subprocessors operating within the European Union'; check these entries.",
      "Unsure: read as a bullet list of 5 entries under 'Subprocessors operting outside the European Union'; check these entries.",
      "Unsure: the place 'European Union' is stated once for a list; given to its 4 entries that name none.",
    ]);
  });

  it('names a table rebuilt from cells that ran together', async () => {
    const file = 'mailabl.txt';
    const { warnings } = await importDocument({
      bytes: fs.readFileSync(path.join(DEV, file)),
      fileName: file,
    });
    expect(warnings).toEqual([
      expect.stringMatching(
        /^Unsure: read the lines under 'ProcessorPurposeLocation' as a table whose cells ran together \(10 rows/,
      ),
    ]);
  });
});

describe('bullets of brand names printed to PDF (markup lost): the name ends where a description begins', () => {
  const PRINTED = path.resolve(DEV, '../printed');
  for (const file of ['pdfshift.pdf', 'miso.pdf', 'pdfshift.chromium.pdf']) {
    it(file, async () => {
      const result = await importDocument({
        bytes: fs.readFileSync(path.join(PRINTED, file)),
        fileName: file,
      });
      const names = (rs: { legalName: string }[]) => rs.map((r) => r.legalName);
      expect(names(result.records)).toEqual(names(expected(file.replace(/(\.chromium)?\.pdf$/, '.md'))));
    });
  }
});
