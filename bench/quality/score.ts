/**
 * Scores the importer's records against the records a person extracted by hand: names matched
 * one to one after normalising case, accents, punctuation and legal-form spacing ("Acme, Inc." =
 * "ACME Inc" ; "Foo GmbH & Co.KG" = "Foo GmbH & Co. KG"), then the other fields of each matched
 * pair compared under the conventions of test/fixtures/real/README.md.
 */
import type { ImportRecord } from '../../src/features/imports/model.js';

/** The fields compared on a matched pair (the name is what matched them). */
export const SCORED_FIELDS = ['tradingNames', 'type', 'locations', 'purpose', 'dataCategories'] as const;
export type ScoredField = (typeof SCORED_FIELDS)[number];

/**
 * A name reduced to what a reader would call the same name: lower case, no accents, `&` read as
 * "and", every character that is not a letter or a digit dropped (so spacing and punctuation
 * inside legal forms, "S.A." / "SA" / "S. A.", do not count).
 */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/** A free-text value as compared: whitespace runs folded, one trailing full stop dropped, case ignored. */
export function normaliseText(value: string | null | undefined): string {
  if (value == null) return '';
  return value.replace(/\s+/g, ' ').trim().replace(/\.$/, '').trim().toLowerCase();
}

const sameList = (a: string[], b: string[], norm: (s: string) => string) => {
  const x = a.map(norm).sort();
  const y = b.map(norm).sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

/** Whether one field of a matched pair is right. */
export function fieldCorrect(field: ScoredField, got: ImportRecord, want: ImportRecord): boolean {
  switch (field) {
    case 'tradingNames':
      return sameList(got.tradingNames ?? [], want.tradingNames ?? [], normaliseName);
    case 'locations':
      return sameList(got.locations ?? [], want.locations ?? [], normaliseText);
    case 'type':
      return (got.type ?? null) === (want.type ?? null);
    case 'purpose':
    case 'dataCategories':
      return normaliseText(got[field]) === normaliseText(want[field]);
  }
}

export interface DocumentScore {
  expected: number;
  found: number;
  matched: number;
  fieldsRight: number;
  fieldsCompared: number;
  /** per field: wrong / compared, for the detail view */
  fieldMisses: Record<ScoredField, number>;
  missing: string[];
  spurious: string[];
}

/**
 * Pairs records by normalised legal name, one to one, in document order (a name listed twice
 * must be found twice), and scores the pairs' fields.
 */
export function scoreDocument(got: ImportRecord[], want: ImportRecord[]): DocumentScore {
  const pool = new Map<string, ImportRecord[]>();
  for (const g of got) {
    const key = normaliseName(g.legalName);
    pool.set(key, [...(pool.get(key) ?? []), g]);
  }
  const fieldMisses = Object.fromEntries(SCORED_FIELDS.map((f) => [f, 0])) as Record<ScoredField, number>;
  const missing: string[] = [];
  let matched = 0;
  let fieldsRight = 0;
  for (const w of want) {
    const candidates = pool.get(normaliseName(w.legalName));
    const g = candidates?.shift();
    if (!g) {
      missing.push(w.legalName);
      continue;
    }
    matched++;
    for (const f of SCORED_FIELDS) {
      if (fieldCorrect(f, g, w)) fieldsRight++;
      else fieldMisses[f]++;
    }
  }
  const spurious = [...pool.values()].flat().map((r) => r.legalName);
  return {
    expected: want.length,
    found: got.length,
    matched,
    fieldsRight,
    fieldsCompared: matched * SCORED_FIELDS.length,
    fieldMisses,
    missing,
    spurious,
  };
}

export interface Aggregate {
  documents: number;
  expected: number;
  found: number;
  matched: number;
  precision: number;
  recall: number;
  f1: number;
  fieldAccuracy: number;
}

/** Micro-averaged over every record of every document (a long list weighs as its records). */
export function aggregate(scores: DocumentScore[]): Aggregate {
  const sum = (k: 'expected' | 'found' | 'matched' | 'fieldsRight' | 'fieldsCompared') =>
    scores.reduce((n, s) => n + s[k], 0);
  const expected = sum('expected');
  const found = sum('found');
  const matched = sum('matched');
  const precision = found === 0 ? 0 : matched / found;
  const recall = expected === 0 ? 0 : matched / expected;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const compared = sum('fieldsCompared');
  return {
    documents: scores.length,
    expected,
    found,
    matched,
    precision,
    recall,
    f1,
    fieldAccuracy: compared === 0 ? 0 : sum('fieldsRight') / compared,
  };
}
