import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { imports } from '../../db/schema/region-imports.js';

export type { StoredImportRecord } from '../../db/schema/region-imports.js';
export type ImportRow = typeof imports.$inferSelect;

/** Columns that describe an import without its (large) source file and records. */
const summaryColumns = {
  id: imports.id,
  listId: imports.listId,
  fileName: imports.fileName,
  format: imports.format,
  sizeBytes: imports.sizeBytes,
  sha256: imports.sha256,
  status: imports.status,
  warnings: imports.warnings,
  createdBy: imports.createdBy,
  createdAt: imports.createdAt,
  appliedAt: imports.appliedAt,
  appliedSummary: imports.appliedSummary,
  recordCount: sql<number>`jsonb_array_length(${imports.records})::int`,
};

export async function insertImport(tx: TenantTx, row: typeof imports.$inferInsert): Promise<void> {
  await tx.insert(imports).values(row);
}

export async function selectImports(tx: TenantTx, listId: string, limit: number, offset: number) {
  return tx
    .select({ ...summaryColumns, total: sql<number>`count(*) over ()::int` })
    .from(imports)
    .where(eq(imports.listId, listId))
    .orderBy(desc(imports.createdAt), asc(imports.id))
    .limit(limit)
    .offset(offset);
}

/** The import with its records, without the source bytes; FOR UPDATE when about to apply it. */
export async function selectImport(tx: TenantTx, listId: string, id: string, forUpdate = false) {
  const q = tx
    .select({ ...summaryColumns, records: imports.records })
    .from(imports)
    .where(and(eq(imports.listId, listId), eq(imports.id, id)));
  const [r] = forUpdate ? await q.for('update') : await q;
  return r ?? null;
}

export async function selectImportSummary(tx: TenantTx, listId: string, id: string) {
  const [r] = await tx
    .select(summaryColumns)
    .from(imports)
    .where(and(eq(imports.listId, listId), eq(imports.id, id)));
  return r ?? null;
}

export async function selectImportSource(tx: TenantTx, listId: string, id: string) {
  const [r] = await tx
    .select({ source: imports.source, fileName: imports.fileName, format: imports.format })
    .from(imports)
    .where(and(eq(imports.listId, listId), eq(imports.id, id)));
  return r ?? null;
}

export async function markImport(
  tx: TenantTx,
  id: string,
  patch: Pick<Partial<ImportRow>, 'status' | 'appliedAt' | 'appliedSummary'>,
): Promise<void> {
  await tx.update(imports).set(patch).where(eq(imports.id, id));
}
