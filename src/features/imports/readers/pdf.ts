import { IMPORT_LIMITS } from '../limits.js';
import { type Block, ImportError, type TableRow } from '../model.js';
import { readHeaderRow } from '../recognise/header.js';
import { type Line, type PdfTextItem, lineText, linesOfPage, removeFurniture } from './pdf-lines.js';

/**
 * A PDF with a text layer. Tables are found by their header line: its cells give the column
 * positions, every following line whose pieces sit in those columns belongs to the table, and
 * a vertical gap wider than the line spacing inside a cell starts a new row. Everything else
 * becomes headings (larger type), bullets and paragraphs.
 */
export async function readPdf(bytes: Uint8Array): Promise<Block[]> {
  const { getDocumentProxy } = await import('unpdf');
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (err) {
    const e = err as Error;
    if (e.name === 'PasswordException' || /password/i.test(e.message)) {
      throw new ImportError(
        'ENCRYPTED_FILE',
        'This PDF is password-protected. Remove the password and upload it again.',
      );
    }
    throw new ImportError(
      'CORRUPT_FILE',
      `This PDF cannot be read (${e.message.slice(0, 120)}). Print it to PDF again or export the list as text.`,
    );
  }
  try {
    if (pdf.numPages > IMPORT_LIMITS.maxPdfPages) {
      throw new ImportError(
        'TOO_MANY_PAGES',
        `This PDF has ${pdf.numPages} pages; the limit is ${IMPORT_LIMITS.maxPdfPages}. Extract the pages with the list.`,
      );
    }
    const pages: Line[][] = [];
    const heights: number[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      heights.push(page.getViewport({ scale: 1 }).height);
      const content = await page.getTextContent();
      pages.push(linesOfPage(content.items.filter((i) => 'str' in i) as PdfTextItem[], n));
      page.cleanup();
    }
    if (pages.every((p) => p.length === 0)) {
      throw new ImportError(
        'NO_TEXT_LAYER',
        'This PDF has no text layer (it is a scan or an image). OCR is not supported: export the list from the original document, or upload it as Word, Excel, CSV or text.',
      );
    }
    return layoutToBlocks(removeFurniture(pages, heights).flat());
  } finally {
    await pdf.destroy();
  }
}

interface OpenTable {
  columns: number[];
  lines: Line[];
}

function layoutToBlocks(lines: Line[]): Block[] {
  const body = bodyHeight(lines);
  const blocks: Block[] = [];
  let table: OpenTable | null = null;
  const close = () => {
    if (table) blocks.push(tableBlock(table));
    table = null;
  };
  for (const line of lines) {
    if (table && fitsColumns(line, (table as OpenTable).columns)) {
      (table as OpenTable).lines.push(line);
      continue;
    }
    if (table && isRepeatedHeader(line, (table as OpenTable).columns)) {
      (table as OpenTable).lines.push(line);
      continue;
    }
    close();
    if (line.segments.length >= 2 && readHeaderRow(line.segments.map((s) => s.text))) {
      table = { columns: line.segments.map((s) => s.x), lines: [line] };
      continue;
    }
    blocks.push(textBlock(line, body));
  }
  close();
  return blocks;
}

const TOLERANCE = 4;

/** Every piece of the line starts in a column and ends before the next column begins. */
function fitsColumns(line: Line, columns: number[]): boolean {
  return line.segments.every((s) => {
    const i = columnOf(s.x, columns);
    if (i < 0) return false;
    const next = columns[i + 1];
    return next === undefined || s.end <= next + TOLERANCE;
  });
}

function isRepeatedHeader(line: Line, columns: number[]): boolean {
  return (
    line.segments.length >= 2 &&
    readHeaderRow(line.segments.map((s) => s.text)) !== null &&
    fitsColumns(line, columns)
  );
}

function columnOf(x: number, columns: number[]): number {
  let found = -1;
  columns.forEach((c, i) => {
    if (x >= c - TOLERANCE) found = i;
  });
  return found;
}

/** Rows: a gap larger than the line spacing inside cells, or a new page, starts a row. */
function tableBlock(table: OpenTable): Block {
  const gaps: number[] = [];
  table.lines.forEach((l, i) => {
    const prev = table.lines[i - 1];
    if (prev && prev.page === l.page) gaps.push(prev.y - l.y);
  });
  const pitch = Math.min(...gaps.filter((g) => g > 1), Number.POSITIVE_INFINITY);
  const height = Math.max(...table.lines.map((l) => l.height));
  // The smallest gap is the line spacing inside wrapped cells only if it is a plausible line
  // spacing; when every row is one line with padding, every gap is a row break.
  const wrapPitch = pitch <= height * 1.75 ? pitch : 0;
  const rows: TableRow[] = [];
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
    const newRow = !prev || newPage || !wrapPitch || prev.y - l.y > wrapPitch * 1.3;
    if (newRow) {
      flush();
      current = { lines: table.columns.map(() => []), page: l.page, afterBreak: newPage };
    }
    for (const s of l.segments) current?.lines[columnOf(s.x, table.columns)]?.push(s.text);
  });
  flush();
  return { kind: 'table', rows, pos: { page: table.lines[0]?.page ?? 1 }, fragile: true };
}

function bodyHeight(lines: Line[]): number {
  const counts = new Map<number, number>();
  for (const l of lines) counts.set(Math.round(l.height), (counts.get(Math.round(l.height)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 10;
}

function textBlock(line: Line, body: number): Block {
  const text = lineText(line);
  const pos = { page: line.page };
  const bullet = /^[•·●▪◦\-–*]\s*/;
  if (bullet.test(text) && text.length > 2) return { kind: 'item', text: text.replace(bullet, ''), pos };
  if (line.height > body * 1.15 && text.length <= 120) {
    return {
      kind: 'heading',
      text,
      level: line.height > body * 1.6 ? 1 : line.height > body * 1.3 ? 2 : 3,
      pos,
    };
  }
  return { kind: 'paragraph', text, pos };
}
