import { and, desc, eq, sql } from 'drizzle-orm';
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
