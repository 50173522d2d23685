import { parse } from 'csv-parse/sync';
import { IMPORT_LIMITS } from '../limits.js';
import { type Block, ImportError, type TableRow } from '../model.js';

/** CSV or TSV (RFC 4180 quoting), the delimiter guessed from the first lines. */
export function readCsv(text: string): Block[] {
  const delimiter = guessDelimiter(text);
  assertRowCount(text);
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(text, {
      delimiter,
      bom: true,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      max_record_size: IMPORT_LIMITS.maxCellChars * 10,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    throw new ImportError(
      'CSV_UNREADABLE',
      `The CSV cannot be read: ${(err as Error).message}. Check its quotes, or save it again as CSV (UTF-8).`,
    );
  }
  const rows: TableRow[] = parsed.map(({ record, info }) => ({
    cells: record.map((c) => c.slice(0, IMPORT_LIMITS.maxCellChars)),
    pos: { line: info.lines },
  }));
  return rows.length > 0 ? [{ kind: 'table', rows, pos: { line: 1 }, fragile: false }] : [];
}

/** The candidate found most consistently in the first lines (outside quotes). */
function guessDelimiter(text: string): string {
  const sample = text
    .slice(0, 16 * 1024)
    .split(/\r?\n/)
    .slice(0, 10);
  let best = ',';
  let bestScore = 0;
  for (const d of [',', ';', '\t', '|']) {
    const counts = sample.map((line) => countOutsideQuotes(line, d)).filter((c) => c > 0);
    if (counts.length === 0) continue;
    const score = counts.length * Math.min(...counts);
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

function countOutsideQuotes(line: string, d: string): number {
  let inQuotes = false;
  let n = 0;
  for (const ch of line) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (ch === d && !inQuotes) n++;
  }
  return n;
}

/** More lines than rows allowed: refuse rather than import a silently cut list. */
function assertRowCount(text: string): void {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (++lines > IMPORT_LIMITS.maxRows) {
      throw new ImportError(
        'TOO_MANY_ROWS',
        `The file has more than ${IMPORT_LIMITS.maxRows} lines. Split it into several imports.`,
      );
    }
  }
}
