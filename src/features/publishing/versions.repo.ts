import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { listVersions } from '../../db/schema/region-versions.js';
import { entities, entries, lists } from '../../db/schema/region.js';

export type VersionRow = typeof listVersions.$inferSelect;

/** There is no update or delete here, on purpose: versions are immutable (and the database agrees). */
export async function insertVersion(
  tx: TenantTx,
  row: typeof listVersions.$inferInsert,
): Promise<VersionRow> {
  const [r] = await tx.insert(listVersions).values(row).returning();
  return r!;
}

/**
 * Locks the list row: concurrent publishes of one list take turns, so numbers never collide.
 * NO KEY UPDATE, not UPDATE: an entry being added meanwhile checks its foreign key with a KEY
 * SHARE lock on this row, after taking the tenant's audit lock; FOR UPDATE would make it wait
 * for us while we wait for the audit lock, a deadlock (a 500 under load).
 */
export async function lockList(tx: TenantTx, listId: string) {
  const [r] = await tx.select().from(lists).where(eq(lists.id, listId)).for('no key update');
  return r ?? null;
}

/** The list row without a lock: for reading the draft (what publishing would freeze). */
export async function selectList(tx: TenantTx, listId: string) {
  const [r] = await tx.select().from(lists).where(eq(lists.id, listId));
  return r ?? null;
}

export async function selectListById(tx: TenantTx, listId: string) {
  const [r] = await tx.select({ id: lists.id }).from(lists).where(eq(lists.id, listId));
  return r ?? null;
}

export async function selectDraftRows(tx: TenantTx, listId: string) {
  return tx
    .select({ entry: entries, entity: entities })
    .from(entries)
    .innerJoin(entities, and(eq(entities.tenantId, entries.tenantId), eq(entities.id, entries.entityId)))
    .where(eq(entries.listId, listId))
    .orderBy(entries.position, entries.id);
}

export async function selectLatestVersion(tx: TenantTx, listId: string): Promise<VersionRow | null> {
  const [r] = await tx
    .select()
    .from(listVersions)
    .where(eq(listVersions.listId, listId))
    .orderBy(desc(listVersions.number))
    .limit(1);
  return r ?? null;
}

/** The latest version number only: the cheap check a cached public page makes. */
export async function selectLatestNumber(tx: TenantTx, listId: string): Promise<number> {
  const [r] = await tx
    .select({ n: sql<number>`coalesce(max(${listVersions.number}), 0)::int` })
    .from(listVersions)
    .where(eq(listVersions.listId, listId));
  return r?.n ?? 0;
}

export async function selectVersion(
  tx: TenantTx,
  listId: string,
  number: number,
): Promise<VersionRow | null> {
  const [r] = await tx
    .select()
    .from(listVersions)
    .where(and(eq(listVersions.listId, listId), eq(listVersions.number, number)));
  return r ?? null;
}

/** Every version of a list, newest first (summaries and change sets; snapshots are large). */
export async function selectVersionHistory(tx: TenantTx, listId: string, limit = 1000, offset = 0) {
  return tx
    .select({
      number: listVersions.number,
      publishedAt: listVersions.publishedAt,
      effectiveAt: listVersions.effectiveAt,
      authorType: listVersions.authorType,
      authorId: listVersions.authorId,
      authorDisplay: listVersions.authorDisplay,
      summary: listVersions.summary,
      changes: listVersions.changes,
      total: sql<number>`count(*) over ()::int`,
    })
    .from(listVersions)
    .where(eq(listVersions.listId, listId))
    .orderBy(desc(listVersions.number))
    .limit(limit)
    .offset(offset);
}

export async function selectVersionBefore(tx: TenantTx, listId: string, number: number) {
  const [r] = await tx
    .select()
    .from(listVersions)
    .where(and(eq(listVersions.listId, listId), lt(listVersions.number, number)))
    .orderBy(desc(listVersions.number))
    .limit(1);
  return r ?? null;
}
