import type { TenantTx } from '../../db/databases.js';
import { listNameInTx } from '../lists/lists.service.js';
import { profileInTx } from '../tenants/tenants.service.js';
import { pageFrom } from '../../platform/paging.js';
import type { AppDeps } from '../../app/deps.js';
import { type TenantContext, auditActor, nowOf } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import { publicList } from '../publishing/public-read.js';
import type { TenantRecord } from '../../platform/context.js';
import { newNonce, nonceHash, signLink, verifyLink } from './links.js';
import { confirmationMail } from './notice-mail.js';
import * as repo from './subscribers.repo.js';

/** A confirmation link works this long, once. */
export const CONFIRM_HOURS = 48;
/** A pending address gets another confirmation at most this often, and this many in all. */
const RESEND_AFTER_MS = 10 * 60_000;
const MAX_CONFIRMATIONS = 5;

const HOUR_MS = 3_600_000;
const publicActor = (tenantId: string, who: string) => ({
  tenantId,
  actorType: 'system' as const,
  actorId: who,
  requestId: null,
});

export const baseUrlOf = (deps: AppDeps) => deps.config.publicBaseUrl.replace(/\/$/, '');

export function unsubscribeUrl(deps: AppDeps, tenant: { id: string; slug: string }, subscriberId: string) {
  const token = signLink(deps, tenant.id, { kind: 'unsubscribe', id: subscriberId, exp: 0, nonce: '' });
  return `${baseUrlOf(deps)}/t/${tenant.slug}/subscriptions/unsubscribe?token=${token}`;
}

export interface SubscribeInput {
  email: string;
  organisation?: string | null | undefined;
}

/** The tenant's name as its pages show it (the profile's display name, else the workspace's). */
export async function tenantDisplayName(tx: TenantTx, tenant: TenantRecord): Promise<string> {
  return (await profileInTx(tx))?.displayName ?? tenant.name;
}

/**
 * A subscription asked for on a public page. The answer is the same whatever happened (new
 * address, pending, confirmed, unsubscribed): nobody learns whether an address is known. Only
 * a confirmation link is ever sent before confirmation, at most every 10 minutes and 5 times.
 */
export async function requestSubscription(
  deps: AppDeps,
  tenant: TenantRecord,
  listSlug: string | null,
  input: SubscribeInput,
): Promise<void> {
  const now = nowOf(deps);
  const outgoing = await deps.dbs.withTenant(tenant, async (tx) => {
    let listId: string | null = null;
    let listTitle: string | null = null;
    if (listSlug !== null) {
      const list = await publicList(tx, listSlug);
      if (!list) throw notFound('list', 'LIST_NOT_FOUND');
      listId = list.id;
      listTitle = (await listNameInTx(tx, list.id))?.title ?? listSlug;
    }
    const nonce = newNonce();
    const confirmFields = {
      status: 'pending' as const,
      confirmNonceHash: nonceHash(nonce),
      confirmExpiresAt: new Date(now.getTime() + CONFIRM_HOURS * HOUR_MS),
    };
    let row = await repo.findByAddress(tx, listId, input.email);
    if (!row) {
      row = await repo.insertSubscriber(tx, {
        tenantId: tenant.id,
        id: newId(),
        listId,
        email: input.email,
        organisation: input.organisation ?? null,
        addedBy: 'self',
        confirmationsSent: 1,
        ...confirmFields,
      });
    } else if (row.status === 'confirmed') {
      return null;
    } else {
      const tooSoon = row.status === 'pending' && now.getTime() - row.updatedAt.getTime() < RESEND_AFTER_MS;
      const tooMany = row.status === 'pending' && row.confirmationsSent >= MAX_CONFIRMATIONS;
      if (tooSoon || tooMany) return null;
      row = (await repo.updateSubscriber(tx, row.id, {
        ...confirmFields,
        organisation: input.organisation ?? row.organisation,
        confirmationsSent: row.status === 'pending' ? row.confirmationsSent + 1 : 1,
      }))!;
    }
    await appendAuditEvent(tx, {
      ...publicActor(tenant.id, 'public'),
      action: 'subscriber.requested',
      objectType: 'subscriber',
      objectId: row.id,
      after: { email: row.email, listId, organisation: row.organisation },
    });
    const token = signLink(deps, tenant.id, {
      kind: 'confirm',
      id: row.id,
      exp: Math.floor(confirmFields.confirmExpiresAt.getTime() / 1000),
      nonce,
    });
    return {
      to: row.email,
      confirmUrl: `${baseUrlOf(deps)}/t/${tenant.slug}/subscriptions/confirm?token=${token}`,
      unsubscribeUrl: unsubscribeUrl(deps, tenant, row.id),
      tenantName: await tenantDisplayName(tx, tenant),
      listTitle,
    };
  });
  if (!outgoing) return;
  try {
    await deps.mail?.send({
      ...confirmationMail({ ...outgoing, hours: CONFIRM_HOURS }),
      tenantId: tenant.id,
    });
  } catch {
    // Same answer either way (it must not tell whether an address is known); the address can
    // ask again after 10 minutes.
  }
}

export const linkInvalid = () =>
  new AppError(
    400,
    'LINK_INVALID',
    'This link is not valid (it was changed, or already used). Subscribe again on the list’s page to get a new one.',
  );

/** Confirms a subscription from its emailed link: once, before it expires. */
export async function confirmSubscription(deps: AppDeps, tenant: TenantRecord, token: string) {
  const claims = verifyLink(deps, tenant.id, 'confirm', token);
  if (!claims) throw linkInvalid();
  const now = nowOf(deps);
  return deps.dbs.withTenant(tenant, async (tx) => {
    const row = await repo.findById(tx, claims.id, true);
    if (!row || row.confirmNonceHash !== nonceHash(claims.nonce)) {
      if (row?.status === 'confirmed') return { id: row.id, email: row.email, already: true };
      throw linkInvalid();
    }
    if (claims.exp * 1000 < now.getTime() || (row.confirmExpiresAt && row.confirmExpiresAt < now)) {
      throw new AppError(
        410,
        'LINK_EXPIRED',
        `This link expired (links work for ${CONFIRM_HOURS} hours). Subscribe again on the list’s page to get a new one.`,
      );
    }
    await repo.updateSubscriber(tx, row.id, {
      status: 'confirmed',
      confirmedAt: now,
      confirmNonceHash: null,
      confirmExpiresAt: null,
    });
    await appendAuditEvent(tx, {
      ...publicActor(tenant.id, `subscriber:${row.id}`),
      action: 'subscriber.confirmed',
      objectType: 'subscriber',
      objectId: row.id,
      after: { email: row.email, listId: row.listId },
    });
    return { id: row.id, email: row.email, already: false };
  });
}

/** Who an unsubscribe link is for (the page shows it before the button), or null. */
export async function peekUnsubscribe(deps: AppDeps, tenant: TenantRecord, token: string) {
  const claims = verifyLink(deps, tenant.id, 'unsubscribe', token);
  if (!claims) return null;
  return deps.dbs.withTenant(tenant, (tx) => repo.findById(tx, claims.id));
}

/** One-click unsubscribe (RFC 8058): works any number of times, never needs signing in. */
export async function unsubscribe(deps: AppDeps, tenant: TenantRecord, token: string) {
  const claims = verifyLink(deps, tenant.id, 'unsubscribe', token);
  if (!claims) throw linkInvalid();
  return deps.dbs.withTenant(tenant, async (tx) => {
    const row = await repo.findById(tx, claims.id, true);
    if (!row || row.status === 'unsubscribed') return { email: row?.email ?? null };
    await repo.updateSubscriber(tx, row.id, {
      status: 'unsubscribed',
      unsubscribedAt: nowOf(deps),
      confirmNonceHash: null,
    });
    await appendAuditEvent(tx, {
      ...publicActor(tenant.id, `subscriber:${row.id}`),
      action: 'subscriber.unsubscribed',
      objectType: 'subscriber',
      objectId: row.id,
      after: { email: row.email, listId: row.listId },
    });
    return { email: row.email };
  });
}

export interface SubscriberView {
  id: string;
  listId: string | null;
  email: string;
  organisation: string | null;
  customerId: string | null;
  status: 'pending' | 'confirmed' | 'unsubscribed';
  addedBy: 'staff' | 'self';
  createdAt: string;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
}

export const toSubscriberView = (r: repo.SubscriberRow): SubscriberView => ({
  id: r.id,
  listId: r.listId,
  email: r.email,
  organisation: r.organisation,
  customerId: r.customerId,
  status: r.status,
  addedBy: r.addedBy,
  createdAt: r.createdAt.toISOString(),
  confirmedAt: r.confirmedAt?.toISOString() ?? null,
  unsubscribedAt: r.unsubscribedAt?.toISOString() ?? null,
});

export async function listSubscribers(
  deps: AppDeps,
  ctx: TenantContext,
  filter: repo.SubscriberFilter,
  page: { limit: number; offset: number },
) {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const rows = await repo.selectSubscribers(tx, filter, page.limit, page.offset);
    return pageFrom(
      rows.map((r) => ({ ...r.s, total: r.total })),
      toSubscriberView,
      page,
    );
  });
}

const csvCell = (v: string | null) => {
  const s = v ?? '';
  // A leading = + - @ would be a formula in a spreadsheet: quoted and prefixed.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** Every subscriber (of a list, or all), as CSV for a spreadsheet. */
export async function exportSubscribersCsv(deps: AppDeps, ctx: TenantContext, filter: repo.SubscriberFilter) {
  const rows = await deps.dbs.withTenant(ctx.tenant, (tx) =>
    repo.selectSubscribers(tx, filter, 1_000_000, 0),
  );
  const head = 'email,organisation,list_id,status,added_by,created_at,confirmed_at,unsubscribed_at';
  const lines = rows.map(({ s }) =>
    [
      s.email,
      s.organisation,
      s.listId,
      s.status,
      s.addedBy,
      s.createdAt.toISOString(),
      s.confirmedAt?.toISOString() ?? null,
      s.unsubscribedAt?.toISOString() ?? null,
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[head, ...lines].join('\r\n')}\r\n`;
}

/**
 * Staff add a customer's contact directly: confirmed at once (the provider vouches for it under
 * its contract), marked as added by staff. An address already there is updated, not doubled.
 */
export async function addSubscriber(
  deps: AppDeps,
  ctx: TenantContext,
  input: SubscribeInput & { listId?: string | null | undefined },
) {
  const now = nowOf(deps);
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const listId = input.listId ?? null;
    if (listId) {
      if (!(await listNameInTx(tx, listId))) throw notFound('list', 'LIST_NOT_FOUND');
    }
    const existing = await repo.findByAddress(tx, listId, input.email);
    const fields = {
      status: 'confirmed' as const,
      addedBy: 'staff' as const,
      organisation: input.organisation ?? existing?.organisation ?? null,
      confirmedAt: now,
      unsubscribedAt: null,
      confirmNonceHash: null,
      confirmExpiresAt: null,
    };
    const row = existing
      ? (await repo.updateSubscriber(tx, existing.id, fields))!
      : await repo.insertSubscriber(tx, {
          tenantId: ctx.tenant.id,
          id: newId(),
          listId,
          email: input.email,
          ...fields,
        });
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'subscriber.added',
      objectType: 'subscriber',
      objectId: row.id,
      before: existing ? toSubscriberView(existing) : undefined,
      after: toSubscriberView(row),
    });
    return toSubscriberView(row);
  });
}

export async function removeSubscriber(deps: AppDeps, ctx: TenantContext, id: string) {
  await deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const row = await repo.findById(tx, id, true);
    if (!row) throw notFound('subscriber', 'SUBSCRIBER_NOT_FOUND');
    await repo.deleteSubscriber(tx, id);
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'subscriber.removed',
      objectType: 'subscriber',
      objectId: id,
      before: toSubscriberView(row),
    });
  });
}
