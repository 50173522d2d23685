import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDocument, toContractRecord } from '../../src/features/imports/import-document.js';

/**
 * Published sub-processor lists of real companies (test/fixtures/<set>/NN-name.*), each with
 * the records a careful person extracts by hand (NN-name.expected.json). The importer must give
 * exactly those records.
 */
const ROOT = path.resolve(import.meta.dirname, '../fixtures');
const SETS = ['real-documents', 'real-lists'];
const documents = SETS.flatMap((set) =>
  fs
    .readdirSync(path.join(ROOT, set))
    .filter((f) => !f.endsWith('.json') && !/^readme/i.test(f))
    .map((f) => path.join(ROOT, set, f))
    .filter((f) => fs.existsSync(f.replace(/\.[^.]+$/, '.expected.json'))),
);

describe('real documents beyond the seeds', () => {
  it('has at least ten of them', () => {
    expect(documents.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of documents) {
    it(path.relative(ROOT, file), async () => {
      const expected = JSON.parse(fs.readFileSync(file.replace(/\.[^.]+$/, '.expected.json'), 'utf8'));
      const result = await importDocument({ bytes: fs.readFileSync(file), fileName: path.basename(file) });
      expect(result.records.map(toContractRecord)).toEqual(expected.records);
    });
  }
});
