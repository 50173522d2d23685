import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDocument, toContractRecord } from '../../src/features/imports/import-document.js';
import { labelledFields } from '../../src/features/imports/recognise/labelled-fields.js';

const DIR = path.resolve(import.meta.dirname, '../fixtures/labelled-annex');

describe('entries written as labelled fields (the standard clauses annex)', () => {
  for (const name of ['annex-iii-sccs', 'anlage-3-de']) {
    const expected = JSON.parse(fs.readFileSync(path.join(DIR, `${name}.expected.json`), 'utf8'));
    for (const ext of ['txt', 'docx', 'html', 'pdf']) {
      it(`${name}.${ext}`, async () => {
        const file = `${name}.${ext}`;
        const result = await importDocument({ bytes: fs.readFileSync(path.join(DIR, file)), fileName: file });
        expect(result.records.map(toContractRecord)).toEqual(expected.records);
      });
    }
  }

  it('records the location of processing, not the address, and drops the contact person', () => {
    const records = JSON.parse(
      fs.readFileSync(path.join(DIR, 'annex-iii-sccs.expected.json'), 'utf8'),
    ).records;
    expect(records[0]).toMatchObject({
      legalName: 'Amazon Web Services EMEA SARL',
      locations: ['Ireland', 'Germany'],
      purpose: 'Hosting of the platform, databases and backups',
    });
  });

  it('splits fields run together in one paragraph at the labels, not inside names', () => {
    const fields = labelledFields(
      'Name: Acme SARL Address: 1 Rue de la Paix, Paris Location of processing: France, EU',
    );
    expect(fields.map((f) => [f.meaning.role, f.value])).toEqual([
      ['name', 'Acme SARL'],
      ['location', '1 Rue de la Paix, Paris'],
      ['location', 'France, EU'],
    ]);
  });

  it('is not fooled by a colon that is not a label', () => {
    expect(labelledFields('Note: this list changes often')).toEqual([]);
    expect(labelledFields('Name: Acme Ltd (see: our website) Purpose: hosting').map((f) => f.value)).toEqual([
      'Acme Ltd (see: our website)',
      'hosting',
    ]);
  });
});
