import { z } from 'zod';
import type { AppDeps } from '../../app/deps.js';
import { type TenantContext, auditActor, mailerOf, nowOf } from '../../platform/context.js';
import { AppError, badRequest, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import type { TenantRecord } from '../../platform/context.js';
import { verifyLink } from './links.js';
import { objectionAnswerMail } from './notice-mail.js';
import { listNameInTx } from '../lists/lists.service.js';
import { profileInTx } from '../tenants/tenants.service.js';
import { selectDelivery, selectNotice } from './notices.repo.js';
import {
  type InboxCursor,
  type ObjectionRow,
  insertObjection,
  markAnswerMailed,
  objectionOfDeliveryExists,
  selectObjectionForUpdate,
  selectObjectionsOfNotice,
  selectObjectionsPage,
  updateObjectionAnswer,
} from './objections.repo.js';
import { linkInvalid, tenantDisplayName, unsubscribeUrl } from './subscribers.service.js';

export type ObjectionStatus = 'open' | 'resolved' | 'withdrawn' | 'upheld';

/** What the objection form shows, or why it cannot be used (forged link, too late, withdrawn). */
export async function objectionTarget(deps: AppDeps, tenant: TenantRecord, token: string) {
  const claims = verifyLink(deps, tenant.id, 'object', token);
  if (!claims) throw linkInvalid();
  const now = nowOf(deps);
  return deps.dbs.withTenant(tenant, async (tx) => {
    const d = await selectDelivery(tx, claims.id);
    const notice = d ? await selectNotice(tx, d.noticeId) : null;
    if (!d || !notice) throw linkInvalid();
    const list = await listNameInTx(tx, notice.listId);
    const profile = await profileInTx(tx);
    const contact = profile?.contactEmail ? ` Write to ${profile.contactEmail} instead.` : '';
    if (notice.status === 'withdrawn')
      throw new AppError(
        410,
        'NOTICE_WITHDRAWN',
        `This change was withdrawn: it will not take effect, so there is nothing to object to.`,
      );
    if (notice.effectiveAt <= now)
      throw new AppError(
        410,
        'OBJECTION_PERIOD_OVER',
        `This change took effect on ${notice.effectiveAt.toISOString().slice(0, 10)}; objections had to arrive before that date and are closed now.${contact}`,
      );
    return {
      delivery: d,
      notice,
      listTitle: list?.title ?? '',
      tenantName: await tenantDisplayName(tx, tenant),
    };
  });
}

export interface ObjectionInput {
  reason: string;
  organisation?: string | null | undefined;
  contact?: string | null | undefined;
}

/** An objection from a recipient's personal link, before the effective date; one per message. */
export async function submitObjection(
  deps: AppDeps,
  tenant: TenantRecord,
  token: string,
  input: ObjectionInput,
) {
  const target = await objectionTarget(deps, tenant, token);
  return deps.dbs.withTenant(tenant, async (tx) => {
    if (await objectionOfDeliveryExists(tx, target.delivery.id))
      throw new AppError(
        409,
        'OBJECTION_EXISTS',
        'Your objection to this change is already recorded; the provider will answer it by email.',
      );
    const row = {
      tenantId: tenant.id,
      id: newId(),
      noticeId: target.notice.id,
      deliveryId: target.delivery.id,
      email: target.delivery.email,
      organisation: input.organisation ?? null,
      contact: input.contact ?? null,
      reason: input.reason,
      status: 'open' as const,
    };
    await insertObjection(tx, row);
    await appendAuditEvent(tx, {
      tenantId: tenant.id,
      actorType: 'system',
      actorId: `subscriber:${target.delivery.subscriberId}`,
      requestId: null,
      action: 'objection.received',
      objectType: 'objection',
      objectId: row.id,
      after: {
        noticeId: row.noticeId,
        email: row.email,
        organisation: row.organisation,
        contact: row.contact,
        reason: row.reason,
      },
    });
    return { id: row.id, notice: target.notice, listTitle: target.listTitle, tenantName: target.tenantName };
  });
}

export interface ObjectionView {
  id: string;
  noticeId: string;
  email: string;
  organisation: string | null;
  contact: string | null;
  reason: string;
  status: ObjectionStatus;
  answer: string | null;
  answeredAt: string | null;
  answerMailedAt: string | null;
  createdAt: string;
}

const toView = (o: ObjectionRow): ObjectionView => ({
  id: o.id,
  noticeId: o.noticeId,
  email: o.email,
  organisation: o.organisation,
  contact: o.contact,
  reason: o.reason,
  status: o.status,
  answer: o.answer,
  answeredAt: o.answeredAt?.toISOString() ?? null,
  answerMailedAt: o.answerMailedAt?.toISOString() ?? null,
  createdAt: o.createdAt.toISOString(),
});

/** The objections inbox of one notice, oldest first. */
export async function listObjections(deps: AppDeps, ctx: TenantContext, noticeId: string) {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    if (!(await selectNotice(tx, noticeId))) throw notFound('notice', 'NOTICE_NOT_FOUND');
    const rows = await selectObjectionsOfNotice(tx, noticeId);
    return { items: rows.map(toView) };
  });
}

/** Staff answer an objection and set its status; the answer is emailed to the objector. */
export async function answerObjection(
  deps: AppDeps,
  ctx: TenantContext,
  id: string,
  input: { status: ObjectionStatus; answer: string },
) {
  const now = nowOf(deps);
  const { view, mail } = await deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const before = await selectObjectionForUpdate(tx, id);
    if (!before) throw notFound('objection', 'OBJECTION_NOT_FOUND');
    const after = await updateObjectionAnswer(tx, id, {
      status: input.status,
      answer: input.answer,
      at: now,
    });
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'objection.answered',
      objectType: 'objection',
      objectId: id,
      before: { status: before.status, answer: before.answer },
      after: { status: input.status, answer: input.answer },
    });
    const notice = await selectNotice(tx, before.noticeId);
    const list = notice ? await listNameInTx(tx, notice.listId) : null;
    const d = before.deliveryId ? await selectDelivery(tx, before.deliveryId) : null;
    return {
      view: toView(after),
      mail: objectionAnswerMail({
        to: before.email,
        tenantName: await tenantDisplayName(tx, ctx.tenant),
        listTitle: list?.title ?? '',
        status: input.status,
        answer: input.answer,
        unsubscribeUrl: d
          ? unsubscribeUrl(deps, ctx.tenant, d.subscriberId)
          : `${deps.config.publicBaseUrl}/t/${ctx.tenant.slug}`,
      }),
    };
  });
  // Sent after the commit: the answer stands even if mail is down; answerMailedAt says whether it went.
  try {
    await mailerOf(deps).send({ ...mail, tenantId: ctx.tenant.id });
    await deps.dbs.withTenant(ctx.tenant, (tx) => markAnswerMailed(tx, id, nowOf(deps)));
    return { ...view, answerMailedAt: nowOf(deps).toISOString() };
  } catch {
    return view;
  }
}

const MAX_CURSOR_CHARS = 300;
const cursorWire = z.strictObject({ t: z.string().max(64), i: z.uuid() });
const cursorInvalid = () =>
  badRequest(
    'CURSOR_INVALID',
    'cursor is not one this API gave out (it may have been cut or changed). Pass the `next` value of the previous page exactly as received, or leave cursor out to start from the newest.',
  );

function decodeInboxCursor(raw: string): InboxCursor {
  if (raw.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(raw)) throw cursorInvalid();
  try {
    const c = cursorWire.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    // PostgreSQL's own text form of a timestamptz, as the previous page gave it
    if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/.test(c.t))
      throw cursorInvalid();
    return { createdAt: c.t, id: c.i };
  } catch {
    throw cursorInvalid();
  }
}

const encodeInboxCursor = (c: InboxCursor) =>
  Buffer.from(JSON.stringify({ t: c.createdAt, i: c.id })).toString('base64url');

/** The workspace's objections inbox, newest first, one keyset page at a time. */
export async function listWorkspaceObjections(
  deps: AppDeps,
  ctx: TenantContext,
  q: { status?: ObjectionStatus | undefined; cursor?: string | undefined; limit: number },
) {
  const after = q.cursor ? decodeInboxCursor(q.cursor) : null;
  const page = await deps.dbs.withTenantRead(ctx.tenant, (tx) =>
    selectObjectionsPage(tx, { status: q.status ?? null, after, limit: q.limit }),
  );
  return {
    items: page.rows.map((r) => ({
      ...toView(r.objection),
      listId: r.listId,
      listTitle: r.listTitle,
      versionNumber: r.versionNumber,
      effectiveAt: r.effectiveAt.toISOString(),
    })),
    next: page.next ? encodeInboxCursor(page.next) : null,
  };
}
