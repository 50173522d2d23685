import type { TenantTx } from '../../db/databases.js';
import type { AppDeps } from '../../app/deps.js';
import { type TenantContext, auditActor, mailerOf, nowOf } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/errors.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import { signLink, verifyLink } from '../notices/links.js';
import { messageDomain, noticeInTx } from '../notices/notices.service.js';
import { baseUrlOf, linkInvalid, tenantDisplayName, unsubscribeUrl } from '../notices/subscribers.service.js';
import type { TenantRecord } from '../../platform/context.js';
import { approvalRequestMail } from './approval-mail.js';
import * as repo from './customers.repo.js';

export type ApprovalStatus = 'requested' | 'approved' | 'refused';

/** A request's mail is tried this many times before it is left `failed` for staff to see. */
const MAX_MAIL_ATTEMPTS = 5;

/**
 * In the publish's transaction: one approval request per customer under specific
 * authorisation that the list concerns. Their mail is sent after the commit
 * (`sendApprovalRequests`); returns how many requests were made.
 */
export async function requestApprovals(
  tx: TenantTx,
  ctx: TenantContext,
  notice: { id: string; listId: string; publishedAt: Date; effectiveAt: Date },
): Promise<number> {
  const rows = await repo.insertApprovalsForList(tx, {
    tenantId: ctx.tenant.id,
    noticeId: notice.id,
    listId: notice.listId,
    effectiveAt: notice.effectiveAt,
    requestedAt: notice.publishedAt,
  });
  // One event for all of them: a publish stays one short transaction however many customers.
  if (rows.length > 0)
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'approval.requested',
      objectType: 'change_notice',
      objectId: notice.id,
      after: {
        approvals: rows.map((r) => ({ id: r.id, customerId: r.customerId, organisation: r.organisation })),
      },
    });
  return rows.length;
}

export interface ApprovalView {
  id: string;
  noticeId: string;
  customerId: string;
  organisation: string;
  status: ApprovalStatus;
  /** the change applies to this customer: approved, and its date has come */
  inEffectForCustomer: boolean;
  effectiveAt: string;
  requestedAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  reason: string | null;
  mail: { status: 'queued' | 'sent' | 'failed'; contacts: number; error: string | null };
}

const toView = (a: repo.ApprovalRow, now: Date): ApprovalView => ({
  id: a.id,
  noticeId: a.noticeId,
  customerId: a.customerId,
  organisation: a.organisation,
  status: a.status,
  inEffectForCustomer: a.status === 'approved' && a.effectiveAt <= now,
  effectiveAt: a.effectiveAt.toISOString(),
  requestedAt: a.requestedAt.toISOString(),
  decidedAt: a.decidedAt?.toISOString() ?? null,
  decidedBy: a.decidedBy,
  reason: a.reason,
  mail: { status: a.mailStatus, contacts: a.mailedTo.length, error: a.mailError },
});

/** The approvals asked for a notice, by customer, with their status. */
export async function listApprovals(deps: AppDeps, ctx: TenantContext, noticeId: string) {
  const now = nowOf(deps);
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    if (!(await noticeInTx(tx, noticeId))) throw notFound('notice', 'NOTICE_NOT_FOUND');
    return { items: (await repo.selectApprovalsOfNotice(tx, noticeId)).map((a) => toView(a, now)) };
  });
}

// --- the personal link ------------------------------------------------------------------------

/** The token names the request (id) and the contact (nonce: the subscriber id without dashes). */
const contactIdOf = (nonce: string) =>
  /^[0-9a-f]{32}$/.test(nonce)
    ? `${nonce.slice(0, 8)}-${nonce.slice(8, 12)}-${nonce.slice(12, 16)}-${nonce.slice(16, 20)}-${nonce.slice(20)}`
    : null;

export function decideUrl(
  deps: AppDeps,
  tenant: { id: string; slug: string },
  approvalId: string,
  contactId: string,
) {
  const token = signLink(deps, tenant.id, {
    kind: 'approve',
    id: approvalId,
    exp: 0,
    nonce: contactId.replace(/-/g, ''),
  });
  return `${baseUrlOf(deps)}/t/${tenant.slug}/approvals/decide?token=${token}`;
}

/** What the decision form shows, or why it cannot be used (forged, decided, withdrawn, too late). */
export async function approvalTarget(deps: AppDeps, tenant: TenantRecord, token: string) {
  const claims = verifyLink(deps, tenant.id, 'approve', token);
  const contactId = claims ? contactIdOf(claims.nonce) : null;
  if (!claims || !contactId) throw linkInvalid();
  const now = nowOf(deps);
  return deps.dbs.withTenant(tenant, async (tx) => {
    const a = await repo.selectApproval(tx, claims.id);
    const contact = await repo.selectSubscriber(tx, contactId);
    const notice = a ? await noticeInTx(tx, a.noticeId) : null;
    if (!a || !notice) throw linkInvalid();
    if (!contact || contact.customerId !== a.customerId)
      throw new AppError(
        403,
        'NOT_A_CONTACT',
        `This link was sent to a contact of ${a.organisation} who is no longer one; ask ${a.organisation} to decide through a current contact.`,
      );
    if (a.status !== 'requested')
      throw new AppError(
        409,
        'APPROVAL_DECIDED',
        `${a.organisation} already ${a.status} this change (${a.decidedAt?.toISOString().slice(0, 10)}, by ${a.decidedBy}); a decision is recorded once.`,
      );
    if (notice.status === 'withdrawn')
      throw new AppError(
        410,
        'NOTICE_WITHDRAWN',
        'This change was withdrawn: it will not take effect, so there is nothing to approve.',
      );
    if (a.effectiveAt <= now)
      throw new AppError(
        410,
        'APPROVAL_PERIOD_OVER',
        `This change was due on ${a.effectiveAt.toISOString().slice(0, 10)}; decisions had to arrive before that date and this link is closed. Until ${a.organisation} approves, the change does not apply to it: contact the provider directly.`,
      );
    const list = await repo.selectList(tx, notice.listId);
    return {
      approval: a,
      contact,
      version: notice.version,
      listTitle: list?.title ?? '',
      listSlug: list?.slug ?? '',
      tenantName: await tenantDisplayName(tx, tenant),
    };
  });
}

/** A contact's decision from the personal link, before the effective date; recorded once. */
export async function decideApproval(
  deps: AppDeps,
  tenant: TenantRecord,
  token: string,
  input: { decision: 'approve' | 'refuse'; reason: string | null },
) {
  if (input.decision === 'refuse' && !input.reason)
    throw new AppError(400, 'APPROVAL_INVALID', 'reason must say why you refuse the change.');
  const target = await approvalTarget(deps, tenant, token);
  const now = nowOf(deps);
  return deps.dbs.withTenant(tenant, async (tx) => {
    const a = await repo.selectApproval(tx, target.approval.id, true);
    // Decided by another contact between the form and the lock: the first decision stands.
    if (a?.status !== 'requested')
      throw new AppError(
        409,
        'APPROVAL_DECIDED',
        'A decision on this change is already recorded; it is recorded once.',
      );
    const status = input.decision === 'approve' ? ('approved' as const) : ('refused' as const);
    const after = (await repo.updateApproval(tx, a.id, {
      status,
      decidedAt: now,
      decidedBy: target.contact.email,
      reason: input.reason,
    }))!;
    await appendAuditEvent(tx, {
      tenantId: tenant.id,
      actorType: 'system',
      actorId: `subscriber:${target.contact.id}`,
      requestId: null,
      action: `approval.${status}`,
      objectType: 'change_approval',
      objectId: a.id,
      before: { status: a.status },
      after: { status, decidedBy: target.contact.email, reason: input.reason, customerId: a.customerId },
    });
    return { ...target, approval: after };
  });
}

/**
 * Staff record a customer's decision received another way (a letter, a call), on its behalf:
 * the same rules as the personal link (before the effective date, once), the staff member and
 * who spoke for the customer recorded.
 */
export async function recordDecision(
  deps: AppDeps,
  ctx: TenantContext,
  approvalId: string,
  input: { decision: 'approve' | 'refuse'; reason: string | null; onBehalfOf: string },
) {
  if (input.decision === 'refuse' && !input.reason)
    throw new AppError(400, 'APPROVAL_INVALID', 'reason must say why the customer refuses the change.');
  const now = nowOf(deps);
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const a = await repo.selectApproval(tx, approvalId, true);
    if (!a) throw notFound('approval', 'APPROVAL_NOT_FOUND');
    const notice = await noticeInTx(tx, a.noticeId);
    if (a.status !== 'requested')
      throw new AppError(
        409,
        'APPROVAL_DECIDED',
        `${a.organisation} already ${a.status} this change (by ${a.decidedBy}); a decision is recorded once.`,
      );
    if (notice?.status === 'withdrawn')
      throw new AppError(409, 'NOTICE_WITHDRAWN', 'This change was withdrawn: there is nothing to approve.');
    if (a.effectiveAt <= now)
      throw new AppError(
        409,
        'APPROVAL_PERIOD_OVER',
        `This change was due on ${a.effectiveAt.toISOString().slice(0, 10)}; decisions had to be recorded before that date.`,
      );
    const status = input.decision === 'approve' ? ('approved' as const) : ('refused' as const);
    const after = (await repo.updateApproval(tx, a.id, {
      status,
      decidedAt: now,
      decidedBy: `${input.onBehalfOf} (recorded by staff)`,
      reason: input.reason,
    }))!;
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: `approval.${status}`,
      objectType: 'change_approval',
      objectId: a.id,
      before: { status: a.status },
      after: { status, onBehalfOf: input.onBehalfOf, reason: input.reason, customerId: a.customerId },
    });
    return toView(after, now);
  });
}

// --- the request mails --------------------------------------------------------------------------

/**
 * Sends the approval requests still owed (after a publish commits, and on a sweep): each
 * confirmed contact of the customer gets one message. No transaction is held across a send;
 * a contact is recorded as mailed right after its message is accepted, so a retry sends only
 * to the others.
 */
export async function sendApprovalRequests(deps: AppDeps, tenant: TenantRecord) {
  const result = { sent: 0, failed: 0 };
  const ids = await deps.dbs.withTenant(tenant, (tx) => repo.selectQueuedMailIds(tx, 500));
  for (const id of ids) {
    const job = await deps.dbs.withTenant(tenant, async (tx) => {
      const a = await repo.selectApproval(tx, id, true);
      if (a?.mailStatus !== 'queued') return null;
      const notice = await noticeInTx(tx, a.noticeId);
      const list = notice ? await repo.selectList(tx, notice.listId) : null;
      if (!notice || !list || notice.status === 'withdrawn') {
        await repo.updateApproval(tx, id, { mailStatus: 'failed', mailError: 'The notice was withdrawn.' });
        return null;
      }
      const contacts = (await repo.selectConfirmedContacts(tx, a.customerId)).filter(
        (c) => !a.mailedTo.includes(c.id),
      );
      return { a, notice, list, contacts, tenantName: await tenantDisplayName(tx, tenant) };
    });
    if (!job) continue;
    const errors: string[] = [];
    for (const c of job.contacts) {
      try {
        await mailerOf(deps).send({
          // the workspace it is sent for: the outbox marks it (X-Subreg-Tenant), as notice mails
          tenantId: tenant.id,
          ...approvalRequestMail({
            to: c.email,
            messageId: `<approval.${job.a.id}.${c.id}@${messageDomain(deps)}>`,
            tenantName: job.tenantName,
            organisation: job.a.organisation,
            listTitle: job.list.title,
            versionNumber: job.notice.version,
            effectiveAt: job.a.effectiveAt,
            diffUrl: `${baseUrlOf(deps)}/t/${tenant.slug}/${job.list.slug}/versions/${job.notice.version}`,
            decideUrl: decideUrl(deps, tenant, job.a.id, c.id),
            unsubscribeUrl: unsubscribeUrl(deps, tenant, c.id),
          }),
        });
        await deps.dbs.withTenant(tenant, (tx) => repo.addMailedTo(tx, id, c.id));
        result.sent++;
      } catch (err) {
        // The SMTP server's own words (the mailer wraps them for people), as the notice worker records them.
        const cause = (err as { cause?: { response?: string; message?: string } }).cause;
        errors.push(
          `${c.email}: ${cause?.response ?? cause?.message ?? (err as Error).message}`.slice(0, 300),
        );
        result.failed++;
      }
    }
    await deps.dbs.withTenant(tenant, async (tx) => {
      const attempts = job.a.mailAttempts + 1;
      const everyone = job.a.mailedTo.length + job.contacts.length - errors.length;
      if (errors.length === 0 && everyone === 0)
        await repo.updateApproval(tx, id, {
          mailStatus: 'failed',
          mailAttempts: attempts,
          mailError: `${job.a.organisation} has no confirmed contact to ask: link one (customers API) and ask again by publishing, or record the decision with the customer directly.`,
        });
      else if (errors.length === 0)
        await repo.updateApproval(tx, id, {
          mailStatus: 'sent',
          mailAttempts: attempts,
          mailedAt: nowOf(deps),
          mailError: null,
        });
      else
        await repo.updateApproval(tx, id, {
          mailStatus: attempts >= MAX_MAIL_ATTEMPTS ? 'failed' : 'queued',
          mailAttempts: attempts,
          mailError: errors.join('; ').slice(0, 1000),
        });
    });
  }
  return result;
}
