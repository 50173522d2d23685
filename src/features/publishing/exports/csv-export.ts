import { replaceUnsafeChars } from '../../../platform/unsafe-chars.js';
import type { PublicListView } from '../../../domain/public-view.js';
import { exportRows } from './rows.js';

/** A cell a spreadsheet would run as a formula starts with one of these: neutralise it. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(raw: string): string {
  // Old data may hold characters the API now refuses (NUL, U+FFFF...): replaced, never written.
  const value = replaceUnsafeChars(raw);
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * RFC 4180 CSV (CRLF, quotes doubled), UTF-8 with a byte-order mark so that Excel reads the
 * accents right. One row per entry; lists inside a cell are joined with "; ".
 */
export function csvExport(view: PublicListView): Buffer {
  const { header, rows } = exportRows(view);
  const lines = [header, ...rows].map((r) => r.map(csvCell).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}
