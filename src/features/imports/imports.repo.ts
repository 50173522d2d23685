import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { imports } from '../../db/schema/region-imports.js';
import { entities, entries } from '../../db/schema/region.js';
import type { DraftEntry } from './preview.js';

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

/** The list's draft entries in document order, as the preview compares them. */
export async function selectDraft(tx: TenantTx, listId: string): Promise<DraftEntry[]> {
  const rows = await tx
    .select({ entry: entries, entity: entities })
    .from(entries)
    .innerJoin(entities, and(eq(entities.tenantId, entries.tenantId), eq(entities.id, entries.entityId)))
    .where(eq(entries.listId, listId))
    .orderBy(asc(entries.position), asc(entries.id));
  return rows.map(({ entry, entity }) => ({
    entryId: entry.id,
    entityId: entity.id,
    legalName: entity.legalName,
    tradingNames: entity.tradingNames,
    formerNames: entity.formerNames,
    type: entity.kind,
    group: entry.groupName,
    locations: entry.locations.map((l) => l.written),
    purpose: entry.purpose,
    dataCategories: entry.dataCategories,
  }));
}

export async function selectEntitiesByNormalizedName(tx: TenantTx, names: string[]) {
  const out: (typeof entities.$inferSelect)[] = [];
  for (let i = 0; i < names.length; i += 1000) {
    const chunk = names.slice(i, i + 1000);
    out.push(...(await tx.select().from(entities).where(inArray(entities.normalizedName, chunk))));
  }
  return out;
}

/** Multi-row inserts in chunks that stay under PostgreSQL's 65,535 bind parameters. */
export async function insertChunked<T extends typeof entities | typeof entries>(
  tx: TenantTx,
  table: T,
  rows: T['$inferInsert'][],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    await tx.insert(table).values(rows.slice(i, i + 1000) as never);
  }
}

export async function deleteEntries(tx: TenantTx, listId: string, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 1000) {
    await tx
      .delete(entries)
      .where(and(eq(entries.listId, listId), inArray(entries.id, ids.slice(i, i + 1000))));
  }
}
