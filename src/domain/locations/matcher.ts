import { ALL_CODES, COUNTRY_NAMES } from './countries.js';
import { REGION_NAMES } from './regions.js';

/** What a run of words names. */
export interface PlaceMatch {
  kind: 'country' | 'region';
  /** ISO code or canonical region name */
  value: string;
  /** token positions [start, end) */
  start: number;
  end: number;
}

interface Entry {
  kind: 'country' | 'region';
  value: string;
  /** short all-capital forms ("US", "UK", "EU") only match when written in capitals */
  capitalsOnly: boolean;
}

interface Token {
  norm: string;
  upper: boolean;
}

/** Lower case, no diacritics, ß as ss; punctuation separates words (so "U.S.A." is u s a). */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const words =
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const w of words)
    out.push({ norm: w.toLowerCase().replace(/ß/g, 'ss'), upper: w === w.toUpperCase() && /\p{L}/u.test(w) });
  return out;
}

const TABLE = new Map<string, Entry>();
let MAX_WORDS = 1;
function add(name: string, kind: Entry['kind'], value: string) {
  const tokens = tokenize(name);
  if (tokens.length === 0) return;
  const key = tokens.map((t) => t.norm).join(' ');
  const letters = name.replace(/[^\p{L}]/gu, '');
  const capitalsOnly = letters.length <= 3 && letters === letters.toUpperCase();
  if (!TABLE.has(key)) TABLE.set(key, { kind, value, capitalsOnly });
  MAX_WORDS = Math.max(MAX_WORDS, tokens.length);
}
for (const { code, name } of COUNTRY_NAMES) add(name, 'country', code);
for (const [region, names] of Object.entries(REGION_NAMES)) for (const n of names) add(n, 'region', region);

/**
 * Every place named in the text, longest match first at each position ("South Africa" is a
 * country, not the region Africa; "United States Minor Outlying Islands" would beat "United
 * States"). Linear in the number of words.
 */
export function findPlaces(text: string, tokens = tokenize(text)): PlaceMatch[] {
  const found: PlaceMatch[] = [];
  // A bare ISO code ("DE", "IT") counts only when it is the whole text, in capitals: inside
  // prose "IT" and "IN" are words.
  const only = tokens.length === 1 ? tokens[0] : undefined;
  if (
    only?.upper &&
    only.norm.length === 2 &&
    ALL_CODES.has(only.norm.toUpperCase()) &&
    !TABLE.has(only.norm)
  ) {
    return [{ kind: 'country', value: only.norm.toUpperCase(), start: 0, end: 1 }];
  }
  let i = 0;
  while (i < tokens.length) {
    let matched = 0;
    for (let n = Math.min(MAX_WORDS, tokens.length - i); n >= 1; n--) {
      const slice = tokens.slice(i, i + n);
      const entry = TABLE.get(slice.map((t) => t.norm).join(' '));
      if (!entry) continue;
      if (entry.capitalsOnly && !slice.every((t) => t.upper)) continue;
      found.push({ kind: entry.kind, value: entry.value, start: i, end: i + n });
      matched = n;
      break;
    }
    i += matched || 1;
  }
  return found;
}
