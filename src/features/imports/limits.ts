/** Limits on every import, whatever the path (API, CLI): bounded time and memory. */
export const IMPORT_LIMITS = {
  /** the largest file accepted */
  maxFileBytes: 20 * 1024 * 1024,
  /** the most bytes an archive (XLSX, DOCX) may unpack to, all members together */
  maxUnpackedBytes: 100 * 1024 * 1024,
  /** an archive member that unpacks more than this many times its packed size is a bomb */
  maxCompressionRatio: 200,
  maxPdfPages: 500,
  maxRows: 50_000,
  /** the most columns a table row is read to (HTML, Word, Excel) */
  maxColumns: 100,
  maxCellChars: 20_000,
  maxRecords: 20_000,
} as const;
