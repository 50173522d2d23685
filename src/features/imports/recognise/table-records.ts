import type { EntityType, Position, ProvenancedRecord, TableRow } from '../model.js';
import { collapseSpace, dropTrailingStop, isDebrisCell, joinWrappedLines } from '../text-values.js';
import { isPlaceList, splitLocationCell } from './locations.js';
import { isPlace } from '../../../domain/locations/index.js';
import { type ColumnMap, type ColumnMeaning, assignColumns, readHeaderRow } from './header.js';
import { LEGAL_FORM_WORDS, LINK_TEXT, THRESHOLDS } from './vocabulary.js';
import { inferColumns } from './infer-columns.js';
import { typeFromText } from './entity-type.js';
import { splitNames } from './names.js';

/** What the headings above a table say about its rows. */
export interface SectionContext {
  group: string | null;
  type: EntityType | null;
}

/** How many leading rows may come before the header (a title, a date, an empty row). */
const HEADER_SEARCH_ROWS = THRESHOLDS.headerSearchRows;

/**
 * Turns one table into records. Returns null when the table is not a list of sub-processors
 * (no header names a sub-processor column), so the caller can try other readings.
 */
export function recordsFromTable(
  rows: readonly TableRow[],
  context: SectionContext,
  fragile: boolean,
): ProvenancedRecord[] | null {
  const headerAt = findHeader(rows) ?? headerless(rows);
  if (!headerAt) return null;
  const { index, map, headerKey } = headerAt;
  const headerCells = index >= 0 ? (rows[index]?.cells ?? []) : [];
  const body = rows.slice(index + 1).filter((r) => !repeatsHeader(r.cells, headerCells));
  const merged = mergeRows(body, map, headerKey, fragile);
  const records: ProvenancedRecord[] = [];
  for (const row of merged) records.push(...rowToRecords(row, map, context));
  return records;
}

/**
 * A header repeated on a new page, its title lines grouped differently ("Processor entity\nname"
 * under a header read as "name"): every filled cell ends with the header's cell, two at least.
 */
function repeatsHeader(cells: readonly string[], header: readonly string[]): boolean {
  let filled = 0;
  for (let i = 0; i < cells.length; i++) {
    const c = collapseSpace(cells[i] ?? '').toLowerCase();
    if (!c) continue;
    const h = collapseSpace(header[i] ?? '').toLowerCase();
    if (!h || !c.endsWith(h) || c.length > h.length + 40) return false;
    filled++;
  }
  return filled >= 2;
}

interface HeaderAt {
  index: number;
  map: ColumnMap;
  headerKey: string;
}

function findHeader(rows: readonly TableRow[]): HeaderAt | null {
  const limit = Math.min(rows.length, HEADER_SEARCH_ROWS);
  for (let i = 0; i < limit; i++) {
    const row = rows[i];
    if (!row) continue;
    const columns = readHeaderRow(row.cells.map(collapseSpace));
    if (!columns) continue;
    const map = withoutFlagColumns(
      chooseNameColumn(assignColumns(columns), columns, rows.slice(i + 1)),
      rows.slice(i + 1),
    );
    if (map.name === undefined) continue;
    return { index: i, map, headerKey: rowKey(row.cells) };
  }
  return null;
}

/**
 * Several columns may claim the name ("Company" and "Sub-processor"; "Processor" and
 * "Sub-Processors"). The name is the one whose cells read most like distinct companies (legal
 * forms, few repeats); a column of heavily repeated values is the group (the company whose
 * list it is); a second name column is a brand only beside an explicit legal-entity column.
 */
function chooseNameColumn(
  map: ColumnMap,
  columns: readonly (ColumnMeaning | null)[],
  rows: readonly TableRow[],
): ColumnMap {
  const candidates = columns.flatMap((c, i) => (c?.role === 'name' ? [{ i, weight: c.weight }] : []));
  if (candidates.length < 2) return map;
  const sample = rows.slice(0, 300);
  const stats = candidates.map(({ i, weight }) => {
    const values = sample.map((r) => collapseSpace(r.cells[i] ?? '')).filter(Boolean);
    const distinct = new Set(values).size / Math.max(values.length, 1);
    const legal = values.filter((v) => LEGAL_FORM_WORDS.test(v)).length / Math.max(values.length, 1);
    return { i, weight, distinct, legal, score: distinct + legal + weight / 10 };
  });
  stats.sort((a, b) => b.score - a.score || a.i - b.i);
  const best = stats[0]!;
  const other = stats[1]!;
  const repeated = other.distinct < 0.5 && sample.length >= 4;
  return {
    ...map,
    name: best.i,
    brand: !repeated && best.weight >= 4 ? other.i : undefined,
    group: map.group ?? (repeated ? other.i : undefined),
  };
}

/** "Yes", "No (auth only)", "✓": a cell that answers a question. */
const FLAG_CELL = /^(?:yes|no|y|n|ja|nein|oui|non|sí|si|true|false|x|✓|✔|✗|✘|-)(?:\s*\(.*\))?$/iu;

/**
 * A column of yes/no answers ("Processes customer content?": "Yes (infrastructure host)") is a
 * flag, not the purpose, data or place its title's words suggest: it gives no field.
 */
function withoutFlagColumns(map: ColumnMap, rows: readonly TableRow[]): ColumnMap {
  const isFlags = (i: number | undefined) => {
    if (i === undefined) return false;
    const values = rows
      .slice(0, 300)
      .map((r) => collapseSpace(r.cells[i] ?? ''))
      .filter(Boolean);
    const flags = values.filter((v) => v.length <= 200 && FLAG_CELL.test(v)).length;
    return values.length >= THRESHOLDS.minEntries && flags / values.length >= THRESHOLDS.flagColumnShare;
  };
  const keep = (i: number | undefined) => (isFlags(i) ? undefined : i);
  return {
    ...map,
    purpose: keep(map.purpose),
    dataCategories: keep(map.dataCategories),
    location: keep(map.location),
    group: keep(map.group),
  };
}

/** No header: column meanings from the content, every row is data (index -1). */
function headerless(rows: readonly TableRow[]): HeaderAt | null {
  const map = inferColumns(rows);
  return map ? { index: -1, map, headerKey: '\u0000' } : null;
}

const rowKey = (cells: readonly string[]) =>
  cells
    .map((c) => collapseSpace(c).toLowerCase())
    .filter(Boolean)
    .join('|');

interface MergedRow {
  cells: string[][];
  pos: Position;
}

/**
 * Joins rows that are pieces of one record. In extracted text and PDF a page break cuts a row:
 * a piece with no name continues the row above it; a piece with only a name ("Limited",
 * "Exchange Limited (Linx)") finishes the name above it. Repeated headers are dropped.
 */
function mergeRows(
  rows: readonly TableRow[],
  map: ColumnMap,
  headerKey: string,
  fragile: boolean,
): MergedRow[] {
  const width = Math.max(map.width, ...rows.map((r) => r.cells.length));
  const out: MergedRow[] = [];
  const nameAt = map.name ?? 0;
  for (const row of rows) {
    if (rowKey(row.cells) === headerKey) continue;
    const cells = alignCells(row.cells, map.width, width).map((c) => (fragile && isDebrisCell(c) ? '' : c));
    const filled = cells.filter((c) => c.trim()).length;
    if (filled === 0) continue;
    const prev = out[out.length - 1];
    const nameCell = cells[nameAt]?.trim() ?? '';
    const fragment = fragile || row.fragile;
    if (prev && fragment && !nameCell) {
      appendCells(prev, cells);
      continue;
    }
    if (prev && fragment && filled === 1 && isNameContinuation(nameCell) && typicalRowIsFull(rows, nameAt)) {
      prev.cells[nameAt]?.push(nameCell);
      continue;
    }
    if (
      prev &&
      fragment &&
      row.afterBreak &&
      // a name never starts with a bracket: "(Amazon Bedrock)" goes on with the name above it
      (lacksRequiredCell(cells, rows, map) || finishesCells(prev, cells) || nameCell.startsWith('('))
    ) {
      appendCells(prev, cells);
      continue;
    }
    if (!nameCell) continue;
    if (!fragment && filled === 1 && nameCell.length > 80) continue; // a note under the table
    out.push({ cells: cells.map((c) => [c]), pos: row.pos });
  }
  return out;
}

function appendCells(prev: MergedRow, cells: readonly string[]): void {
  cells.forEach((c, i) => {
    if (c.trim()) prev.cells[i]?.push(c);
  });
}

/** Rows with more cells than the header (a fused title was split) are kept by index. */
function alignCells(cells: readonly string[], headerWidth: number, width: number): string[] {
  const out = cells.slice(0, width);
  while (out.length < Math.max(headerWidth, width)) out.push('');
  return out;
}

function isNameContinuation(text: string): boolean {
  const words = text.split(/\s+/).length;
  return words <= 8 && !/[.!?:]$/.test(text.replace(/\b(?:ltd|inc|co|corp|plc|llc)\.$/i, ''));
}

const fullCache = new WeakMap<readonly TableRow[], boolean>();
/** Most rows of the table have more than a name: a lone name is then a fragment. */
function typicalRowIsFull(rows: readonly TableRow[], nameAt: number): boolean {
  const cached = fullCache.get(rows);
  if (cached !== undefined) return cached;
  let full = 0;
  let total = 0;
  for (const r of rows) {
    const filled = r.cells.filter((c) => c.trim() && !isDebrisCell(c)).length;
    if (filled === 0) continue;
    total++;
    if (filled >= 2 && r.cells[nameAt]?.trim()) full++;
  }
  const result = total > 0 && full / total >= 0.7;
  fullCache.set(rows, result);
  return result;
}

/**
 * The first row of a page finishes the cells of the row above: it closes a bracket that row
 * left open ("Sentry (Functional" / "Software, Inc.)"), or every cell of it goes on in
 * lower case ("Error and exception" / "monitoring").
 */
function finishesCells(prev: MergedRow, cells: readonly string[]): boolean {
  const depth = (t: string) => (t.match(/\(/g)?.length ?? 0) - (t.match(/\)/g)?.length ?? 0);
  const closes = cells.some((c, i) => depth(c) < 0 && depth((prev.cells[i] ?? []).join(' ')) > 0);
  const filled = cells.map((c) => c.trim()).filter(Boolean);
  const lower = filled.length > 0 && filled.every((c) => /^[\p{Ll})]/u.test(c));
  return closes || lower;
}

/**
 * The first row of a page lacks a cell that every other row has (the location, the purpose):
 * it is the rest of the row the page break cut, as in "Aurora Kendrick James" / "Limited t/as
 * Affinity".
 */
function lacksRequiredCell(cells: readonly string[], rows: readonly TableRow[], map: ColumnMap): boolean {
  return requiredFields(rows, map).some((i) => !cells[i]?.trim());
}

const requiredCache = new WeakMap<readonly TableRow[], number[]>();
/** The columns that nine named rows in ten fill (computed once per table). */
function requiredFields(rows: readonly TableRow[], map: ColumnMap): number[] {
  const cached = requiredCache.get(rows);
  if (cached) return cached;
  const fields = [map.location, map.purpose, map.dataCategories, map.type, map.group].filter(
    (i): i is number => i !== undefined,
  );
  const named = rows.filter((r) => r.cells[map.name ?? 0]?.trim());
  const required =
    named.length < 3
      ? []
      : fields.filter((i) => named.filter((r) => r.cells[i]?.trim()).length / named.length >= 0.9);
  requiredCache.set(rows, required);
  return required;
}

function rowToRecords(row: MergedRow, map: ColumnMap, context: SectionContext): ProvenancedRecord[] {
  const cell = (i: number | undefined) => (i === undefined ? '' : joinWrappedLines(row.cells[i] ?? []));
  const names = splitNames(nameWithoutAddress(row.cells[map.name ?? 0] ?? []));
  if (names.length === 0) return [];
  const brand = cell(map.brand);
  const type = typeFromText(cell(map.type)) ?? context.type;
  const group = collapseSpace(cell(map.group)) || context.group;
  const locations = [
    ...new Set(
      [map.location, ...(map.moreLocations ?? [])]
        .flatMap((i) => locationsOfCell(i === undefined ? [] : (row.cells[i] ?? [])))
        .map(withoutCertifications)
        .filter((l) => l && (!map.moreLocations?.length || isPlace(l))),
    ),
  ];
  const purpose = dropTrailingStop(cell(map.purpose)) || null;
  const dataCategories = dropTrailingStop(cell(map.dataCategories)) || null;
  return names.map((n) => ({
    legalName: n.legalName,
    tradingNames: withBrand(n.tradingNames, brand, n.legalName),
    formerNames: n.formerNames,
    type,
    group,
    locations,
    purpose,
    dataCategories,
    source: row.pos,
  }));
}

/**
 * "Name and address" cells: the company on the first line(s), then its street and postcode.
 * The name ends before the first later line that carries a number (a street number, a
 * postcode); a name wrapped over lines without numbers stays whole.
 */
function nameWithoutAddress(parts: readonly string[]): string {
  const lines = parts
    .flatMap((p) => p.split('\n'))
    .map((l) => l.trim())
    .filter((l, i) => l && !(i > 0 && LINK_TEXT.test(l)));
  const addressAt = lines.findIndex((l, i) => i > 0 && /\d/.test(l));
  const kept = addressAt > 0 ? lines.slice(0, addressAt) : lines;
  return kept.length === 1 ? cutAddress(kept[0]!) : joinWrappedLines(kept);
}

const LEGAL_FORM_ALL = new RegExp(LEGAL_FORM_WORDS.source, 'gi');

/**
 * The name and the postal address on one line: "Resend, Inc., 2261 Market Street #4733, San
 * Francisco, CA 94114, USA", "Wildbit LLC – Postmark, 225 Chestnut St, Philadelphia, USA". The
 * name ends with its legal form when what follows is an address (a number, and parts by commas).
 */
function cutAddress(line: string): string {
  for (const m of line.matchAll(LEGAL_FORM_ALL)) {
    const end = m.index + m[0].length;
    const sep = /^\s*(?:,|\s[–—-])\s*/.exec(line.slice(end));
    if (!sep) continue;
    const tail = line.slice(end + sep[0].length);
    const parts = tail.split(',');
    const endsInPlace = isPlace(parts[parts.length - 1]?.trim() ?? '');
    if ((/\d/.test(tail) || endsInPlace) && parts.length >= 2) return line.slice(0, end).trim();
  }
  return line;
}

/**
 * A location cell of several lines: one place per line ("United States (us-east-1)" /
 * "Germany (eu-central-1)"), or places followed by sentences about them ("United States" / "The
 * location … is determined by the customer."), which are no place. Otherwise the joined text.
 */
function locationsOfCell(parts: readonly string[]): string[] {
  const lines = parts
    .flatMap((p) => p.split('\n'))
    .map((l) => collapseSpace(l))
    .filter(Boolean);
  const joined = joinWrappedLines(lines);
  if (lines.length < 2) return splitLocationCell(joined);
  const sentence = (l: string) => /[.!?]$/.test(l) && l.split(' ').length >= 5;
  // "United States (us-east-1)": a place with a bracketed qualifier is one place
  const isPlaceLine = (l: string) => isPlaceList(l) || isPlaceList(l.replace(/\s*\([^()]*\)$/, ''));
  const places = lines.filter((l) => !/[,/;]$/.test(l) && isPlaceLine(l));
  // every line a place, more than the joined text reads ("Frankfurt," / "Germany" is one place)
  const onePerLine = places.length === lines.length && splitLocationCell(joined).length < lines.length;
  const placesThenSentences =
    places.length > 0 &&
    places.length < lines.length &&
    places.length + lines.filter(sentence).length === lines.length;
  const byLine = onePerLine || placesThenSentences;
  return byLine
    ? places.flatMap((l) => (isPlaceList(l) ? splitLocationCell(l) : [l]))
    : splitLocationCell(joined);
}

/** "USA (SOC 2 Type II)": a certification in brackets says how, not where. */
function withoutCertifications(location: string): string {
  return location
    .replace(/\s*\((?=[^()]*\b(?:SOC ?[123]|ISO ?\d{4,5}|PCI(?: DSS)?|HIPAA|C5|TISAX)\b)[^()]*\)/gi, '')
    .trim();
}

/** A brand column beside the legal name adds a trading name, unless the legal name says it. */
function withBrand(trading: string[], brand: string, legalName: string): string[] {
  const b = collapseSpace(brand);
  if (!b) return trading;
  const lower = legalName.toLowerCase();
  if (lower.startsWith(b.toLowerCase()) || trading.some((t) => t.toLowerCase() === b.toLowerCase()))
    return trading;
  return [...trading, b];
}
