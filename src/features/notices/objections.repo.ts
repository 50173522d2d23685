import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { lists } from '../../db/schema/region.js';
import { changeNotices, objections } from '../../db/schema/region-notices.js';

export type ObjectionRow = typeof objections.$inferSelect;

/** Where a page of the workspace inbox ended: created_at as PostgreSQL prints it (microseconds kept), and the id. */
export interface InboxCursor {
  createdAt: string;
  id: string;
}

/**
 * One page of the workspace's objections, newest first, each with its notice's list and
 * version. Keyset paging on (created_at, id): a page costs the same however deep it is, and a
 * new objection arriving meanwhile does not shift later pages.
 */
export async function selectObjectionsPage(
  tx: TenantTx,
  p: { status: ObjectionRow['status'] | null; after: InboxCursor | null; limit: number },
) {
  const rows = await tx
    .select({
      objection: objections,
      sortKey: sql<string>`${objections.createdAt}::text`,
      listId: changeNotices.listId,
      listTitle: lists.title,
      versionNumber: changeNotices.versionNumber,
      effectiveAt: changeNotices.effectiveAt,
    })
    .from(objections)
    .innerJoin(
      changeNotices,
      and(eq(changeNotices.tenantId, objections.tenantId), eq(changeNotices.id, objections.noticeId)),
    )
    .innerJoin(lists, and(eq(lists.tenantId, changeNotices.tenantId), eq(lists.id, changeNotices.listId)))
    .where(
      and(
        p.status ? eq(objections.status, p.status) : undefined,
        p.after
          ? sql`(${objections.createdAt}, ${objections.id}) < (${p.after.createdAt}::timestamptz, ${p.after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(objections.createdAt), desc(objections.id))
    .limit(p.limit + 1);
  const more = rows.length > p.limit;
  const page = more ? rows.slice(0, p.limit) : rows;
  const last = page.at(-1);
  return { rows: page, next: more && last ? { createdAt: last.sortKey, id: last.objection.id } : null };
}

export async function insertObjection(tx: TenantTx, row: typeof objections.$inferInsert) {
  await tx.insert(objections).values(row);
}

/** An objection, locked for its answer. */
export async function selectObjectionForUpdate(tx: TenantTx, id: string) {
  const [row] = await tx.select().from(objections).where(eq(objections.id, id)).for('update');
  return row ?? null;
}

export async function updateObjectionAnswer(
  tx: TenantTx,
  id: string,
  patch: { status: ObjectionRow['status']; answer: string; at: Date },
) {
  const [row] = await tx
    .update(objections)
    .set({ status: patch.status, answer: patch.answer, answeredAt: patch.at, updatedAt: patch.at })
    .where(eq(objections.id, id))
    .returning();
  return row!;
}

/** The objections of one notice, oldest first. */
export async function selectObjectionsOfNotice(tx: TenantTx, noticeId: string) {
  return tx
    .select()
    .from(objections)
    .where(eq(objections.noticeId, noticeId))
    .orderBy(asc(objections.createdAt), asc(objections.id));
}

/** Whether the recipient of a delivery has objected already (one objection per message). */
export async function objectionOfDeliveryExists(tx: TenantTx, deliveryId: string) {
  const [row] = await tx
    .select({ id: objections.id })
    .from(objections)
    .where(eq(objections.deliveryId, deliveryId));
  return Boolean(row);
}

export async function markAnswerMailed(tx: TenantTx, id: string, at: Date) {
  await tx.update(objections).set({ answerMailedAt: at }).where(eq(objections.id, id));
}
