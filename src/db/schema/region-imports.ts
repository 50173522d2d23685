import { sql } from 'drizzle-orm';
import {
  check,
  customType,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { lists } from './region.js';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/** A stored import record: what the importer found, with where it was in the file. */
export interface StoredImportRecord {
  legalName: string;
  tradingNames: string[];
  formerNames: string[];
  type: 'affiliate' | 'infrastructure' | 'third_party' | null;
  group: string | null;
  locations: string[];
  purpose: string | null;
  dataCategories: string | null;
  source: { line?: number; page?: number; sheet?: string };
}

/**
 * An uploaded document and the records read from it. It previews against the list's draft and,
 * when accepted, changes the draft; it never publishes. The source file is kept for evidence.
 */
export const imports = pgTable(
  'imports',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    listId: uuid('list_id').notNull(),
    fileName: text('file_name').notNull(),
    format: text('format').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    sha256: text('sha256').notNull(),
    source: bytea('source').notNull(),
    records: jsonb('records').$type<StoredImportRecord[]>().notNull(),
    warnings: jsonb('warnings').$type<string[]>().notNull().default([]),
    status: text('status', { enum: ['previewed', 'applied', 'discarded'] })
      .notNull()
      .default('previewed'),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    appliedAt: timestamp('applied_at', { withTimezone: true }),
    appliedSummary: jsonb('applied_summary'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('imports_list_idx').on(t.tenantId, t.listId, t.createdAt),
    check('imports_status_check', sql`${t.status} in ('previewed', 'applied', 'discarded')`),
    foreignKey({
      columns: [t.tenantId, t.listId],
      foreignColumns: [lists.tenantId, lists.id],
      name: 'imports_list_fk',
    }).onDelete('cascade'),
  ],
);
