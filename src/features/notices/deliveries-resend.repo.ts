import { and, eq, inArray } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { noticeDeliveries, subscribers } from '../../db/schema/region-notices.js';

/** A notice's deliveries (one, or all of them), locked, with their subscriber's status now. */
export async function selectForResend(tx: TenantTx, noticeId: string, deliveryId?: string) {
  return tx
    .select({ d: noticeDeliveries, subscriberStatus: subscribers.status })
    .from(noticeDeliveries)
    .leftJoin(
      subscribers,
      and(
        eq(subscribers.tenantId, noticeDeliveries.tenantId),
        eq(subscribers.id, noticeDeliveries.subscriberId),
      ),
    )
    .where(
      and(
        eq(noticeDeliveries.noticeId, noticeId),
        deliveryId ? eq(noticeDeliveries.id, deliveryId) : eq(noticeDeliveries.status, 'failed'),
      ),
    )
    .orderBy(noticeDeliveries.email)
    .for('update', { of: noticeDeliveries });
}

/**
 * Back to the queue, due now: the worker claims them as any other. Attempts are kept (the
 * record of what was tried) and so is the Message-ID (fixed per notice and recipient), so a
 * recipient's mail system recognises a repeat.
 */
export async function requeue(tx: TenantTx, ids: string[], now: Date) {
  if (ids.length === 0) return [];
  return tx
    .update(noticeDeliveries)
    .set({ status: 'queued', nextAttemptAt: now, leaseUntil: null })
    .where(and(inArray(noticeDeliveries.id, ids), eq(noticeDeliveries.status, 'failed')))
    .returning();
}
