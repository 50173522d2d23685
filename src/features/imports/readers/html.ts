import { type ChildNode, type Element, isTag, isText } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { IMPORT_LIMITS } from '../limits.js';
import type { Block } from '../model.js';
import { collapseSpace } from '../text-values.js';
import { ariaTableRows, repeatedRows } from './html-grid.js';
import { SKIP, cellText, textOf } from './html-text.js';
import { type GridRow, tableWithSections } from './table-sections.js';

/** Elements whose children may be the rows of a table drawn without <table>. */
const GRID_PARENTS = new Set(['div', 'section', 'ul', 'ol', 'main', 'article', 'dl']);

/** An HTML page: headings, tables (th/td, <br> as line breaks), list items, definition lists, paragraphs. */
export function readHtml(html: string): Block[] {
  const doc = parseDocument(html, { withStartIndices: true, decodeEntities: true });
  const lineAt = lineIndex(html);
  const blocks: Block[] = [];
  const walk = (nodes: ChildNode[]) => {
    for (const node of nodes) {
      if (!isTag(node)) {
        if (isText(node) && node.parent && isLooseTextParent(node.parent as Element)) {
          const text = collapseSpace(node.data);
          if (text) blocks.push({ kind: 'paragraph', text, pos: { line: lineAt(node.startIndex) } });
        }
        continue;
      }
      const tag = node.name.toLowerCase();
      if (SKIP.has(tag)) continue;
      const pos = { line: lineAt(node.startIndex) };
      const heading = /^h([1-6])$/.exec(tag);
      if (heading?.[1]) {
        const text = collapseSpace(textOf(node));
        if (text) blocks.push({ kind: 'heading', text, level: Number(heading[1]), pos });
      } else if (tag === 'table') {
        const rows = tableRows(node, lineAt);
        if (rows.length > 0) blocks.push(...tableWithSections(rows, pos));
      } else if (tag === 'li') {
        if (hasBlockChild(node, 'ul') || hasBlockChild(node, 'ol') || hasBlockChild(node, 'table'))
          walk(node.children);
        else pushText(blocks, 'item', node, pos);
      } else if (tag === 'dt') {
        const text = collapseSpace(textOf(node));
        if (text) blocks.push({ kind: 'heading', text, level: 6, pos });
      } else if (tag === 'p' || tag === 'dd' || tag === 'blockquote' || tag === 'caption') {
        pushText(blocks, 'paragraph', node, pos);
      } else {
        // A table drawn with divs: ARIA roles, or children repeating one row shape.
        const grid =
          ariaTableRows(node, lineAt) ?? (GRID_PARENTS.has(tag) ? repeatedRows(node, lineAt) : null);
        if (grid) blocks.push(...tableWithSections(grid, pos));
        else walk(node.children);
      }
    }
  };
  walk(doc.children);
  return blocks;
}

/** Text directly inside a div or body (not wrapped in <p>) is a paragraph too. */
function isLooseTextParent(el: Element): boolean {
  return ['div', 'body', 'section', 'article', 'main'].includes(el.name?.toLowerCase() ?? '');
}

function pushText(blocks: Block[], kind: 'item' | 'paragraph', node: Element, pos: { line: number }) {
  const text = collapseSpace(textOf(node));
  if (text) blocks.push({ kind, text, pos });
}

function hasBlockChild(node: Element, tag: string): boolean {
  return node.children.some((c) => isTag(c) && (c.name === tag || hasBlockChild(c, tag)));
}

/**
 * The table's rows on its grid: a cell spanning columns (colspan) is followed by empty cells,
 * a cell spanning rows (rowspan) is repeated in the rows below, as a reader of the page sees
 * its value there; a row whose only cell spans the table is marked as a section.
 */
function tableRows(table: Element, lineAt: (i: number) => number): GridRow[] {
  const trs: Element[] = [];
  const visit = (el: Element) => {
    for (const c of el.children) {
      if (!isTag(c) || trs.length >= IMPORT_LIMITS.maxRows) continue;
      const tag = c.name.toLowerCase();
      if (tag === 'tr') trs.push(c);
      else if (tag === 'thead' || tag === 'tbody' || tag === 'tfoot') visit(c);
    }
  };
  visit(table);
  const carried = new Map<number, { text: string; rows: number }>();
  const laidOut = trs.map((tr) => {
    const cells: string[] = [];
    let col = 0;
    const fillCarried = () => {
      for (let c = carried.get(col); c && col < IMPORT_LIMITS.maxColumns; c = carried.get(col)) {
        cells[col] = c.text;
        if (--c.rows === 0) carried.delete(col);
        col++;
      }
    };
    const tds = tr.children.filter((x): x is Element => isTag(x) && (x.name === 'td' || x.name === 'th'));
    for (const td of tds) {
      fillCarried();
      if (col >= IMPORT_LIMITS.maxColumns) break;
      const text = cellText(td).slice(0, IMPORT_LIMITS.maxCellChars);
      const colspan = span(td.attribs.colspan, IMPORT_LIMITS.maxColumns - col);
      const rowspan = span(td.attribs.rowspan, IMPORT_LIMITS.maxRows);
      for (let k = 0; k < colspan; k++) {
        cells[col + k] = k === 0 ? text : '';
        if (rowspan > 1) carried.set(col + k, { text: k === 0 ? text : '', rows: rowspan - 1 });
      }
      col += colspan;
    }
    for (const key of [...carried.keys()].sort((a, b) => a - b)) {
      if (key < col) continue;
      col = key;
      fillCarried();
    }
    const only = tds.length === 1 ? tds[0] : undefined;
    return {
      cells: Array.from(cells, (c) => c ?? ''),
      pos: { line: lineAt(tr.startIndex ?? 0) },
      colspan: only ? span(only.attribs.colspan, IMPORT_LIMITS.maxColumns) : 1,
    };
  });
  const width = Math.max(0, ...laidOut.map((r) => r.cells.length));
  return laidOut.map((r) => ({
    cells: r.cells,
    pos: r.pos,
    spansAll: width >= 2 && r.colspan >= width,
  }));
}

/** A colspan or rowspan attribute: a whole number from 1 to the limit (0 and junk are 1). */
function span(value: string | undefined, limit: number): number {
  const n = Number.parseInt(value ?? '1', 10);
  return Number.isFinite(n) && n >= 1 ? Math.min(n, Math.max(limit, 1)) : 1;
}

function lineIndex(text: string): (offset: number | null) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    if (offset == null) return 1;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
