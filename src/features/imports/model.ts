/**
 * The importer reads a document into blocks (what a careful reader sees: headings, tables,
 * list items, paragraphs, each with where it was), then recognises records in those blocks.
 * Readers know file formats; recognisers know sub-processor lists. Neither knows the other.
 */

export type SourceFormat = 'text' | 'markdown' | 'html' | 'csv' | 'xlsx' | 'docx' | 'pdf';

/** Where something was in the source: 1-based line (text formats, rows) and/or page/sheet. */
export interface Position {
  line?: number;
  page?: number;
  sheet?: string;
}

export interface TableRow {
  cells: string[];
  pos: Position;
  /**
   * true when the reader could not be sure where rows begin (extracted text and PDF): the
   * recogniser may then join a fragment to the row above it.
   */
  fragile?: boolean;
  /** the first row after a page break: it may finish the row the previous page cut */
  afterBreak?: boolean;
}

export type Block =
  | { kind: 'heading'; text: string; level: number; pos: Position }
  | { kind: 'table'; rows: TableRow[]; pos: Position; fragile: boolean }
  | {
      kind: 'item';
      text: string;
      pos: Position;
      /**
       * the item's lead as its markup set it apart: a link or bold text it starts with, or its
       * first line when the rest is on indented lines below ("**Stripe**" / "  Payments.")
       */
      lead?: string;
    }
  | { kind: 'paragraph'; text: string; pos: Position };

export type EntityType = 'affiliate' | 'infrastructure' | 'third_party';

/** One record as the CLI contract prints it (shared/fixtures/seeds/*.expected.json). */
export interface ImportRecord {
  legalName: string;
  tradingNames: string[];
  formerNames: string[];
  type: EntityType | null;
  group: string | null;
  locations: string[];
  purpose: string | null;
  dataCategories: string | null;
}

/** A record with where it came from in the file. */
export interface ProvenancedRecord extends ImportRecord {
  source: Position;
}

export interface ImportResult {
  format: SourceFormat;
  records: ProvenancedRecord[];
  /** why there are no records, or what the importer could not read */
  warnings: string[];
}

/** A refusal: the file cannot be read at all (empty, corrupt, encrypted, too large). */
export class ImportError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ImportError';
  }
}
