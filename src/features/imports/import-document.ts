import { cleanBlocks } from './clean-blocks.js';
import { detectFormat } from './detect-format.js';
import { IMPORT_LIMITS } from './limits.js';
import {
  type Block,
  ImportError,
  type ImportRecord,
  type ImportResult,
  type ProvenancedRecord,
} from './model.js';
import { readCsv } from './readers/csv.js';
import { readDocx } from './readers/docx.js';
import { readHtml } from './readers/html.js';
import { readPdf } from './readers/pdf.js';
import { readText } from './readers/text.js';
import { readXlsx } from './readers/xlsx.js';
import { recogniseRecords } from './recognise/recognise.js';

export interface ImportInput {
  bytes: Uint8Array;
  fileName: string;
}

/**
 * Reads a document and returns the records in it. Pure: no database, no network. Throws
 * ImportError (with a code and a message saying what to do) when the file cannot be read.
 */
export async function importDocument(input: ImportInput): Promise<ImportResult> {
  const { bytes, fileName } = input;
  if (bytes.length === 0)
    throw new ImportError('EMPTY_FILE', 'The file is empty. Choose the file that holds the list.');
  if (bytes.length > IMPORT_LIMITS.maxFileBytes) {
    throw new ImportError(
      'FILE_TOO_LARGE',
      `The file is ${mb(bytes.length)} MB; the limit is ${mb(IMPORT_LIMITS.maxFileBytes)} MB. Split it or export only the list.`,
    );
  }
  const format = detectFormat(bytes, fileName);
  if (format === 'ole') {
    throw new ImportError(
      'UNSUPPORTED_FORMAT',
      'This is a legacy Office file (.doc, .xls) or a password-protected Office document. Remove any password and save it as .docx or .xlsx.',
    );
  }
  if (format === 'binary' || format === 'zip') {
    throw new ImportError(
      'UNSUPPORTED_FORMAT',
      'This file is not text, Markdown, HTML, CSV/TSV, XLSX, DOCX or PDF. Save it in one of those formats (legacy .doc and .xls: save as .docx or .xlsx).',
    );
  }
  const { blocks, warning } = cleanBlocks(await readSafely(format, bytes));
  const { records, warnings } = recogniseRecords(blocks);
  if (warning) warnings.unshift(warning);
  if (records.length > IMPORT_LIMITS.maxRecords) {
    throw new ImportError(
      'TOO_MANY_RECORDS',
      `The document has more than ${IMPORT_LIMITS.maxRecords} records. Split it.`,
    );
  }
  return { format, records, warnings };
}

/** A reader's library may throw anything on a damaged file: that is a damaged file, said plainly. */
async function readSafely(format: ImportResult['format'], bytes: Uint8Array): Promise<Block[]> {
  try {
    return await readBlocks(format, bytes);
  } catch (err) {
    if (err instanceof ImportError) throw err;
    const what = { pdf: 'PDF', xlsx: 'spreadsheet', docx: 'Word document' }[format as string] ?? 'file';
    throw new ImportError(
      'CORRUPT_FILE',
      `This ${what} is damaged and cannot be read (${String((err as Error)?.message ?? err).slice(0, 120)}). Save or export it again.`,
    );
  }
}

async function readBlocks(format: ImportResult['format'], bytes: Uint8Array): Promise<Block[]> {
  switch (format) {
    case 'text':
    case 'markdown':
      return readText(decodeText(bytes));
    case 'csv':
      return readCsv(decodeText(bytes));
    case 'html':
      return readHtml(decodeText(bytes));
    case 'xlsx':
      return readXlsx(bytes);
    case 'docx':
      return readDocx(bytes);
    case 'pdf':
      return readPdf(bytes);
  }
}

/** UTF-8 (with or without BOM), UTF-16 with BOM, and Windows-1252 when UTF-8 is invalid. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

const mb = (n: number) => (n / 1024 / 1024).toFixed(1);

/** The record as the CLI contract prints it: provenance dropped, keys in the contract's order. */
export function toContractRecord(r: ProvenancedRecord): ImportRecord {
  return {
    legalName: r.legalName,
    tradingNames: r.tradingNames,
    formerNames: r.formerNames,
    type: r.type,
    group: r.group,
    locations: r.locations,
    purpose: r.purpose,
    dataCategories: r.dataCategories,
  };
}
