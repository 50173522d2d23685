import { type ChildNode, type Element, isTag, isText } from 'domhandler';
import { IMPORT_LIMITS } from '../limits.js';
import type { Position } from '../model.js';
import { cellText } from './html-text.js';
import type { GridRow } from './table-sections.js';

/**
 * Tables a web page draws without <table>: elements marked with ARIA table roles, and rows of
 * repeated elements (a div per row or per card, a div per cell), as trust centres and site
 * builders write them. Each gives rows of cells, as a <table> would.
 */

const ROW_ROLES = new Set(['row']);
const CELL_ROLES = new Set(['cell', 'gridcell', 'columnheader', 'rowheader']);
const MAX_CELLS = 12;
const MAX_CELL_CHARS = 600;

/** `role="table"` or `role="grid"`: its rows and cells as the roles say. */
export function ariaTableRows(el: Element, lineAt: (i: number | null) => number): GridRow[] | null {
  const role = el.attribs.role?.toLowerCase();
  if (role !== 'table' && role !== 'grid') return null;
  const rows: GridRow[] = [];
  const visit = (node: Element) => {
    for (const c of node.children) {
      if (!isTag(c) || rows.length >= IMPORT_LIMITS.maxRows) continue;
      if (ROW_ROLES.has(c.attribs.role?.toLowerCase() ?? '')) {
        const cells = descendants(c, (d) => CELL_ROLES.has(d.attribs.role?.toLowerCase() ?? '')).map(
          cellText,
        );
        if (cells.some(Boolean)) rows.push({ cells, pos: { line: lineAt(c.startIndex) } });
      } else visit(c);
    }
  };
  visit(el);
  return rows.length >= 2 ? rows : null;
}

/**
 * An element whose children repeat one shape, each holding a few short texts in its own
 * elements (a cell each): a grid of rows. The children must share their tag, and most of them
 * the number of cells, so a menu, a paragraph with links or a page's sections are not taken.
 */
export function repeatedRows(el: Element, lineAt: (i: number | null) => number): GridRow[] | null {
  const children = el.children.filter(isTag);
  const looseText = el.children.some((c) => isText(c) && c.data.trim());
  if (children.length < 2 || looseText) return null;
  const tag = children[0]?.name;
  if (!children.every((c) => c.name === tag) || tag === 'p' || tag === 'a' || tag === 'span') return null;
  const shaped = children.map((c) => ({ el: c, cells: rowCells(c) }));
  const counts = new Map<number, number>();
  for (const s of shaped) if (s.cells) counts.set(s.cells.length, (counts.get(s.cells.length) ?? 0) + 1);
  const [width, many] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? [0, 0];
  if (width < 2 || many < Math.max(2, Math.ceil(children.length * 0.8))) return null;
  return shaped
    .filter((s) => s.cells !== null)
    .slice(0, IMPORT_LIMITS.maxRows)
    .map((s) => ({ cells: s.cells as string[], pos: { line: lineAt(s.el.startIndex) } as Position }));
}

/**
 * The cells of one repeated child: its element children with text, looking through a single
 * wrapper ("<div class=card><div class=body>...</div></div>"). Null when it is not row-like:
 * text loose beside the cells, a cell with a table or a long text, or too many cells.
 */
function rowCells(row: Element): string[] | null {
  let inner = row;
  for (let depth = 0; depth < 3; depth++) {
    const only = inner.children.filter((c) => isTag(c) || (isText(c) && c.data.trim()));
    if (only.length === 1 && isTag(only[0] as ChildNode)) inner = only[0] as Element;
    else break;
  }
  if (inner.children.some((c) => isText(c) && c.data.trim())) return null;
  const cells = inner.children.filter(isTag).filter((c) => !['br', 'img', 'svg', 'hr'].includes(c.name));
  if (cells.length < 2 || cells.length > MAX_CELLS) return null;
  if (cells.some((c) => descendants(c, (d) => d.name === 'table').length > 0)) return null;
  const texts = cells.map(boundedText);
  if (texts.some((t) => t.length > MAX_CELL_CHARS) || texts.filter(Boolean).length < 2) return null;
  return texts;
}

function descendants(el: Element, keep: (e: Element) => boolean, out: Element[] = []): Element[] {
  for (const c of el.children) {
    if (!isTag(c)) continue;
    if (keep(c)) out.push(c);
    else descendants(c, keep, out);
  }
  return out;
}

function boundedText(cell: Element): string {
  return cellText(cell).slice(0, IMPORT_LIMITS.maxCellChars);
}
