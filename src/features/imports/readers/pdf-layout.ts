import type { Block } from '../model.js';
import { type Line, lineText } from './pdf-lines.js';
import {
  type OpenTable,
  cutAtColumns,
  fitsColumns,
  headerAt,
  repeatedHeaderAt,
  tableBlock,
} from './pdf-table.js';

/**
 * The lines of a PDF, read as a person reads the page: tables (pdf-table), headings (larger
 * type), bullets and paragraphs. A line that runs to the right margin wraps, so the next line
 * set just below it, at the same size and indent, continues the same paragraph or bullet.
 */
export function layoutToBlocks(lines: readonly Line[]): Block[] {
  const body = bodyHeight(lines);
  const margins = pageMargins(lines);
  const blocks: Block[] = [];
  let table: OpenTable | null = null;
  let text: OpenText | null = null;
  const closeTable = () => {
    if (table) blocks.push(tableBlock(table));
    table = null;
  };
  const placed = new Map<Block, Placement>();
  const closeText = () => {
    if (text) {
      blocks.push(text.block);
      placed.set(text.block, {
        x: text.firstX,
        page: text.block.pos.page ?? text.last.page,
        lastPage: text.last.page,
        oneIndent: text.oneIndent,
      });
    }
    text = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as Line;
    if (table) {
      const repeated = repeatedHeaderAt(lines, i, table);
      if (repeated > 0) {
        i += repeated - 1;
        continue;
      }
      const cut = cutAtColumns(line, (table as OpenTable).header);
      if (fitsColumns(cut, (table as OpenTable).header) && !setApart(table as OpenTable, cut)) {
        addRowLine(table as OpenTable, cut);
        continue;
      }
      closeTable();
    }
    const header = headerAt(lines, i);
    if (header) {
      if (text) captionToHeading(text, line);
      closeText();
      i += header.lineCount - 1;
      table = { header, headerLine: lines[i] as Line, lines: [], widestGap: 0 };
      continue;
    }
    if (text && continues(text, line, margins)) {
      appendLine(text, line);
      continue;
    }
    closeText();
    text = openText(line, body);
  }
  closeTable();
  closeText();
  return markIndentedItems(blocks, placed, margins);
}

interface Placement {
  x: number;
  /** where the block starts and ends (a page break may cut it) */
  page: number;
  lastPage: number;
  /** every line of the block starts at the same x */
  oneIndent: boolean;
}

/**
 * Bullets drawn as shapes (a browser's "print to PDF") leave no character in the text: the
 * list shows only as short paragraphs indented from the margin, one under the other. Two or
 * more of them at the same indent, or one right after a line ending in a colon, are items.
 */
function markIndentedItems(
  blocks: Block[],
  placed: Map<Block, Placement>,
  margins: Map<number, Margins>,
): Block[] {
  const indented = (b: Block | undefined): Placement | null => {
    const p = b && b.kind === 'paragraph' ? placed.get(b) : undefined;
    const m = p && margins.get(p.page);
    if (!p || !m || !p.oneIndent || b?.kind !== 'paragraph' || b.text.length > 1200) return null;
    // a page holding only the list's end has no text at the margin: the page before has
    const left = Math.min(m.left, margins.get(p.page - 1)?.left ?? m.left);
    const indent = p.x - left;
    return indent >= 8 && indent <= 72 ? p : null;
  };
  const out = [...blocks];
  for (let i = 0; i < out.length; ) {
    const first = indented(out[i]);
    if (!first) {
      i++;
      continue;
    }
    // the run goes on at the same indent, on the page where the item before it ended or the next
    let j = i + 1;
    for (
      let prev = first, p = indented(out[j]);
      p && p.page - prev.lastPage <= 1 && p.page >= prev.lastPage && Math.abs(p.x - first.x) <= 2;
      prev = p, p = indented(out[j])
    )
      j++;
    const before = out[i - 1];
    const introduced = before?.kind === 'paragraph' && before.text.trimEnd().endsWith(':');
    if (j - i >= 2 || introduced) {
      for (let k = i; k < j; k++) {
        const b = out[k] as Extract<Block, { kind: 'paragraph' }>;
        out[k] = { kind: 'item', text: b.text, pos: b.pos };
      }
    }
    i = j;
  }
  return out;
}

/**
 * A line much further below the table than its rows are from each other is not a row: it is
 * what follows the table (the next table's title, a note).
 */
function setApart(table: OpenTable, line: Line): boolean {
  const last = table.lines[table.lines.length - 1];
  if (!last || last.page !== line.page) return false;
  const gap = last.y - line.y;
  return table.widestGap > 0 && gap > table.widestGap * 1.3 && gap > line.height * 2;
}

function addRowLine(table: OpenTable, line: Line): void {
  const prev = table.lines[table.lines.length - 1] ?? table.headerLine;
  if (prev.page === line.page) table.widestGap = Math.max(table.widestGap, prev.y - line.y);
  table.lines.push(line);
}

/**
 * A short line set just above a table, not a sentence, is the table's title ("European
 * Union" above the list for that region) even when only its weight, not its size, says so.
 */
function captionToHeading(open: OpenText, header: Line): void {
  const b = open.block;
  const gap = open.last.y - header.y;
  if (b.kind !== 'paragraph' || open.last.page !== header.page || gap > header.height * 4) return;
  if (b.text.length > 60 || /[.:;,]$/.test(b.text) || b.text.split(' ').length > 8) return;
  open.block = { kind: 'heading', text: b.text, level: 3, pos: b.pos };
}

interface OpenText {
  block: Exclude<Block, { kind: 'table' }>;
  last: Line;
  oneIndent: boolean;
  /** where the words of the first line start (after a bullet) */
  textX: number | null;
  firstX: number;
}

/** A list number or letter: "1.", "12)", "(3)", "a)". */
const NUMBERED = /^(?:\(?\d{1,3}[.)]|\(?[a-z][.)])\s+/;

/** Bullet characters, with those of the Symbol and Wingdings fonts Word uses ( , ). */
const BULLET_CHAR = '[•·●▪◦■□➢►▶✓✔\\-–*\\uf0b7\\uf0a7\\uf076\\uf0d8\\uf0fc\\uf0a8]';
const BULLET = new RegExp(`^${BULLET_CHAR}\\s*`);
const BULLET_ONLY = new RegExp(`^${BULLET_CHAR}$`);

function openText(line: Line, body: number): OpenText {
  const text = lineText(line);
  const pos = { page: line.page };
  const first = line.segments[0];
  const firstX = first?.x ?? 0;
  let block: OpenText['block'];
  let textX: number | null = firstX;
  if (BULLET.test(text) && text.length > 2) {
    block = { kind: 'item', text: text.replace(BULLET, ''), pos };
    textX = first && BULLET_ONLY.test(first.text) ? (line.segments[1]?.x ?? null) : null;
  } else if (line.height > body * 1.15 && text.length <= 120) {
    const level = line.height > body * 1.6 ? 1 : line.height > body * 1.3 ? 2 : 3;
    block = { kind: 'heading', text, level, pos };
  } else if (NUMBERED.test(text) && text.replace(NUMBERED, '').length > 1) {
    // "1. Name: …", "b) Acme Ltd": a numbered item; wrapped lines start where its words do.
    block = { kind: 'item', text: text.replace(NUMBERED, ''), pos };
    textX =
      first && NUMBERED.test(`${first.text} `) && first.text.length <= 4
        ? (line.segments[1]?.x ?? null)
        : null;
  } else {
    block = { kind: 'paragraph', text, pos };
  }
  return { block, last: line, textX, firstX, oneIndent: true };
}

function appendLine(open: OpenText, line: Line): void {
  const next = lineText(line);
  // A line that ends in a hyphen broke a compound ("third-" / "party"): no space is added.
  // Documents with such lists are rarely hyphenated automatically, so the hyphen is kept.
  const prev = open.block.text;
  open.block.text = /\p{L}-$/u.test(prev) && /^\p{Ll}/u.test(next) ? prev + next : `${prev} ${next}`;
  if (Math.abs((line.segments[0]?.x ?? 0) - open.firstX) > 2) open.oneIndent = false;
  open.last = line;
}

interface Margins {
  left: number;
  right: number;
}

/** Whether the line continues the open paragraph, bullet or heading: the previous line wrapped. */
function continues(open: OpenText, line: Line, margins: Map<number, Margins>): boolean {
  const last = open.last;
  const first = line.segments[0];
  if (!first || Math.abs(last.height - line.height) > 0.5) return false;
  // The first line of the next page goes on in small letters where the text's lines start.
  if (last.page !== line.page)
    return (
      line.page === last.page + 1 &&
      line.segments.length === 1 &&
      /^\p{Ll}/u.test(lineText(line)) &&
      open.textX !== null &&
      Math.abs(first.x - open.textX) <= 3
    );
  const gap = last.y - line.y;
  if (gap <= 0 || gap > line.height * 1.75) return false;
  if (BULLET.test(lineText(line))) return false;
  const m = margins.get(line.page);
  if (!m) return false;
  const lastEnd = Math.max(...last.segments.map((s) => s.end));
  const wrapped = lastEnd >= m.right - Math.max(6 * line.height, (m.right - m.left) * 0.15);
  if (!wrapped) return false;
  // A wrapped table row that did not fit the columns is not prose.
  if (line.segments.length > 1 || last.segments.length > 1 + (open.block.kind === 'item' ? 1 : 0))
    return false;
  const x = first.x;
  if (open.textX !== null)
    return (
      Math.abs(x - open.textX) <= 3 ||
      (open.block.kind === 'paragraph' && x < open.firstX && Math.abs(x - m.left) <= 3)
    );
  // A bullet glued to its first word: the next line starts a little to the right of it.
  return x > open.firstX && x <= open.firstX + 3 * line.height;
}

function pageMargins(lines: readonly Line[]): Map<number, Margins> {
  const out = new Map<number, Margins>();
  for (const l of lines) {
    const m = out.get(l.page) ?? { left: Number.POSITIVE_INFINITY, right: 0 };
    for (const s of l.segments) {
      m.left = Math.min(m.left, s.x);
      m.right = Math.max(m.right, s.end);
    }
    out.set(l.page, m);
  }
  return out;
}

/** The most common line height: the size of body text. */
function bodyHeight(lines: readonly Line[]): number {
  const counts = new Map<number, number>();
  for (const l of lines) counts.set(Math.round(l.height), (counts.get(Math.round(l.height)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 10;
}
