import { findPlaces, tokenize } from './matcher.js';
import { parseLocation } from './parse-location.js';
import { countriesInRegion } from './regions.js';

/** Words that may stand beside a place without making the text a sentence. */
const FILLER = new Set([
  'the',
  'region',
  'regions',
  'only',
  'nur',
  'mainly',
  'primarily',
  'data',
  'centre',
  'center',
  'centres',
  'centers',
]);

/** The whole text names places and nothing else ("Germany (Frankfurt)", "EU region"). */
export function isPlace(text: string): boolean {
  const core = text
    .replace(/\([^()]*\)/g, ' ')
    .replace(/[.:]+$/, '')
    .trim();
  if (!core || core.length > 120) return false;
  const tokens = tokenize(core);
  if (tokens.length === 0) return false;
  const places = findPlaces(core, tokens);
  if (places.length === 0) return false;
  const covered = new Array<boolean>(tokens.length).fill(false);
  for (const p of places) for (let i = p.start; i < p.end; i++) covered[i] = true;
  return tokens.every((t, i) => covered[i] || FILLER.has(t.norm));
}

const STRONG = /\s*(?:[,;\n\r]|\s\/\s|\s\|\s)\s*/;
const CONJUNCTION = /\s+(?:and|und|&|or|oder|as well as|sowie)\s+/i;

/**
 * One table cell into its locations, each kept as written. The cell is split (on commas,
 * semicolons, line breaks, " / ", and on "and"/"und"/"&") only when every part is a place;
 * otherwise it is one location: "EU, USA, Canada" is three, "Data resides in UK, but support
 * worldwide" is one, "Bosnia and Herzegovina" is one.
 */
export function splitLocationCell(cell: string): string[] {
  const whole = cell.replace(/\s+/g, ' ').trim();
  if (!whole) return [];
  if (whole.length > 2000) return [whole];
  if (isPlace(whole) && !STRONG.test(cell.trim())) {
    const parts = splitSlash(whole) ?? splitConjunctions(whole);
    return parts.length > 1 ? parts : [whole];
  }
  const parts: string[] = [];
  for (const raw of splitOutsideBrackets(cell)) {
    const part = raw
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/^(?:and|und|or|oder)\s+/i, '');
    if (!part) continue;
    if (isPlace(part)) {
      parts.push(...splitConjunctions(part));
      continue;
    }
    const sub = part
      .split(CONJUNCTION)
      .map((s) => s.trim())
      .filter(Boolean);
    if (sub.length > 1 && sub.every(isPlace)) parts.push(...sub);
    else return [whole];
  }
  return parts.length > 0 ? parts : [whole];
}

/**
 * "US/EU" is two places; "EU/EEA" is one, written two ways (the places overlap): a slash
 * splits only places that share no country.
 */
function splitSlash(text: string): string[] | null {
  if (!/^[^/()]+(?:\/[^/()]+)+$/.test(text)) return null;
  const parts = text.split('/').map((p) => p.trim());
  if (parts.some((p) => !p || !isPlace(p))) return null;
  const seen = new Set<string>();
  for (const p of parts) {
    const { countries, regions } = parseLocation(p);
    const covers = [...countries, ...regions.flatMap((r) => countriesInRegion(r))];
    if (covers.length === 0 || covers.some((c) => seen.has(c))) return null;
    for (const c of covers) seen.add(c);
  }
  return parts;
}

/** "United States and Germany" is two places; "Bosnia and Herzegovina" (one name) stays one. */
function splitConjunctions(text: string): string[] {
  if (!CONJUNCTION.test(text) || findPlaces(text).length < 2) return [text];
  const sub = text
    .split(CONJUNCTION)
    .map((s) => s.trim())
    .filter(Boolean);
  return sub.length > 1 && sub.every(isPlace) ? sub : [text];
}

/** Splits on the strong separators, but never inside brackets: "Germany (Falkenstein, Nuremberg)". */
function splitOutsideBrackets(cell: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < cell.length; i++) {
    const ch = cell[i];
    if (ch === '(' || ch === '[') depth++;
    else if ((ch === ')' || ch === ']') && depth > 0) depth--;
    else if (depth === 0) {
      const m = STRONG_AT.exec(cell.slice(i, i + 3));
      if (m && m.index === 0) {
        out.push(cell.slice(start, i));
        start = i + m[0].length;
        i = start - 1;
      }
    }
  }
  out.push(cell.slice(start));
  return out;
}

const STRONG_AT = /^(?:[,;\n\r]|\s\/\s|\s\|\s)/;
