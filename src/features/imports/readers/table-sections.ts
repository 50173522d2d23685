import type { Block, Position, TableRow } from '../model.js';
import { readHeaderRow } from '../recognise/header.js';

/** A row as a reader with real cells (HTML, Word, Excel) sees it. */
export interface GridRow extends TableRow {
  /** one cell spans the whole width: a title or a section inside the table, not an entry */
  spansAll?: boolean;
}

/** Heading level of a section row: below any heading of the document around the table. */
const SECTION_ROW_LEVEL = 7;

/**
 * A table whose rows are divided by full-width rows ("Affiliates", "Customer support") is read
 * as a person reads it: each such row is a heading over the rows after it, and each part keeps
 * the table's header. A full-width row before the header is the table's title.
 */
export function tableWithSections(rows: readonly GridRow[], pos: Position): Block[] {
  const blocks: Block[] = [];
  let header: TableRow | null = null;
  let seenRow = false;
  let part: TableRow[] = [];
  const flush = () => {
    if (part.length > (header ? 1 : 0)) {
      blocks.push({ kind: 'table', rows: part, pos: part[0]?.pos ?? pos, fragile: false });
    }
    part = header ? [header] : [];
  };
  for (const row of rows) {
    const text = row.cells.find((c) => c.trim())?.trim();
    if (row.spansAll && text) {
      flush();
      blocks.push({
        kind: 'heading',
        text: text.replace(/\s+/g, ' '),
        level: SECTION_ROW_LEVEL,
        pos: row.pos,
      });
      continue;
    }
    const { spansAll: _, ...plain } = row;
    // The first row is the header to repeat only if it reads as one (a headerless table's
    // first row is an entry).
    if (!seenRow && plain.cells.some((c) => c.trim())) {
      seenRow = true;
      if (readHeaderRow(plain.cells)) header = plain;
    }
    part.push(plain);
  }
  flush();
  return blocks;
}
