import ExcelJS from 'exceljs';
import { replaceUnsafeChars } from '../../../platform/unsafe-chars.js';
import type { PublicListView } from '../../../domain/public-view.js';
import { csvCell } from './csv-export.js';
import { exportRows } from './rows.js';
import { fixZipTimestamps } from './zip-timestamps.js';

/** A workbook: the entries (header row frozen, filters on) and a sheet about the document. */
export async function xlsxExport(view: PublicListView): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'subreg';
  // Fixed dates: the same version gives the same bytes (and strong ETag) in every process.
  wb.created = new Date(view.version.publishedAt);
  wb.modified = wb.created;
  const { header, rows } = exportRows(view);
  const sheet = wb.addWorksheet('Sub-processors', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(header).font = { bold: true };
  // Cells are written as text, never formulas; a leading = + - @ is neutralised as in the CSV.
  for (const r of rows) sheet.addRow(r.map((c) => neutral(c)));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: header.length } };
  sheet.columns.forEach((c, i) => {
    c.width = [34, 20, 20, 14, 16, 24, 12, 40, 40, 18, 9][i] ?? 20;
    c.alignment = { wrapText: true, vertical: 'top' };
  });
  const doc = view.version.snapshot.document;
  const about = wb.addWorksheet('About');
  const pairs: [string, string][] = [
    ['Title', doc.title],
    ['Provider', view.tenant.name],
    ['Classification', doc.classification ?? ''],
    ['Version', String(view.version.number)],
    ['Published', view.version.publishedAt],
    ['In effect from', view.version.effectiveAt],
    ['Last updated', view.history[0]?.publishedAt ?? view.version.publishedAt],
    ['Intro', doc.intro ?? ''],
    ['Notes', doc.notes.join('\n')],
    ['Disclaimer', doc.disclaimer ?? ''],
  ];
  for (const [k, v] of pairs) about.addRow([k, neutral(v)]);
  about.getColumn(1).font = { bold: true };
  about.getColumn(1).width = 18;
  about.getColumn(2).width = 90;
  return fixZipTimestamps(Buffer.from(await wb.xlsx.writeBuffer()), wb.created);
}

/** A cell's text: characters XML forbids replaced (an old value may hold them), formulas neutralised. */
function neutral(raw: string): string {
  const value = replaceUnsafeChars(raw);
  const quoted = csvCell(value);
  return quoted.startsWith("'") || quoted.startsWith(`"'`) ? `'${value}` : value;
}
