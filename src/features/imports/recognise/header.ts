import { isPlace } from '../../../domain/locations/index.js';
import { type ColumnRole, HEADER_SYNONYMS, normaliseHeader } from './header-synonyms.js';
import { PLACE_COLUMN_WORDS } from './vocabulary.js';

export interface ColumnMeaning {
  role: ColumnRole;
  weight: number;
  /** one of several columns that each stand for a place ("US Server", "EU Server") */
  perPlace?: boolean;
}

const EXACT = new Map<string, ColumnMeaning>();
for (const [role, synonyms] of HEADER_SYNONYMS) {
  for (const [key, weight] of Object.entries(synonyms)) {
    const k = normaliseHeader(key);
    if (!EXACT.has(k)) EXACT.set(k, { role, weight });
  }
}
const KEYS = [...EXACT.keys()].sort((a, b) => b.length - a.length);
// Titles without their spaces: a narrow PDF column breaks a word over two lines ("Subproces sor").
const COMPACT = new Map<string, ColumnMeaning>();
for (const [k, m] of EXACT) if (!COMPACT.has(k.replaceAll(' ', ''))) COMPACT.set(k.replaceAll(' ', ''), m);

const HEAD_BEFORE_OF = /^(\p{L}+(?: \p{L}+)?) (?:of|de|del|des|du|di|della|do|da|der|van)\b/u;

/** The text is exactly a column title ("Name", "Standort"), not merely containing one. */
export function isColumnTitle(text: string): boolean {
  return EXACT.has(normaliseHeader(text));
}

/** The meaning of one header cell, or null. */
export function headerMeaning(cell: string): ColumnMeaning | null {
  const n = normaliseHeader(cell);
  if (!n || n.length > 60) return null;
  const exact = EXACT.get(n);
  if (exact) return exact;
  // A title is a few words; a longer cell is data, even if it contains a title's words.
  if (n.split(' ').length > 4) return null;
  // "Actividad del Subencargado", "Country of the entity": before "of"/"de"/"der" stands the head.
  const head = HEAD_BEFORE_OF.exec(n)?.[1];
  const headMeaning = head ? EXACT.get(head) : undefined;
  if (headMeaning) return headMeaning;
  // "Sub-processor type", "Name of the entity": English puts the head noun last, so a synonym
  // that ends the cell decides; otherwise the longest synonym inside it.
  for (const key of KEYS) {
    if (n.endsWith(` ${key}`)) return EXACT.get(key) ?? null;
  }
  for (const key of KEYS) {
    if (key.length >= 4 && ` ${n} `.includes(` ${key} `)) return EXACT.get(key) ?? null;
  }
  return truncatedMeaning(n) ?? (n.includes(' ') ? (COMPACT.get(n.replaceAll(' ', '')) ?? null) : null);
}

/** "Sub-Processor activity", "Entity country": a short title whose last words are a synonym. */
function endingMeaning(n: string): ColumnMeaning | null {
  if (!n || n.split(' ').length > 4) return null;
  const head = HEAD_BEFORE_OF.exec(n)?.[1];
  const headMeaning = head ? EXACT.get(head) : undefined;
  if (headMeaning) return headMeaning;
  for (const key of KEYS) {
    if (n.endsWith(` ${key}`)) return EXACT.get(key) ?? null;
  }
  return null;
}

/**
 * "US Server", "EU region": a column per place, its cells where the entry processes for it. Every
 * word but one place word (server, region, instance, hosting) names a place.
 */
function placeColumn(cell: string): ColumnMeaning | null {
  const words = cell.trim().split(/\s+/);
  if (words.length < 2 || words.length > 4) return null;
  const kind = words.filter((w) => PLACE_COLUMN_WORDS.has(normaliseHeader(w)));
  if (kind.length !== 1) return null;
  const place = words.filter((w) => !PLACE_COLUMN_WORDS.has(normaliseHeader(w))).join(' ');
  return isPlace(place) ? { role: 'location', weight: 1, perPlace: true } : null;
}

/** A title cut off by the extraction ("indicative categories of da"). */
function truncatedMeaning(n: string): ColumnMeaning | null {
  if (n.length < 8 || !n.includes(' ')) return null;
  for (const key of KEYS) {
    if (key.startsWith(n)) return EXACT.get(key) ?? null;
  }
  return null;
}

/**
 * Reads a header row into column meanings, one per resulting column. A cell holding two
 * titles run together ("Purpose Indicative categories of da") becomes two columns.
 */
export function readHeaderRow(cells: readonly string[]): (ColumnMeaning | null)[] | null {
  const columns: (ColumnMeaning | null)[] = [];
  let recognised = 0;
  let hasCore = false;
  for (const cell of cells) {
    if (cell.length > 80) return null;
    // An exact title first, then two titles run together, then a looser reading.
    const exact = EXACT.get(normaliseHeader(cell)) ?? endingMeaning(normaliseHeader(cell));
    const meanings = exact ? [exact] : (splitFused(cell) ?? [placeColumn(cell) ?? headerMeaning(cell)]);
    for (const m of meanings) {
      columns.push(m);
      if (m) {
        recognised++;
        if (m.role !== 'other') hasCore = true;
      }
    }
  }
  const nonEmpty = cells.filter((c) => c.trim()).length;
  if (!hasCore || recognised < 2 || recognised < Math.ceil(nonEmpty / 2)) return null;
  return columns;
}

function splitFused(cell: string): ColumnMeaning[] | null {
  const words = normaliseHeader(cell).split(' ');
  if (words.length < 2) return null;
  for (let k = 1; k < words.length; k++) {
    const left = EXACT.get(words.slice(0, k).join(' '));
    if (!left) continue;
    const rightText = words.slice(k).join(' ');
    const right = EXACT.get(rightText) ?? truncatedMeaning(rightText);
    if (right) return [left, right];
  }
  return null;
}

/** Which column holds each field: the heaviest column of each role, the first on a tie. */
export function assignColumns(columns: readonly (ColumnMeaning | null)[]): ColumnMap {
  const best = new Map<ColumnRole, { index: number; weight: number }>();
  const names: { index: number; weight: number }[] = [];
  columns.forEach((m, index) => {
    if (!m) return;
    if (m.role === 'name') names.push({ index, weight: m.weight });
    const prev = best.get(m.role);
    if (!prev || m.weight > prev.weight) best.set(m.role, { index, weight: m.weight });
  });
  const name = best.get('name')?.index;
  const brand = names.filter((n) => n.index !== name).sort((a, b) => b.weight - a.weight)[0]?.index;
  const perPlace = columns.flatMap((m, i) => (m?.perPlace ? [i] : []));
  const location = best.get('location')?.index;
  return {
    name,
    brand,
    location,
    // several place columns together give the locations; one alone is just the location column
    moreLocations: perPlace.length >= 2 ? perPlace.filter((i) => i !== location) : [],
    purpose: best.get('purpose')?.index,
    dataCategories: best.get('dataCategories')?.index,
    type: best.get('type')?.index,
    group: best.get('group')?.index,
    width: columns.length,
  };
}

export interface ColumnMap {
  name: number | undefined;
  /** a second name column (a brand beside the legal entity): its value becomes a trading name */
  brand: number | undefined;
  location: number | undefined;
  /** further location columns, one per place ("US Server" | "EU Server"), read after `location` */
  moreLocations?: number[];
  purpose: number | undefined;
  dataCategories: number | undefined;
  type: number | undefined;
  group: number | undefined;
  width: number;
}
