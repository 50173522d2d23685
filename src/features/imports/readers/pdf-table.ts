import type { Block, TableRow } from '../model.js';
import { readHeaderRow } from '../recognise/header.js';
import { joinWrappedLines } from '../text-values.js';
import { type Line, type Segment, segmentOf } from './pdf-lines.js';

/**
 * Tables in a PDF, found by their header: its cells give the column positions, every following
 * line whose pieces sit in those columns belongs to the table.
 */

export interface TableHeader {
  /** where each column's title starts */
  columns: number[];
  /** where each column's title ends: the next column's cells start after it */
  ends: number[];
  cells: string[];
  /** how many lines the header takes ("Name of" / "Sub-processor") */
  lineCount: number;
}

export interface OpenTable {
  header: TableHeader;
  /** the header's last line: the first row's distance from it is a row gap */
  headerLine: Line;
  lines: Line[];
  /** the widest gap so far between two lines of the table on one page (the header's too) */
  widestGap: number;
}

const TOLERANCE = 4;
const MAX_HEADER_LINES = 3;

/**
 * A header starting at lines[i]: one line, or up to three lines set close together whose
 * pieces, stacked, make the column titles. The reading with the most columns wins, so a second
 * line that adds a column ("Website" set lower than "Name of") is not left out; then the one
 * followed by a wider gap than the gaps inside it (the header's own rule or padding); then the
 * one with the most titles understood ("Sub-" / "Processor" / "type").
 */
export function headerAt(lines: readonly Line[], i: number): TableHeader | null {
  const first = lines[i];
  const best = first ? bestHeaderAt(lines, i) : null;
  if (!first || !best) return null;
  // A lone title at the left above a header ("European Union" over "Company | Location |
  // Purpose") is not part of it: the header starting on the next line reads as well without
  // it. A lone first line of the header itself ("Name" over "of Sub-processor") reads better
  // with it, and one set over a later column ("Geographic" over "Location") always belongs.
  const lone = first.segments.length === 1 ? first.segments[0] : undefined;
  if (best.lineCount > 1 && lone && Math.abs(lone.x - (best.columns[0] ?? 0)) <= TOLERANCE) {
    const rest = bestHeaderAt(lines, i + 1);
    if (rest && rest.columns.length >= best.columns.length && rest.understood >= best.understood) return null;
  }
  return { columns: best.columns, ends: best.ends, cells: best.cells, lineCount: best.lineCount };
}

interface HeaderReading extends TableHeader {
  score: number;
  understood: number;
}

function bestHeaderAt(lines: readonly Line[], i: number): HeaderReading | null {
  let best: HeaderReading | null = null;
  for (let k = 1; k <= MAX_HEADER_LINES; k++) {
    const group = lines.slice(i, i + k);
    if (group.length < k || !isTightGroup(group)) break;
    const columns = stackColumns(group);
    if (columns.length < 2) continue;
    const cells = columns.map((c) => joinWrappedLines(c.texts));
    const meanings = readHeaderRow(cells);
    if (!meanings) continue;
    const understood = meanings.filter((m) => m !== null).length;
    const score = columns.length * 1000 + (endsAtGap(lines, i, k) ? 100 : 0) + understood;
    if (!best || score > best.score) {
      best = {
        columns: columns.map((c) => c.x),
        ends: columns.map((c) => c.end),
        cells,
        lineCount: k,
        score,
        understood,
      };
    }
  }
  return best;
}

/** The k lines from i are followed by a wider gap than any between them. */
function endsAtGap(lines: readonly Line[], i: number, k: number): boolean {
  const last = lines[i + k - 1];
  const after = lines[i + k];
  if (!last || !after || after.page !== last.page) return true;
  let inside = 0;
  for (let j = i + 1; j < i + k; j++) inside = Math.max(inside, (lines[j - 1]?.y ?? 0) - (lines[j]?.y ?? 0));
  const gapAfter = last.y - after.y;
  return k === 1 ? gapAfter > last.height * 1.25 : gapAfter > inside + 1;
}

/** Lines of one size on one page, each the wrap distance below the one before. */
function isTightGroup(group: readonly Line[]): boolean {
  return group.every((l, j) => {
    const prev = group[j - 1];
    if (!prev) return true;
    const sameSize = Math.abs(prev.height - l.height) <= 1.5;
    return sameSize && prev.page === l.page && prev.y - l.y <= Math.max(prev.height, l.height) * 1.75;
  });
}

interface StackedColumn {
  x: number;
  end: number;
  texts: string[];
}

/** Pieces of several lines that overlap horizontally are one column, read top to bottom. */
function stackColumns(group: readonly Line[]): StackedColumn[] {
  const pieces: Segment[] = group.flatMap((l) => l.segments);
  const sorted = [...pieces].sort((a, b) => a.x - b.x);
  const columns: { x: number; end: number; members: Set<Segment> }[] = [];
  for (const s of sorted) {
    const last = columns[columns.length - 1];
    if (last && s.x < last.end - 1) {
      last.end = Math.max(last.end, s.end);
      last.members.add(s);
    } else {
      columns.push({ x: s.x, end: s.end, members: new Set([s]) });
    }
  }
  // A line holding two pieces in one stacked column means the stacking was wrong.
  for (const c of columns) {
    for (const l of group) if (l.segments.filter((s) => c.members.has(s)).length > 1) return [];
  }
  return columns.map((c) => ({
    x: c.x,
    end: c.end,
    texts: group.flatMap((l) => l.segments.filter((s) => c.members.has(s)).map((s) => s.text)),
  }));
}

/**
 * Every piece of the line starts in a column and ends before the next column's title begins.
 * A column's cells start anywhere after the previous title ends, so a centred title ("Purpose"
 * over the middle of its column) still takes the cells written from the column's left edge.
 */
export function fitsColumns(line: Line, header: TableHeader): boolean {
  return line.segments.every((s) => {
    const i = columnOf(s.x, header);
    if (i < 0) return false;
    const next = header.columns[i + 1];
    return next === undefined || s.end <= next + TOLERANCE;
  });
}

/**
 * The line with any piece that runs into the next column cut where its text items cross into
 * that column: two cells set too close together to be told apart by their gap alone.
 */
export function cutAtColumns(line: Line, header: TableHeader): Line {
  const segments: Segment[] = [];
  for (const s of line.segments) {
    let rest: Segment | null = s;
    while (rest) {
      const i = columnOf(rest.x, header);
      const next = header.columns[i + 1];
      const edge = header.ends[i];
      if (i < 0 || next === undefined || edge === undefined || rest.end <= next + TOLERANCE) break;
      const parts: Segment['parts'] = rest.parts;
      const k = parts.findIndex((p, j) => j > 0 && p.x >= edge - TOLERANCE);
      if (k <= 0 || parts.slice(0, k).some((p) => p.end > next + TOLERANCE)) break;
      segments.push(segmentOf(parts.slice(0, k), line.height));
      rest = segmentOf(parts.slice(k), line.height);
    }
    if (rest) segments.push(rest);
  }
  return segments.length === line.segments.length ? line : { ...line, segments };
}

/** The header again at the top of a later page: how many lines it takes there, or 0. */
export function repeatedHeaderAt(lines: readonly Line[], i: number, table: OpenTable): number {
  const prev = table.lines[table.lines.length - 1];
  const line = lines[i];
  if (!line || !prev || prev.page === line.page) return 0;
  const again = headerAt(lines, i);
  if (!again) return 0;
  const same = again.cells.join('|').toLowerCase() === table.header.cells.join('|').toLowerCase();
  return same || again.columns.length === table.header.columns.length ? again.lineCount : 0;
}

/**
 * A table of one row wrapped over a few lines: the row sits further below the header than its
 * lines are from each other (the cell padding), and a line with nothing in the first column
 * shows that the lines are not rows of their own.
 */
function isOneWrappedRow(table: OpenTable, rowGap: number, centred: boolean): boolean {
  const first = table.lines[0];
  // Lines half a line apart (cells centred against each other) can only be one row's.
  const most = centred ? 12 : 4;
  if (!first || table.lines.length > most || table.lines.some((l) => l.page !== first.page)) return false;
  const headerGap = table.headerLine.page === first.page ? table.headerLine.y - first.y : 0;
  return headerGap > rowGap && table.lines.some((l) => columnOf(l.segments[0]?.x ?? 0, table.header) > 0);
}

/**
 * The column a piece starting at x belongs to: the last one whose cells may start there. The
 * first column also takes cells left of its title (a centred title over a wide column), as far
 * as the title is from the next one.
 */
function columnOf(x: number, header: TableHeader): number {
  const { columns, ends } = header;
  const first = columns[0] ?? 0;
  const slack = Math.max(TOLERANCE, (columns[1] ?? first) - first);
  if (x < first - slack) return -1;
  let found = 0;
  for (let i = 1; i < columns.length; i++) {
    if (x >= (ends[i - 1] ?? columns[i] ?? 0) - TOLERANCE) found = i;
  }
  return found;
}

/**
 * Rows. Where rows are set further apart than the lines inside a wrapped cell, that larger gap
 * (or a new page) starts a row. Where every line is the same distance apart, nothing on the
 * page says where a row ends: each line is a row marked fragile, and the recogniser joins a
 * line with no name to the row above it.
 */
export function tableBlock(table: OpenTable): Block {
  const { columns, cells } = table.header;
  const gaps: number[] = [];
  table.lines.forEach((l, i) => {
    const prev = table.lines[i - 1];
    if (prev && prev.page === l.page) gaps.push(prev.y - l.y);
  });
  const height = Math.max(...table.lines.map((l) => l.height), 1);
  // Lines of a vertically centred cell sit half a line apart from the others' lines: twice
  // that is the line spacing.
  const halves = gaps.filter((g) => g > 1 && g < height * 0.9);
  const pitch = Math.min(
    ...gaps.filter((g) => g >= height * 0.9),
    ...halves.map((g) => 2 * g),
    Number.POSITIVE_INFINITY,
  );
  const rowGap = pitch + Math.max(1.5, height * 0.1);
  // The smallest gap is the spacing inside wrapped cells only if it is a plausible line spacing
  // and some gap is clearly larger; otherwise every gap is a row break.
  const byGap =
    pitch <= height * 1.75 &&
    (gaps.some((g) => g > rowGap) || isOneWrappedRow(table, rowGap, halves.length > 0));
  const rows: TableRow[] = [{ cells, pos: { page: table.lines[0]?.page ?? 1 } }];
  let current: { lines: string[][]; page: number; afterBreak: boolean } | null = null;
  const flush = () => {
    if (current) {
      rows.push({
        cells: current.lines.map((parts) => parts.join('\n')),
        pos: { page: current.page },
        fragile: true,
        afterBreak: current.afterBreak,
      });
    }
  };
  table.lines.forEach((l, i) => {
    const prev = table.lines[i - 1];
    const newPage = !!prev && prev.page !== l.page;
    const newRow = !prev || newPage || !byGap || prev.y - l.y > rowGap;
    if (newRow) {
      flush();
      current = { lines: columns.map(() => []), page: l.page, afterBreak: newPage };
    }
    for (const s of l.segments) current?.lines[columnOf(s.x, table.header)]?.push(s.text);
  });
  flush();
  return { kind: 'table', rows, pos: { page: rows[0]?.pos.page ?? 1 }, fragile: true };
}
