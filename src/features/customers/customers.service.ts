import type { TenantTx } from '../../db/databases.js';
import type { AppDeps } from '../../app/deps.js';
import { type TenantContext, auditActor } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { pageFrom } from '../../platform/paging.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import * as repo from './customers.repo.js';

export type Authorisation = 'general' | 'specific';
export type NotifyBy = 'email' | 'webhook' | 'both';

export interface CustomerInput {
  organisation: string;
  contractReference?: string | null | undefined;
  authorisation?: Authorisation | undefined;
  noticePeriodDays?: number | null | undefined;
  notifyBy?: NotifyBy | undefined;
  notes?: string | null | undefined;
}

export interface CustomerView {
  id: string;
  organisation: string;
  contractReference: string | null;
  authorisation: Authorisation;
  noticePeriodDays: number | null;
  notifyBy: NotifyBy;
  notes: string | null;
  contacts: number;
  createdAt: string;
  updatedAt: string;
}

export interface ContactView {
  id: string;
  email: string;
  status: 'pending' | 'confirmed' | 'unsubscribed';
  listId: string | null;
}

const customerNotFound = () => notFound('customer', 'CUSTOMER_NOT_FOUND');

export const toCustomerView = (c: repo.CustomerRow, contacts: number): CustomerView => ({
  id: c.id,
  organisation: c.organisation,
  contractReference: c.contractReference,
  authorisation: c.authorisation,
  noticePeriodDays: c.noticePeriodDays,
  notifyBy: c.notifyBy,
  notes: c.notes,
  contacts,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});

/** What the audit log keeps of a customer (its terms, not its contact count). */
const audited = (c: repo.CustomerRow) => {
  const { contacts: _, createdAt: __, updatedAt: ___, ...terms } = toCustomerView(c, 0);
  return terms;
};

/**
 * A customer's notice period may be longer than a list's, never shorter than every list's:
 * the longest period applies to a publish, so a shorter one would never count.
 */
async function checkNoticePeriod(tx: TenantTx, days: number | null | undefined) {
  if (days === null || days === undefined) return;
  const shortest = await repo.shortestListPeriod(tx);
  if (shortest && days < shortest.days)
    throw new AppError(
      422,
      'CUSTOMER_NOTICE_TOO_SHORT',
      `noticePeriodDays ${days} is shorter than every list's notice period (the shortest, "${shortest.title}", promises ${shortest.days} days). A customer's period may be longer than a list's, not shorter: give ${shortest.days} or more, or null to follow the lists'.`,
      { shortestListDays: shortest.days },
    );
}

async function checkNameFree(tx: TenantTx, organisation: string, exceptId: string | null) {
  const other = await repo.selectCustomerByName(tx, organisation);
  if (other && other.id !== exceptId)
    throw new AppError(
      409,
      'CUSTOMER_EXISTS',
      `A customer named "${organisation}" is already recorded (${other.id}); change that one instead.`,
    );
}

export async function listCustomers(
  deps: AppDeps,
  ctx: TenantContext,
  page: { limit: number; offset: number },
) {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const rows = await repo.selectCustomers(tx, page.limit, page.offset);
    return pageFrom(
      rows.map((r) => ({ ...r, total: r.total })),
      (r) => toCustomerView(r.c, r.contacts),
      page,
    );
  });
}

export async function getCustomer(deps: AppDeps, ctx: TenantContext, id: string) {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const c = await repo.selectCustomer(tx, id);
    if (!c) throw customerNotFound();
    const contacts = await repo.selectContacts(tx, id);
    return {
      ...toCustomerView(c, contacts.length),
      contactList: contacts.map(
        (s): ContactView => ({ id: s.id, email: s.email, status: s.status, listId: s.listId }),
      ),
    };
  });
}

export async function createCustomer(deps: AppDeps, ctx: TenantContext, input: CustomerInput) {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    await checkNameFree(tx, input.organisation, null);
    await checkNoticePeriod(tx, input.noticePeriodDays);
    const row = await repo.insertCustomer(tx, {
      tenantId: ctx.tenant.id,
      id: newId(),
      organisation: input.organisation,
      contractReference: input.contractReference ?? null,
      authorisation: input.authorisation ?? 'general',
      noticePeriodDays: input.noticePeriodDays ?? null,
      notifyBy: input.notifyBy ?? 'email',
      notes: input.notes ?? null,
    });
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'customer.created',
      objectType: 'customer',
      objectId: row.id,
      after: audited(row),
    });
    return toCustomerView(row, 0);
  });
}

export async function updateCustomer(
  deps: AppDeps,
  ctx: TenantContext,
  id: string,
  input: Partial<CustomerInput>,
) {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const before = await repo.selectCustomer(tx, id, true);
    if (!before) throw customerNotFound();
    if (input.organisation !== undefined) await checkNameFree(tx, input.organisation, id);
    if (input.noticePeriodDays !== undefined) await checkNoticePeriod(tx, input.noticePeriodDays);
    const set: Partial<repo.CustomerRow> = {};
    for (const k of [
      'organisation',
      'contractReference',
      'authorisation',
      'noticePeriodDays',
      'notifyBy',
      'notes',
    ] as const)
      if (input[k] !== undefined) (set as Record<string, unknown>)[k] = input[k];
    const after = (await repo.updateCustomer(tx, id, set))!;
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'customer.updated',
      objectType: 'customer',
      objectId: id,
      before: audited(before),
      after: audited(after),
    });
    return toCustomerView(after, await repo.contactCount(tx, id));
  });
}

/**
 * Removes a customer and unlinks its contacts (they stay subscribed). A customer with
 * approvals on record is kept: those records are the provider's evidence.
 */
export async function removeCustomer(deps: AppDeps, ctx: TenantContext, id: string) {
  await deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const before = await repo.selectCustomer(tx, id, true);
    if (!before) throw customerNotFound();
    const approvals = await repo.approvalCount(tx, id);
    if (approvals > 0)
      throw new AppError(
        409,
        'CUSTOMER_HAS_APPROVALS',
        `"${before.organisation}" has ${approvals} approval record(s) of changes; they are evidence and keep the customer. Change its terms instead (e.g. "authorisation": "general").`,
      );
    const unlinked = await repo.unlinkContacts(tx, id);
    await repo.deleteCustomer(tx, id);
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'customer.removed',
      objectType: 'customer',
      objectId: id,
      before: { ...audited(before), contacts: unlinked },
    });
  });
}

/** Links a subscriber to a customer as its contact (or, with null, unlinks it). */
export async function setContact(
  deps: AppDeps,
  ctx: TenantContext,
  customerId: string,
  subscriberId: string,
  link: boolean,
): Promise<ContactView> {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const c = await repo.selectCustomer(tx, customerId, true);
    if (!c) throw customerNotFound();
    const s = await repo.selectSubscriber(tx, subscriberId);
    if (!s) throw notFound('subscriber', 'SUBSCRIBER_NOT_FOUND');
    if (!link && s.customerId !== customerId)
      throw new AppError(
        409,
        'NOT_A_CONTACT',
        `${s.email} is not a contact of "${c.organisation}"; there is nothing to unlink.`,
      );
    if (link && s.customerId && s.customerId !== customerId)
      throw new AppError(
        409,
        'CONTACT_OF_ANOTHER_CUSTOMER',
        `${s.email} is already a contact of another customer (${s.customerId}); unlink it there first.`,
      );
    const after = (await repo.setSubscriberCustomer(tx, subscriberId, link ? customerId : null))!;
    if (s.customerId !== after.customerId)
      await appendAuditEvent(tx, {
        ...auditActor(ctx),
        action: link ? 'customer.contact_linked' : 'customer.contact_unlinked',
        objectType: 'customer',
        objectId: customerId,
        before: { subscriberId, email: s.email, customerId: s.customerId },
        after: { subscriberId, email: s.email, customerId: after.customerId },
      });
    return { id: after.id, email: after.email, status: after.status, listId: after.listId };
  });
}

const DAY_MS = 86_400_000;

export interface NoticePeriod {
  days: number;
  /** the customer whose contract sets this period (null: the list's own) */
  customer: { id: string; organisation: string } | null;
}

/**
 * The notice period a publish of this list must keep: the longest of the list's and of the
 * customers it concerns (publishing asks, in its transaction).
 */
export async function longestNoticePeriod(
  tx: TenantTx,
  listId: string,
  listDays: number,
): Promise<NoticePeriod> {
  let best: NoticePeriod = { days: listDays, customer: null };
  for (const c of await repo.selectCustomersOfList(tx, listId))
    if (c.noticePeriodDays !== null && c.noticePeriodDays > best.days)
      best = { days: c.noticePeriodDays, customer: { id: c.id, organisation: c.organisation } };
  return best;
}

export const earliestEffective = (p: NoticePeriod, publishedAt: Date) =>
  new Date(publishedAt.getTime() + p.days * DAY_MS);
