import ExcelJS from 'exceljs';
import { IMPORT_LIMITS } from '../limits.js';
import { type Block, ImportError } from '../model.js';
import { type GridRow, tableWithSections } from './table-sections.js';
import { assertSafeZip } from './zip-guard.js';

/** Sheet names that say nothing (a default name must not pass for a group). */
const DEFAULT_SHEET = /^(sheet|tabelle|feuil|hoja|foglio|blad|arkusz|planilha)\s*\d*$/i;

/** A workbook: each sheet is a table, under a heading with the sheet's name unless it is a default one. */
export async function readXlsx(bytes: Uint8Array): Promise<Block[]> {
  assertSafeZip(bytes, 'spreadsheet');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as never);
  } catch (err) {
    throw new ImportError(
      'CORRUPT_FILE',
      `This spreadsheet cannot be read (${(err as Error).message.slice(0, 120)}). Open it and save it again as .xlsx.`,
    );
  }
  const blocks: Block[] = [];
  let budget = IMPORT_LIMITS.maxRows;
  for (const sheet of workbook.worksheets) {
    if (sheet.state && sheet.state !== 'visible') continue;
    const rows: GridRow[] = [];
    if (sheet.rowCount > budget) {
      throw new ImportError(
        'TOO_MANY_ROWS',
        `The workbook has more than ${IMPORT_LIMITS.maxRows} rows. Split it into several imports.`,
      );
    }
    const last = sheet.rowCount;
    let width = 0;
    for (let r = 1; r <= last; r++)
      width = Math.max(width, Math.min(sheet.getRow(r).cellCount, IMPORT_LIMITS.maxColumns));
    for (let r = 1; r <= last; r++) {
      const row = sheet.getRow(r);
      const cells: string[] = [];
      let masters = 0;
      let spanned = 0;
      for (let c = 1; c <= Math.min(row.cellCount, IMPORT_LIMITS.maxColumns); c++) {
        const cell = row.getCell(c);
        const { text, master } = mergedCellText(cell);
        cells.push(text.slice(0, IMPORT_LIMITS.maxCellChars));
        if (master && cell.isMerged) masters++;
        if (!master && cell.isMerged && cell.master.row === cell.row) spanned++;
      }
      const filled = cells.filter((t) => t.trim()).length;
      const spansAll = width >= 2 && filled === 1 && masters === 1 && spanned >= width - 1;
      rows.push({ cells, pos: { sheet: sheet.name, line: r }, spansAll });
    }
    budget -= rows.length;
    if (!DEFAULT_SHEET.test(sheet.name.trim())) {
      blocks.push({ kind: 'heading', text: sheet.name, level: 2, pos: { sheet: sheet.name } });
    }
    blocks.push(...tableWithSections(rows, { sheet: sheet.name, line: 1 }));
  }
  return blocks;
}

/**
 * A merged cell's text where a reader of the sheet sees it: a cell merged across columns shows
 * its text once, in its first column; one merged down rows shows it in every row it covers.
 */
function mergedCellText(cell: ExcelJS.Cell): { text: string; master: boolean } {
  if (!cell.isMerged || cell.master === cell) return { text: cellText(cell), master: true };
  const master = cell.master;
  const below = Number(master.col) === Number(cell.col) && Number(master.row) !== Number(cell.row);
  return { text: below ? cellText(master) : '', master: false };
}

function cellText(cell: ExcelJS.Cell): string {
  try {
    return cell.text ?? '';
  } catch {
    return String(cell.value ?? '');
  }
}
