import { describe, expect, it } from 'vitest';
import { aggregate, normaliseName, scoreDocument } from '../../bench/quality/score.js';
import type { ImportRecord } from '../../src/features/imports/model.js';

const rec = (legalName: string, more: Partial<ImportRecord> = {}): ImportRecord => ({
  legalName,
  tradingNames: [],
  formerNames: [],
  type: null,
  group: null,
  locations: [],
  purpose: null,
  dataCategories: null,
  ...more,
});

describe('the import-quality name matcher', () => {
  it('ignores case, accents, punctuation and the spacing of legal forms', () => {
    expect(normaliseName('Amazon Web Services, Inc.')).toBe(normaliseName('amazon web services inc'));
    expect(normaliseName('Foo GmbH & Co.KG')).toBe(normaliseName('Foo GmbH & Co. KG'));
    expect(normaliseName('Société Générale S.A.')).toBe(normaliseName('Societe Generale SA'));
    expect(normaliseName('Acme B. V.')).toBe(normaliseName('ACME BV'));
    expect(normaliseName('Smith & Sons Ltd')).toBe(normaliseName('Smith and Sons Ltd.'));
  });

  it('does not take different names for the same', () => {
    expect(normaliseName('Google LLC')).not.toBe(normaliseName('Google Ireland Limited'));
    expect(normaliseName('Stripe')).not.toBe(normaliseName('Stripe, Inc.'));
  });

  it('pairs one to one: a name listed twice must be found twice', () => {
    const s = scoreDocument([rec('AWS Inc')], [rec('AWS, Inc.'), rec('AWS, Inc.')]);
    expect(s).toMatchObject({ expected: 2, found: 1, matched: 1, missing: ['AWS, Inc.'], spurious: [] });
  });

  it('scores the fields of matched records, whitespace and a final full stop aside', () => {
    const want = rec('Acme Ltd', {
      locations: ['Germany', 'Ireland'],
      purpose: 'Hosting',
      type: 'third_party',
    });
    const got = rec('ACME LTD', { locations: ['Ireland', 'Germany'], purpose: ' Hosting. ', type: null });
    const s = scoreDocument([got, rec('Noise')], [want]);
    expect(s.fieldsCompared).toBe(5);
    expect(s.fieldsRight).toBe(4);
    expect(s.fieldMisses.type).toBe(1);
    expect(s.spurious).toEqual(['Noise']);
  });

  it('aggregates over records, not documents', () => {
    const a = aggregate([
      scoreDocument([rec('A'), rec('B')], [rec('A'), rec('B'), rec('C'), rec('D')]),
      scoreDocument([rec('X')], []),
    ]);
    expect(a.precision).toBeCloseTo(2 / 3);
    expect(a.recall).toBeCloseTo(2 / 4);
    expect(a.f1).toBeCloseTo((2 * (2 / 3) * 0.5) / (2 / 3 + 0.5));
    expect(a.fieldAccuracy).toBe(1);
  });
});
