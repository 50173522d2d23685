import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { imports } from '../../db/schema/region-imports.js';
import { entities, entries } from '../../db/schema/region.js';
import type { DraftEntry } from './preview.js';

export type { StoredImportRecord } from '../../db/schema/region-imports.js';
export type ImportRow = typeof imports.$inferSelect;
export type NewEntity = typeof entities.$inferInsert;
export type NewEntry = typeof entries.$inferInsert;
export type EntityPatch = Partial<typeof entities.$inferInsert>;
export type EntryPatch = Partial<typeof entries.$inferInsert>;

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
  if (names.length === 0) return [];
  return tx
    .select({ id: entities.id, normalizedName: entities.normalizedName })
    .from(entities)
    .where(
      sql`${entities.normalizedName} in (select jsonb_array_elements_text(${JSON.stringify(names)}::jsonb))`,
    );
}

/**
 * Bulk inserts as one statement per table: the rows travel as one JSON parameter and
 * jsonb_to_recordset turns them back into rows (10,000 rows in tens of milliseconds, and no
 * limit of 65,535 bind parameters). RLS still checks every row's tenant_id.
 */
export async function bulkInsertEntities(tx: TenantTx, rows: NewEntity[]): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(
    rows.map((r) => ({
      tenant_id: r.tenantId,
      id: r.id,
      legal_name: r.legalName,
      normalized_name: r.normalizedName,
      trading_names: r.tradingNames ?? [],
      former_names: r.formerNames ?? [],
      kind: r.kind ?? null,
    })),
  );
  await tx.execute(sql`
    insert into entities (tenant_id, id, legal_name, normalized_name, trading_names, former_names, kind)
    select tenant_id, id, legal_name, normalized_name, trading_names, former_names, kind
    from jsonb_to_recordset(${json}::jsonb) as x(tenant_id uuid, id uuid, legal_name text,
      normalized_name text, trading_names text[], former_names text[], kind text)`);
}

export async function bulkInsertEntries(tx: TenantTx, rows: NewEntry[]): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(
    rows.map((r) => ({
      tenant_id: r.tenantId,
      id: r.id,
      list_id: r.listId,
      entity_id: r.entityId,
      group_name: r.groupName ?? null,
      purpose: r.purpose ?? null,
      data_categories: r.dataCategories ?? null,
      locations: r.locations ?? [],
      country_codes: r.countryCodes ?? [],
      position: r.position ?? 0,
    })),
  );
  await tx.execute(sql`
    insert into entries (tenant_id, id, list_id, entity_id, group_name, purpose, data_categories,
      locations, country_codes, position)
    select tenant_id, id, list_id, entity_id, group_name, purpose, data_categories, locations,
      country_codes, position
    from jsonb_to_recordset(${json}::jsonb) as x(tenant_id uuid, id uuid, list_id uuid,
      entity_id uuid, group_name text, purpose text, data_categories text, locations jsonb,
      country_codes text[], position integer)`);
}

export async function deleteEntries(tx: TenantTx, listId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .delete(entries)
    .where(
      and(
        eq(entries.listId, listId),
        sql`${entries.id} in (select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::uuid)`,
      ),
    );
}

/** Changes one draft entry; its entity id, or null when the entry is gone. */
export async function updateEntry(tx: TenantTx, id: string, patch: EntryPatch): Promise<string | null> {
  const [entry] = await tx.update(entries).set(patch).where(eq(entries.id, id)).returning();
  return entry?.entityId ?? null;
}

export async function updateEntity(tx: TenantTx, id: string, patch: EntityPatch): Promise<void> {
  await tx
    .update(entities)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(entities.id, id));
}
