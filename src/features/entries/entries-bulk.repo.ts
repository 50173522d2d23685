import { and, asc, eq, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { entities, entries } from '../../db/schema/region.js';

/** Set-based reads and writes of a list's entries at once (the importer's preview and apply). */
export type NewEntry = typeof entries.$inferInsert;
export type EntryPatch = Partial<typeof entries.$inferInsert>;

/** The list's draft entries with their entities, in document order. */
export async function selectDraftRows(tx: TenantTx, listId: string) {
  return tx
    .select({ entry: entries, entity: entities })
    .from(entries)
    .innerJoin(entities, and(eq(entities.tenantId, entries.tenantId), eq(entities.id, entries.entityId)))
    .where(eq(entries.listId, listId))
    .orderBy(asc(entries.position), asc(entries.id));
}

/** As entities-bulk.repo.ts: the rows travel as one JSON parameter, one statement. */
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

export async function deleteEntriesByIds(tx: TenantTx, listId: string, ids: string[]): Promise<void> {
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
export async function updateEntryFields(tx: TenantTx, id: string, patch: EntryPatch): Promise<string | null> {
  const [entry] = await tx.update(entries).set(patch).where(eq(entries.id, id)).returning();
  return entry?.entityId ?? null;
}
