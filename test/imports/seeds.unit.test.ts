import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDocument, toContractRecord } from '../../src/features/imports/import-document.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const SEEDS = path.join(FIXTURES, 'seeds');
const FORMATS = path.join(FIXTURES, 'formats');

function expected(name: string) {
  return JSON.parse(fs.readFileSync(path.join(SEEDS, `${name}.expected.json`), 'utf8')).records;
}

async function recordsOf(file: string) {
  const result = await importDocument({ bytes: fs.readFileSync(file), fileName: path.basename(file) });
  return { result, records: result.records.map(toContractRecord) };
}

describe('the seed documents import exactly as their expected records', () => {
  for (const file of fs.readdirSync(SEEDS).filter((f) => f.endsWith('.txt'))) {
    it(file, async () => {
      const { records } = await recordsOf(path.join(SEEDS, file));
      expect(records).toEqual(expected(file.replace(/\.txt$/, '')));
    });
  }

  it('seed 001 (a hosting FAQ) gives no records and says why', async () => {
    const { result } = await recordsOf(path.join(SEEDS, '001_2934b9686cd441ce.txt'));
    expect(result.records).toEqual([]);
    expect(result.warnings.join(' ')).toMatch(/no table/i);
  });
});

describe('the same lists in other formats give the same records', () => {
  for (const file of fs.readdirSync(FORMATS).filter((f) => !f.endsWith('.md'))) {
    it(file, async () => {
      const { records, result } = await recordsOf(path.join(FORMATS, file));
      expect(result.format).toBe(path.extname(file).slice(1));
      expect(records).toEqual(expected(file.split('.')[0] ?? ''));
    });
  }
});

describe('provenance', () => {
  it('says the line of each record in text and the page in a PDF', async () => {
    const txt = await recordsOf(path.join(SEEDS, '004_28bb4da9730773a7.txt'));
    expect(txt.result.records[0]?.source.line).toBeGreaterThan(20);
    const pdf = await recordsOf(path.join(FORMATS, '004_28bb4da9730773a7.pdf'));
    const pages = pdf.result.records.map((r) => r.source.page);
    expect(pages[0]).toBe(1);
    expect(pages.at(-1)).toBe(4);
  });
});
