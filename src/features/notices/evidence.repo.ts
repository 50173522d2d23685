import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { lists } from '../../db/schema/region.js';
import {
  deliveryAttempts,
  noticeDeliveries,
  objections,
  subscribers,
} from '../../db/schema/region-notices.js';

/** The list a notice belongs to (its title and slug, for the evidence's heading). */
export async function selectListOfNotice(tx: TenantTx, listId: string) {
  const [r] = await tx
    .select({ slug: lists.slug, title: lists.title })
    .from(lists)
    .where(eq(lists.id, listId));
  return r ?? null;
}

/**
 * Every message of a notice (the notice and, if withdrawn, the withdrawal) with the subscriber
 * it went to as that row is now (null when the subscriber was removed since), by address.
 */
export async function selectDeliveriesWithSubscribers(tx: TenantTx, noticeId: string) {
  return tx
    .select({
      d: noticeDeliveries,
      organisation: subscribers.organisation,
      addedBy: subscribers.addedBy,
      subscriberCreatedAt: subscribers.createdAt,
      confirmedAt: subscribers.confirmedAt,
    })
    .from(noticeDeliveries)
    .leftJoin(
      subscribers,
      sql`${subscribers.tenantId} = ${noticeDeliveries.tenantId} and ${subscribers.id} = ${noticeDeliveries.subscriberId}`,
    )
    .where(eq(noticeDeliveries.noticeId, noticeId))
    .orderBy(asc(noticeDeliveries.email), asc(noticeDeliveries.kind));
}

/** The attempts at these messages, oldest first (batched: a notice may have 100,000 messages). */
export async function selectAttemptsOfDeliveries(tx: TenantTx, deliveryIds: string[]) {
  const out: (typeof deliveryAttempts.$inferSelect)[] = [];
  for (let i = 0; i < deliveryIds.length; i += 5000) {
    const ids = deliveryIds.slice(i, i + 5000);
    out.push(
      ...(await tx
        .select()
        .from(deliveryAttempts)
        .where(inArray(deliveryAttempts.deliveryId, ids))
        .orderBy(asc(deliveryAttempts.at), asc(deliveryAttempts.id))),
    );
  }
  return out;
}

export async function selectObjectionsOfNotice(tx: TenantTx, noticeId: string) {
  return tx
    .select()
    .from(objections)
    .where(eq(objections.noticeId, noticeId))
    .orderBy(asc(objections.createdAt), asc(objections.id));
}
