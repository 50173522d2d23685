import type { AppDeps } from '../../app/deps.js';
import { type TenantContext, auditActor, nowOf } from '../../platform/context.js';
import { notFound } from '../../platform/errors.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import { diffSnapshots } from '../publishing/diff-snapshots.js';
import type { ChangeSet } from '../../domain/public-view.js';
import { findVersionInTx } from '../publishing/versions.service.js';
import { type VersionWebhookCall, versionWebhookCallsInTx } from '../webhooks/webhooks.service.js';
import * as repo from './evidence.repo.js';
import { selectNotice } from './notices.repo.js';
import { tenantDisplayName } from './subscribers.service.js';

export type EvidenceFormat = 'csv' | 'pdf';

export interface EvidenceAttempt {
  at: string;
  result: 'sent' | 'failed';
  smtpResponse: string | null;
}

export interface EvidenceRecipient {
  email: string;
  organisation: string | null;
  /** how the address came to be told */
  howAdded: 'confirmed opt-in' | 'added by staff' | 'subscriber removed since';
  /** the opt-in's confirmation, or when staff added the address */
  addedAt: string | null;
  /** the notice itself, or the message saying it was withdrawn */
  kind: 'notice' | 'withdrawal' | 'in_effect';
  messageId: string;
  finalStatus: 'queued' | 'sending' | 'sent' | 'failed' | 'skipped';
  sentAt: string | null;
  /** why it was not sent, or the last failure */
  lastError: string | null;
  attempts: EvidenceAttempt[];
}

export interface EvidenceObjection {
  receivedAt: string;
  email: string;
  organisation: string | null;
  contact: string | null;
  reason: string;
  status: string;
  answer: string | null;
  answeredAt: string | null;
  answerMailedAt: string | null;
}

/** Everything a provider shows an auditor to prove who was told what, when, and what came back. */
export interface NoticeEvidence {
  tenant: { slug: string; name: string };
  list: { id: string; slug: string; title: string };
  notice: {
    id: string;
    version: number;
    baseVersion: number;
    publishedAt: string;
    effectiveAt: string;
    emergencyReason: string | null;
    withdrawnAt: string | null;
    withdrawnReason: string | null;
    summary: string | null;
    counts: { added: number; removed: number; changed: number };
    /** `pending`: the worker is still adding recipients; the record lists those reached so far */
    fanout: 'pending' | 'done';
    /** one line per change: "Added: X", "Removed: Y", "Changed: Z (locations, purpose)" */
    changes: string[];
  };
  recipients: EvidenceRecipient[];
  objections: EvidenceObjection[];
  /** the calls of the workspace's webhook endpoints about this version, with every attempt */
  webhookCalls: VersionWebhookCall[];
  exportedAt: string;
}

function changeLines(c: ChangeSet): string[] {
  return [
    ...c.added.map((e) => `Added: ${e.legalName}`),
    ...c.removed.map((e) => `Removed: ${e.legalName}`),
    ...c.changed.map((e) => `Changed: ${e.legalName} (${e.changes.map((f) => f.field).join(', ')})`),
  ];
}

/**
 * The evidence of one notice of one list (a notice of another list answers 404, as one of
 * another tenant), for any staff member (viewer or above). The export itself is audited in the
 * same transaction that reads it: the log shows who took which record when.
 */
export async function noticeEvidence(
  deps: AppDeps,
  ctx: TenantContext,
  listId: string,
  noticeId: string,
  format: EvidenceFormat,
): Promise<NoticeEvidence> {
  const now = nowOf(deps);
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const notice = await selectNotice(tx, noticeId);
    if (!notice || notice.listId !== listId) throw notFound('notice', 'NOTICE_NOT_FOUND');
    const list = await repo.selectListOfNotice(tx, listId);
    const version = await findVersionInTx(tx, listId, notice.versionNumber);
    const base = await findVersionInTx(tx, listId, notice.baseVersion);
    const changes =
      version && base && base.number !== notice.versionNumber - 1
        ? diffSnapshots(base.snapshot, version.snapshot)
        : version?.changes;
    const rows = await repo.selectDeliveriesWithSubscribers(tx, noticeId);
    const attempts = await repo.selectAttemptsOfDeliveries(
      tx,
      rows.map((r) => r.d.id),
    );
    const byDelivery = new Map<string, EvidenceAttempt[]>();
    for (const a of attempts) {
      const list = byDelivery.get(a.deliveryId) ?? [];
      list.push({ at: a.at.toISOString(), result: a.result, smtpResponse: a.smtpResponse });
      byDelivery.set(a.deliveryId, list);
    }
    const recipients = rows.map(({ d, ...s }): EvidenceRecipient => {
      const howAdded = !s.addedBy
        ? 'subscriber removed since'
        : s.addedBy === 'staff'
          ? 'added by staff'
          : 'confirmed opt-in';
      const addedAt = s.addedBy === 'staff' ? s.subscriberCreatedAt : s.confirmedAt;
      return {
        email: d.email,
        organisation: s.organisation ?? null,
        howAdded,
        addedAt: addedAt?.toISOString() ?? null,
        kind: d.kind,
        messageId: d.messageId,
        finalStatus: d.status,
        sentAt: d.sentAt?.toISOString() ?? null,
        lastError: d.lastError,
        attempts: byDelivery.get(d.id) ?? [],
      };
    });
    const objections = (await repo.selectObjectionsOfNotice(tx, noticeId)).map(
      (o): EvidenceObjection => ({
        receivedAt: o.createdAt.toISOString(),
        email: o.email,
        organisation: o.organisation,
        contact: o.contact,
        reason: o.reason,
        status: o.status,
        answer: o.answer,
        answeredAt: o.answeredAt?.toISOString() ?? null,
        answerMailedAt: o.answerMailedAt?.toISOString() ?? null,
      }),
    );
    const webhookCalls = await versionWebhookCallsInTx(tx, listId, notice.versionNumber);
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'notice.evidence_exported',
      objectType: 'change_notice',
      objectId: notice.id,
      after: { format, listId, version: notice.versionNumber, recipients: recipients.length },
    });
    return {
      tenant: { slug: ctx.tenant.slug, name: await tenantDisplayName(tx, ctx.tenant) },
      list: { id: listId, slug: list?.slug ?? '', title: list?.title ?? '' },
      notice: {
        id: notice.id,
        version: notice.versionNumber,
        baseVersion: notice.baseVersion,
        publishedAt: notice.publishedAt.toISOString(),
        effectiveAt: notice.effectiveAt.toISOString(),
        emergencyReason: notice.emergencyReason,
        withdrawnAt: notice.withdrawnAt?.toISOString() ?? null,
        withdrawnReason: notice.withdrawnReason,
        summary: version?.summary ?? null,
        counts: notice.counts,
        fanout: notice.fannedOutAt ? 'done' : 'pending',
        changes: changes ? changeLines(changes) : [],
      },
      recipients,
      objections,
      webhookCalls,
      exportedAt: now.toISOString(),
    };
  });
}
