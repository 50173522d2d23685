import type { AppDeps } from '../../app/deps.js';
import { type TenantContext, auditActor, nowOf } from '../../platform/context.js';
import { conflict, notFound } from '../../platform/errors.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import * as resendRepo from './deliveries-resend.repo.js';
import * as repo from './notices.repo.js';
import { type DeliveryView, toDeliveryView } from './notices.service.js';

type Candidate = Awaited<ReturnType<typeof resendRepo.selectForResend>>[number];

/**
 * Why a delivery may not be re-sent, or null. Only a failed message (the worker gave up on it)
 * goes again: a queued or sending one is still being tried, a sent one arrived. A withdrawn
 * notice is not sent again (its withdrawal message is), and nobody gets mail after saying stop.
 */
function refusal(c: Candidate, notice: repo.NoticeRow): string | null {
  const { d } = c;
  if (d.status !== 'failed')
    return d.status === 'sent'
      ? `The message to ${d.email} was delivered (${d.sentAt?.toISOString()}); only failed messages are re-sent.`
      : `The message to ${d.email} is ${d.status}, not failed: subreg is still trying it (or skipped it); only failed messages are re-sent.`;
  if (d.kind === 'notice' && notice.status === 'withdrawn')
    return `This notice was withdrawn (${notice.withdrawnAt?.toISOString()}); it is not sent again.`;
  if (c.subscriberStatus !== 'confirmed')
    return `${d.email} is no longer subscribed (${c.subscriberStatus ?? 'removed'}); the message is not sent again.`;
  return null;
}

async function lockedNotice(tx: Parameters<typeof repo.selectNotice>[0], noticeId: string) {
  const notice = await repo.selectNotice(tx, noticeId, true);
  if (!notice) throw notFound('notice', 'NOTICE_NOT_FOUND');
  return notice;
}

/** Queues one failed message of a notice again, due now (owners; audited), and wakes the worker. */
export async function resendDelivery(
  deps: AppDeps,
  ctx: TenantContext,
  noticeId: string,
  deliveryId: string,
): Promise<DeliveryView> {
  const view = await deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const notice = await lockedNotice(tx, noticeId);
    const [c] = await resendRepo.selectForResend(tx, noticeId, deliveryId);
    if (!c) throw notFound('delivery', 'DELIVERY_NOT_FOUND');
    const why = refusal(c, notice);
    if (why) throw conflict('DELIVERY_NOT_RESENDABLE', why);
    const [row] = await resendRepo.requeue(tx, [c.d.id], nowOf(deps));
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'notice.delivery_resent',
      objectType: 'notice_delivery',
      objectId: c.d.id,
      before: { status: c.d.status, attempts: c.d.attempts, lastError: c.d.lastError },
      after: { status: 'queued', noticeId, kind: c.d.kind, email: c.d.email, messageId: c.d.messageId },
    });
    return toDeliveryView(row!);
  });
  deps.noticeKick?.(ctx.tenant);
  return view;
}

/**
 * Queues every failed message of a notice again (those that may go: see `refusal`); answers
 * how many went back to the queue and how many stay failed, with why.
 */
export async function resendFailedOfNotice(deps: AppDeps, ctx: TenantContext, noticeId: string) {
  const result = await deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const notice = await lockedNotice(tx, noticeId);
    const candidates = await resendRepo.selectForResend(tx, noticeId);
    const kept = candidates.flatMap((c) => {
      const why = refusal(c, notice);
      return why ? [{ deliveryId: c.d.id, email: c.d.email, reason: why }] : [];
    });
    const ids = candidates.filter((c) => !refusal(c, notice)).map((c) => c.d.id);
    const rows = await resendRepo.requeue(tx, ids, nowOf(deps));
    if (rows.length > 0)
      await appendAuditEvent(tx, {
        ...auditActor(ctx),
        action: 'notice.deliveries_resent',
        objectType: 'change_notice',
        objectId: noticeId,
        after: { deliveries: rows.map((r) => ({ id: r.id, email: r.email, attempts: r.attempts })) },
      });
    return { resent: rows.length, notResent: kept };
  });
  if (result.resent > 0) deps.noticeKick?.(ctx.tenant);
  return result;
}
