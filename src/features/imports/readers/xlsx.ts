import ExcelJS from 'exceljs';
import { IMPORT_LIMITS } from '../limits.js';
import { type Block, ImportError, type TableRow } from '../model.js';
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
    const rows: TableRow[] = [];
    if (sheet.rowCount > budget) {
      throw new ImportError(
        'TOO_MANY_ROWS',
        `The workbook has more than ${IMPORT_LIMITS.maxRows} rows. Split it into several imports.`,
      );
    }
    const last = sheet.rowCount;
    for (let r = 1; r <= last; r++) {
      const row = sheet.getRow(r);
      const cells: string[] = [];
      for (let c = 1; c <= Math.min(row.cellCount, 100); c++) {
        cells.push(cellText(row.getCell(c)).slice(0, IMPORT_LIMITS.maxCellChars));
      }
      rows.push({ cells, pos: { sheet: sheet.name, line: r } });
    }
    budget -= rows.length;
    if (!DEFAULT_SHEET.test(sheet.name.trim())) {
      blocks.push({ kind: 'heading', text: sheet.name, level: 2, pos: { sheet: sheet.name } });
    }
    blocks.push({ kind: 'table', rows, pos: { sheet: sheet.name, line: 1 }, fragile: false });
  }
  return blocks;
}

function cellText(cell: ExcelJS.Cell): string {
  try {
    return cell.text ?? '';
  } catch {
    return String(cell.value ?? '');
  }
}
