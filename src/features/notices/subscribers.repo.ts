import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { subscribers } from '../../db/schema/region-notices.js';

export type SubscriberRow = typeof subscribers.$inferSelect;

export async function findByAddress(tx: TenantTx, listId: string | null, email: string) {
  const [r] = await tx
    .select()
    .from(subscribers)
    .where(
      and(eq(subscribers.email, email), listId ? eq(subscribers.listId, listId) : isNull(subscribers.listId)),
    )
    .for('update');
  return r ?? null;
}

export async function findById(tx: TenantTx, id: string, lock = false) {
  const q = tx.select().from(subscribers).where(eq(subscribers.id, id));
  const [r] = lock ? await q.for('update') : await q;
  return r ?? null;
}

export async function insertSubscriber(tx: TenantTx, row: typeof subscribers.$inferInsert) {
  const [r] = await tx.insert(subscribers).values(row).returning();
  return r!;
}

export async function updateSubscriber(
  tx: TenantTx,
  id: string,
  set: Partial<typeof subscribers.$inferInsert>,
) {
  const [r] = await tx
    .update(subscribers)
    .set({ ...set, updatedAt: new Date() })
    .where(eq(subscribers.id, id))
    .returning();
  return r ?? null;
}

export async function deleteSubscriber(tx: TenantTx, id: string) {
  const r = await tx.delete(subscribers).where(eq(subscribers.id, id)).returning({ id: subscribers.id });
  return r.length > 0;
}

export interface SubscriberFilter {
  listId?: string | undefined;
  status?: SubscriberRow['status'] | undefined;
}

export async function selectSubscribers(tx: TenantTx, f: SubscriberFilter, limit: number, offset: number) {
  return tx
    .select({ s: subscribers, total: sql<number>`count(*) over ()::int` })
    .from(subscribers)
    .where(
      and(
        f.listId ? eq(subscribers.listId, f.listId) : undefined,
        f.status ? eq(subscribers.status, f.status) : undefined,
      ),
    )
    .orderBy(asc(subscribers.email), asc(subscribers.id))
    .limit(limit)
    .offset(offset);
}

/**
 * Who is told of a change to this list: its confirmed subscribers and the whole tenant's, one
 * row per address (an address subscribed both ways gets one message).
 */
export async function selectConfirmedFor(tx: TenantTx, listId: string) {
  return tx
    .selectDistinctOn([subscribers.email], { id: subscribers.id, email: subscribers.email })
    .from(subscribers)
    .where(
      and(
        eq(subscribers.status, 'confirmed'),
        or(eq(subscribers.listId, listId), isNull(subscribers.listId)),
      ),
    )
    .orderBy(subscribers.email, sql`${subscribers.listId} nulls last`);
}
