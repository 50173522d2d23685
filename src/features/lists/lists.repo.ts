import { and, asc, eq, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { lists } from '../../db/schema/region.js';

export type ListRow = typeof lists.$inferSelect;

// Written out: inside a subquery drizzle would leave the outer columns unqualified.
const entryCount = sql<number>`(select count(*)::int from entries e where e.tenant_id = lists.tenant_id and e.list_id = lists.id)`;

export async function selectLists(tx: TenantTx, limit: number, offset: number) {
  const rows = await tx
    .select({ list: lists, entryCount, total: sql<number>`count(*) over ()::int` })
    .from(lists)
    .orderBy(asc(lists.slug))
    .limit(limit)
    .offset(offset);
  return { rows, total: rows[0]?.total ?? (offset === 0 ? 0 : await countLists(tx)) };
}

async function countLists(tx: TenantTx): Promise<number> {
  const [r] = await tx.select({ n: sql<number>`count(*)::int` }).from(lists);
  return r?.n ?? 0;
}

export async function selectList(tx: TenantTx, id: string) {
  const [row] = await tx.select({ list: lists, entryCount }).from(lists).where(eq(lists.id, id));
  return row ?? null;
}

export async function selectListBySlug(tx: TenantTx, slug: string) {
  const [row] = await tx.select({ list: lists, entryCount }).from(lists).where(eq(lists.slug, slug));
  return row ?? null;
}

export async function selectListIdBySlug(tx: TenantTx, slug: string): Promise<string | null> {
  const [row] = await tx.select({ id: lists.id }).from(lists).where(eq(lists.slug, slug));
  return row?.id ?? null;
}

export async function insertList(tx: TenantTx, row: typeof lists.$inferInsert): Promise<ListRow> {
  const [r] = await tx.insert(lists).values(row).returning();
  return r!;
}

export async function updateList(
  tx: TenantTx,
  tenantId: string,
  id: string,
  patch: Partial<typeof lists.$inferInsert>,
) {
  const [r] = await tx
    .update(lists)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(lists.tenantId, tenantId), eq(lists.id, id)))
    .returning();
  return r ?? null;
}

export async function deleteList(tx: TenantTx, tenantId: string, id: string): Promise<boolean> {
  const r = await tx
    .delete(lists)
    .where(and(eq(lists.tenantId, tenantId), eq(lists.id, id)))
    .returning({ id: lists.id });
  return r.length > 0;
}

/** The workspace's public lists, by title: what a subscriber may choose to follow. */
export async function selectPublicListChoices(tx: TenantTx) {
  return tx
    .select({ id: lists.id, slug: lists.slug, title: lists.title })
    .from(lists)
    .where(eq(lists.visibility, 'public'))
    .orderBy(asc(lists.title));
}

/** A list's slug and title only. */
export async function selectListName(tx: TenantTx, id: string) {
  const [row] = await tx.select({ slug: lists.slug, title: lists.title }).from(lists).where(eq(lists.id, id));
  return row ?? null;
}
