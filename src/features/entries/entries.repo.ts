import { and, eq, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { entities, entries } from '../../db/schema/region.js';

export type EntryRow = typeof entries.$inferSelect;
export type EntityRow = typeof entities.$inferSelect;

export async function selectEntry(tx: TenantTx, listId: string, id: string) {
  const [r] = await tx
    .select({ entry: entries, entity: entities })
    .from(entries)
    .innerJoin(entities, and(eq(entities.tenantId, entries.tenantId), eq(entities.id, entries.entityId)))
    .where(and(eq(entries.listId, listId), eq(entries.id, id)));
  return r ?? null;
}

export async function nextPosition(tx: TenantTx, listId: string): Promise<number> {
  const [r] = await tx
    .select({ n: sql<number>`coalesce(max(${entries.position}) + 1, 0)::int` })
    .from(entries)
    .where(eq(entries.listId, listId));
  return r?.n ?? 0;
}

export async function insertEntry(tx: TenantTx, row: typeof entries.$inferInsert): Promise<EntryRow> {
  const [r] = await tx.insert(entries).values(row).returning();
  return r!;
}

export async function updateEntry(
  tx: TenantTx,
  tenantId: string,
  id: string,
  patch: Partial<typeof entries.$inferInsert>,
) {
  const [r] = await tx
    .update(entries)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(entries.tenantId, tenantId), eq(entries.id, id)))
    .returning();
  return r ?? null;
}

export async function deleteEntry(tx: TenantTx, tenantId: string, id: string) {
  await tx.delete(entries).where(and(eq(entries.tenantId, tenantId), eq(entries.id, id)));
}
