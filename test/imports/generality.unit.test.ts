import { describe, expect, it } from 'vitest';
import { importDocument, toContractRecord } from '../../src/features/imports/import-document.js';
import { readHeaderRow } from '../../src/features/imports/recognise/header.js';

/** Shapes of unseen lists (issue 19), each on a small input written for the test. */
const records = async (text: string, fileName = 'doc.md') =>
  (await importDocument({ bytes: Buffer.from(text), fileName })).records.map(toContractRecord);

describe('headers broken by a narrow printed column', () => {
  it('reads a title whose word was split over two lines ("Subproces sor")', () => {
    expect(readHeaderRow(['#', 'Subproces sor', 'Pur pose', 'Region'])?.map((c) => c?.role)).toEqual([
      undefined,
      'name',
      'purpose',
      'location',
    ]);
  });
});
