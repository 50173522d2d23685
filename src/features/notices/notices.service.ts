import { pageFrom } from '../../platform/paging.js';
import type { TenantTx } from '../../db/databases.js';
import type { AppDeps } from '../../app/deps.js';
import { type TenantContext, auditActor, nowOf } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import type { ChangeSet } from '../../domain/public-view.js';
import * as repo from './notices.repo.js';

/** The host part of Message-IDs: the public site's, so they are recognisably this service's. */
export function messageDomain(deps: AppDeps): string {
  try {
    return new URL(deps.config.publicBaseUrl).hostname || 'subreg.invalid';
  } catch {
    return 'subreg.invalid';
  }
}

/** A change notice is owed when entries were added, removed or changed (not for wording of the document). */
export const announcesChange = (c: ChangeSet) => c.added.length + c.removed.length + c.changed.length > 0;

/**
 * In the publish's transaction: the notice, marked as still to fan out (its `fanned_out_at`
 * is null). It commits with the version or not at all; the publish sends nothing and makes no
 * row per subscriber (its time does not grow with them). The notice worker, kicked after the
 * commit and swept every minute, makes the delivery rows in chunks (recipients as confirmed at
 * publication: `fanoutStep`) and sends them; a process that dies after the commit leaves the
 * mark, and the next run resumes at its cursor.
 */
export async function createNotice(
  _deps: AppDeps,
  tx: TenantTx,
  ctx: TenantContext,
  v: {
    listId: string;
    number: number;
    baseVersion: number;
    publishedAt: Date;
    effectiveAt: Date;
    emergencyReason: string | null;
    counts: { added: number; removed: number; changed: number };
  },
) {
  const notice = await repo.insertNotice(tx, {
    tenantId: ctx.tenant.id,
    id: newId(),
    listId: v.listId,
    versionNumber: v.number,
    baseVersion: v.baseVersion,
    publishedAt: v.publishedAt,
    effectiveAt: v.effectiveAt,
    emergencyReason: v.emergencyReason,
    status: 'scheduled',
    counts: v.counts,
    fanoutAfter: null,
    fannedOutAt: null,
  });
  await appendAuditEvent(tx, {
    ...auditActor(ctx),
    action: 'notice.created',
    objectType: 'change_notice',
    objectId: notice.id,
    after: {
      listId: v.listId,
      version: v.number,
      effectiveAt: v.effectiveAt,
      emergencyReason: v.emergencyReason,
      recipients: 'confirmed subscribers at publication (fanned out by the notice worker)',
    },
  });
  return { notice };
}

/**
 * Withdraws a notice before it takes effect: messages not yet tried are dropped, everyone who
 * may have received it is told. The version it announced never takes effect.
 */
export async function withdrawNoticeInTx(
  deps: AppDeps,
  tx: TenantTx,
  ctx: TenantContext,
  notice: repo.NoticeRow,
  reason: string,
) {
  const now = nowOf(deps);
  if (notice.status === 'withdrawn')
    throw new AppError(409, 'NOTICE_WITHDRAWN', 'This notice is already withdrawn.');
  if (notice.effectiveAt <= now)
    throw new AppError(
      409,
      'NOTICE_IN_EFFECT',
      `This change took effect on ${notice.effectiveAt.toISOString()}; it can no longer be withdrawn. Publish a new version to change the list again.`,
    );
  // A fan-out still under way stops here: the row is locked (FOR UPDATE by the callers), so a
  // worker's step either committed before (its rows are dropped below) or finds it withdrawn.
  await repo.markWithdrawn(tx, notice.id, now, reason);
  await repo.dropUntriedNotices(tx, notice.id);
  const told = await repo.queueWithdrawals(tx, {
    tenantId: ctx.tenant.id,
    noticeId: notice.id,
    domain: messageDomain(deps),
    now,
  });
  await appendAuditEvent(tx, {
    ...auditActor(ctx),
    action: 'notice.withdrawn',
    objectType: 'change_notice',
    objectId: notice.id,
    after: { reason, recipients: told },
  });
  return told;
}

export async function withdrawNotice(deps: AppDeps, ctx: TenantContext, noticeId: string, reason: string) {
  const told = await deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const notice = await repo.selectNotice(tx, noticeId, true);
    if (!notice) throw notFound('notice', 'NOTICE_NOT_FOUND');
    return withdrawNoticeInTx(deps, tx, ctx, notice, reason);
  });
  deps.noticeKick?.(ctx.tenant);
  return getNotice(deps, ctx, noticeId).then((n) => ({ ...n, withdrawalRecipients: told }));
}

export interface NoticeView {
  id: string;
  listId: string;
  version: number;
  baseVersion: number;
  publishedAt: string;
  effectiveAt: string;
  emergencyReason: string | null;
  status: 'scheduled' | 'withdrawn' | 'effective';
  withdrawnAt: string | null;
  withdrawnReason: string | null;
  counts: { added: number; removed: number; changed: number };
  /** `pending`: the worker is still making its recipients' delivery rows (counts still grow) */
  fanout: 'pending' | 'done';
  deliveries: { recipients: number; sent: number; failed: number };
}

export function toNoticeView(
  n: repo.NoticeRow,
  d: { recipients: number; sent: number; failed: number },
  now: Date,
): NoticeView {
  return {
    id: n.id,
    listId: n.listId,
    version: n.versionNumber,
    baseVersion: n.baseVersion,
    publishedAt: n.publishedAt.toISOString(),
    effectiveAt: n.effectiveAt.toISOString(),
    emergencyReason: n.emergencyReason,
    status: n.status === 'withdrawn' ? 'withdrawn' : n.effectiveAt <= now ? 'effective' : 'scheduled',
    withdrawnAt: n.withdrawnAt?.toISOString() ?? null,
    withdrawnReason: n.withdrawnReason,
    counts: n.counts,
    fanout: n.fannedOutAt ? 'done' : 'pending',
    deliveries: d,
  };
}

export async function listNotices(
  deps: AppDeps,
  ctx: TenantContext,
  listId: string | undefined,
  page: { limit: number; offset: number },
) {
  const now = nowOf(deps);
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const rows = await repo.selectNotices(tx, listId, page.limit, page.offset);
    return pageFrom(rows, (r) => toNoticeView(r.n, r, now), page);
  });
}

export async function getNotice(deps: AppDeps, ctx: TenantContext, id: string) {
  const all = await deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const n = await repo.selectNotice(tx, id);
    if (!n) return null;
    const rows = await repo.selectNotices(tx, n.listId, 10_000, 0);
    return rows.find((r) => r.n.id === id) ?? null;
  });
  if (!all) throw notFound('notice', 'NOTICE_NOT_FOUND');
  return toNoticeView(all.n, all, nowOf(deps));
}

export interface DeliveryView {
  id: string;
  noticeId: string;
  kind: 'notice' | 'withdrawal' | 'in_effect';
  email: string;
  status: 'queued' | 'sending' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  sentAt: string | null;
  messageId: string;
}

export const toDeliveryView = (d: repo.DeliveryRow): DeliveryView => ({
  id: d.id,
  noticeId: d.noticeId,
  kind: d.kind,
  email: d.email,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: d.status === 'queued' ? d.nextAttemptAt.toISOString() : null,
  lastError: d.lastError,
  sentAt: d.sentAt?.toISOString() ?? null,
  messageId: d.messageId,
});

export async function listDeliveries(
  deps: AppDeps,
  ctx: TenantContext,
  f: { noticeId?: string | undefined; failed?: boolean | undefined },
  page: { limit: number; offset: number },
) {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const rows = await repo.selectDeliveries(tx, f, page.limit, page.offset);
    return pageFrom(
      rows.map((r) => ({ ...r.d, total: r.total })),
      toDeliveryView,
      page,
    );
  });
}

/** The notice that announced a version, if any (publishing asks when a pending version is replaced). */
export function noticeOfVersion(tx: TenantTx, listId: string, versionNumber: number) {
  return repo.selectNoticeOfVersion(tx, listId, versionNumber);
}

/** A notice in another feature's transaction (customers ask for approvals of it), or null. */
export async function noticeInTx(tx: TenantTx, id: string) {
  const n = await repo.selectNotice(tx, id);
  return n
    ? { id: n.id, listId: n.listId, version: n.versionNumber, effectiveAt: n.effectiveAt, status: n.status }
    : null;
}
