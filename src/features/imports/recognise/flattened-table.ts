import type { Block, TableRow } from '../model.js';
import { collapseSpace } from '../text-values.js';
import { type ColumnMeaning, headerMeaning } from './header.js';
import { isPlaceList } from './locations.js';
import { looksLikeOrganisation } from './organisation.js';
import { LEGAL_FORM_AT_END, THRESHOLDS } from './vocabulary.js';

/**
 * A table whose cells lost their separators when a web page became text:
 * "ProcessorPurposeLocation" / "ActiveCampaign, LLCEmail delivery services via PostmarkUS".
 * The header is split where one title ends and the next begins (a capital after a small letter),
 * each title must mean a column, and the lines below are cut into as many cells at the places a
 * cell may begin, choosing the cuts that make the best row: a name that reads as one, a place in
 * the location column. Returns the blocks with each such run replaced by a table.
 */
export function rebuildFlattenedTables(blocks: readonly Block[]): {
  blocks: Block[];
  /** the reading of each rebuilt table, by its header row */
  notes: Map<TableRow, string>;
} {
  const out: Block[] = [];
  const notes = new Map<TableRow, string>();
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    const header = b.kind === 'paragraph' || b.kind === 'heading' ? gluedHeader(b.text) : null;
    if (!header) {
      out.push(b);
      continue;
    }
    const rows: TableRow[] = [{ cells: header.titles, pos: b.pos }];
    let line = b.pos.line;
    let j = i + 1;
    // the text of the last row and how many printed lines it was joined from
    let last = '';
    let wraps = 0;
    for (; j < blocks.length && rows.length <= THRESHOLDS.flattenedMaxRows; j++) {
      const r = blocks[j]!;
      if (r.kind === 'table') break;
      // Text has line numbers: a row is the very next line. PDF text has none: the next block.
      if (line !== undefined && r.pos.line !== line + 1) break;
      const own = continuesRow(r.text) ? null : cutRow(r.text, header.meanings);
      // A printed page wraps a long row: a line that cannot be a row, or starts as the rest of
      // one ("region)n/a…", "(Frankfurt)Yes"), is joined to the row above.
      if (!own && line === undefined && rows.length > 1 && wraps < THRESHOLDS.flattenedMaxWrap) {
        const joined = cutRow(`${last} ${r.text}`, header.meanings);
        if (joined) {
          last = `${last} ${r.text}`;
          wraps++;
          rows[rows.length - 1] = { cells: joined, pos: rows[rows.length - 1]!.pos };
          continue;
        }
      }
      if (!own) break;
      rows.push({ cells: own, pos: r.pos });
      last = r.text;
      wraps = 1;
      line = r.pos.line;
    }
    if (rows.length - 1 < THRESHOLDS.minEntries) {
      out.push(b);
      continue;
    }
    out.push({ kind: 'table', rows, pos: b.pos, fragile: false });
    notes.set(
      rows[0]!,
      `read the lines under '${header.titles.join('').slice(0, 60)}' as a table whose cells ran together (${rows.length - 1} rows, columns ${header.titles.join(' | ')}), cut where a new cell seemed to begin`,
    );
    i = j - 1;
  }
  return { blocks: out, notes };
}

/** A line that starts as the rest of a row: a small letter or a bracket. */
const continuesRow = (text: string) => /^[\p{Ll}()]/u.test(text.trim());

/** Where a glued cell may begin: a capital after a small letter, a digit, ")", "?", or a capital run. */
const BOUNDARY =
  /(?<=[\p{Ll}\p{N})?*%])(?=\p{Lu})|(?<=\))(?=\p{Ll})|(?<=\p{Lu}{2})(?=\p{Lu}\p{Ll})|(?<=\S)(?=https?:)/gu;

function boundaries(text: string): number[] {
  const at: number[] = [];
  for (const m of text.matchAll(BOUNDARY)) {
    if (m.index > 0 && m.index < text.length) at.push(m.index);
    if (at.length > THRESHOLDS.flattenedMaxCuts) return [];
  }
  return at;
}

function gluedHeader(text: string): { titles: string[]; meanings: (ColumnMeaning | null)[] } | null {
  const t = collapseSpace(text);
  if (t.length > 200 || t.length < 6) return null;
  const cuts = boundaries(t);
  if (cuts.length === 0) return null;
  const titles = [0, ...cuts].map((s, k) => t.slice(s, cuts[k] ?? t.length).trim()).filter(Boolean);
  const meanings = titles.map((c) => headerMeaning(c));
  const known = meanings.filter(Boolean).length;
  if (titles.length < 2 || !meanings.some((m) => m?.role === 'name')) return null;
  if (known < Math.max(2, Math.ceil(titles.length * 0.6))) return null;
  return { titles, meanings };
}

/** How well a piece of text reads as the cell of a column of this meaning. */
function cellScore(text: string, meaning: ColumnMeaning | null): number {
  const t = text.trim();
  if (!t) return -5;
  // "AIArtificial …": a cell that begins with the end of a capitals run was cut inside a word
  // ("RouterModel gateway": "Open" | "RouterModel …" cut a CamelCase brand in two)
  const firstWord = t.split(' ')[0] ?? '';
  const cutInside =
    /^\p{Lu}{2,}(?=\p{Lu}\p{Ll})/u.test(t) || (meaning?.role !== 'name' && /\p{Ll}\p{Lu}/u.test(firstWord))
      ? -1
      : 0;
  return cutInside + roleScore(t, meaning);
}

function roleScore(t: string, meaning: ColumnMeaning | null): number {
  switch (meaning?.role) {
    case 'name':
      // of two names that read well, the longer ("OpenRouter" over "Open")
      return (
        (looksLikeOrganisation(t) ? 2 + Math.min(t.length, 40) / 100 : -3) +
        (LEGAL_FORM_AT_END.test(t) ? 2 : 0)
      );
    case 'location':
      return isPlaceList(t.replace(/\s*\*+$/, '')) ? 3 : -1;
    case 'purpose':
    case 'dataCategories':
      return isPlaceList(t) ? -2 : 0;
    default:
      return 0;
  }
}

/**
 * Cuts a glued line into one cell per column: dynamic programming over the places a cell may
 * begin (a column may be empty), so a line costs (cuts² × columns), however it is written.
 */
function cutRow(text: string, meanings: readonly (ColumnMeaning | null)[]): string[] | null {
  const t = collapseSpace(text);
  const n = meanings.length;
  if (!t || t.length > THRESHOLDS.flattenedMaxLine) return null;
  const at = [0, ...boundaries(t), t.length];
  const m = at.length;
  // best[c][b]: best score with columns 0..c placed, column c ending at at[b]
  const best: number[][] = Array.from({ length: n }, () => new Array<number>(m).fill(-Infinity));
  const from: number[][] = Array.from({ length: n }, () => new Array<number>(m).fill(-1));
  for (let b = 0; b < m; b++) best[0]![b] = cellScore(t.slice(0, at[b]), meanings[0] ?? null);
  for (let c = 1; c < n; c++) {
    for (let b = 0; b < m; b++) {
      for (let a = 0; a <= b; a++) {
        const prev = best[c - 1]![a]!;
        if (prev === -Infinity) continue;
        const s = prev + cellScore(t.slice(at[a], at[b]), meanings[c] ?? null);
        if (s > best[c]![b]!) {
          best[c]![b] = s;
          from[c]![b] = a;
        }
      }
    }
  }
  const cells: string[] = [];
  let b = m - 1;
  for (let c = n - 1; c >= 0; c--) {
    const a = c === 0 ? 0 : from[c]![b]!;
    // "Global *": a footnote mark is not part of the cell
    cells.unshift(
      t
        .slice(at[a], at[b])
        .replace(/\s*\*+$/, '')
        .trim(),
    );
    b = a;
  }
  const nameAt = meanings.findIndex((mm) => mm?.role === 'name');
  const filled = cells.filter(Boolean).length;
  return filled >= 2 && looksLikeOrganisation(cells[nameAt] ?? '') ? cells : null;
}
