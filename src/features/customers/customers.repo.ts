import { and, asc, eq, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { lists } from '../../db/schema/region.js';
import { changeApprovals } from '../../db/schema/region-approvals.js';
import { customers } from '../../db/schema/region-customers.js';
import { subscribers } from '../../db/schema/region-notices.js';

export type CustomerRow = typeof customers.$inferSelect;
export type ApprovalRow = typeof changeApprovals.$inferSelect;

export async function insertCustomer(tx: TenantTx, row: typeof customers.$inferInsert) {
  const [r] = await tx.insert(customers).values(row).returning();
  return r!;
}

export async function updateCustomer(tx: TenantTx, id: string, set: Partial<typeof customers.$inferInsert>) {
  const [r] = await tx
    .update(customers)
    .set({ ...set, updatedAt: new Date() })
    .where(eq(customers.id, id))
    .returning();
  return r ?? null;
}

export async function selectCustomer(tx: TenantTx, id: string, lock = false) {
  const q = tx.select().from(customers).where(eq(customers.id, id));
  const [r] = lock ? await q.for('update') : await q;
  return r ?? null;
}

export async function selectCustomerByName(tx: TenantTx, organisation: string) {
  const [r] = await tx.select().from(customers).where(eq(customers.organisation, organisation));
  return r ?? null;
}

/** Customers by name, each with its number of contacts. */
export async function selectCustomers(tx: TenantTx, limit: number, offset: number) {
  return tx
    .select({
      c: customers,
      contacts: sql<number>`(select count(*) from subscribers s where s.customer_id = ${customers.id})::int`,
      total: sql<number>`count(*) over ()::int`,
    })
    .from(customers)
    .orderBy(asc(customers.organisation), asc(customers.id))
    .limit(limit)
    .offset(offset);
}

export async function contactCount(tx: TenantTx, customerId: string) {
  const [r] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(subscribers)
    .where(eq(subscribers.customerId, customerId));
  return r?.n ?? 0;
}

export async function deleteCustomer(tx: TenantTx, id: string) {
  await tx.delete(customers).where(eq(customers.id, id));
}

export async function approvalCount(tx: TenantTx, customerId: string) {
  const [r] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(changeApprovals)
    .where(eq(changeApprovals.customerId, customerId));
  return r?.n ?? 0;
}

/** The list with the shortest notice period (a customer's may be longer, never shorter), or null. */
export async function shortestListPeriod(tx: TenantTx) {
  const [r] = await tx
    .select({ title: lists.title, days: lists.noticePeriodDays })
    .from(lists)
    .orderBy(asc(lists.noticePeriodDays), asc(lists.title))
    .limit(1);
  return r ?? null;
}

export async function selectList(tx: TenantTx, id: string) {
  const [r] = await tx
    .select({ id: lists.id, title: lists.title, slug: lists.slug, noticePeriodDays: lists.noticePeriodDays })
    .from(lists)
    .where(eq(lists.id, id));
  return r ?? null;
}

// --- contacts: subscribers linked to a customer -------------------------------------------

export async function selectSubscriber(tx: TenantTx, id: string) {
  const [r] = await tx.select().from(subscribers).where(eq(subscribers.id, id)).for('update');
  return r ?? null;
}

export async function setSubscriberCustomer(tx: TenantTx, id: string, customerId: string | null) {
  const [r] = await tx
    .update(subscribers)
    .set({ customerId, updatedAt: new Date() })
    .where(eq(subscribers.id, id))
    .returning();
  return r ?? null;
}

export async function unlinkContacts(tx: TenantTx, customerId: string) {
  const rows = await tx
    .update(subscribers)
    .set({ customerId: null, updatedAt: new Date() })
    .where(eq(subscribers.customerId, customerId))
    .returning({ id: subscribers.id });
  return rows.map((r) => r.id);
}

export async function selectContacts(tx: TenantTx, customerId: string) {
  return tx
    .select()
    .from(subscribers)
    .where(eq(subscribers.customerId, customerId))
    .orderBy(asc(subscribers.email), asc(subscribers.id));
}

/** A customer's confirmed contacts, one per address (who is asked for approval). */
export async function selectConfirmedContacts(tx: TenantTx, customerId: string) {
  return tx
    .selectDistinctOn([subscribers.email], { id: subscribers.id, email: subscribers.email })
    .from(subscribers)
    .where(and(eq(subscribers.customerId, customerId), eq(subscribers.status, 'confirmed')))
    .orderBy(asc(subscribers.email), asc(subscribers.id));
}

/**
 * The ids of the customers a list concerns: those with a contact following it (or every list
 * of the tenant), whatever the contact's status (the contract binds even when nobody reads the
 * mail). Materialised and read first, so the plan starts from the contacts and probes the
 * customers by key, whatever the statistics say (new rows not yet analysed once made it a
 * nested loop over every subscriber per customer).
 */
const concernedCustomers = (listId: string) => sql`concerned as materialized (
    select distinct s.customer_id as id from subscribers s
    where s.customer_id is not null and (s.list_id = ${listId}::uuid or s.list_id is null))`;

/** The customers a list concerns (see above), with the terms a publish needs. */
export async function selectCustomersOfList(tx: TenantTx, listId: string) {
  const { rows } = await tx.execute<{
    id: string;
    organisation: string;
    authorisation: 'general' | 'specific';
    notice_period_days: number | null;
  }>(sql`with ${concernedCustomers(listId)}
    select c.id, c.organisation, c.authorisation, c.notice_period_days
    from concerned k join customers c on c.id = k.id
    order by c.organisation, c.id`);
  return rows.map((r) => ({
    id: r.id,
    organisation: r.organisation,
    authorisation: r.authorisation,
    noticePeriodDays: r.notice_period_days,
  }));
}

// --- approvals ------------------------------------------------------------------------------

/**
 * One approval request per customer under specific authorisation that the list concerns, in
 * one statement (a publish stays short however many customers there are).
 */
export async function insertApprovalsForList(
  tx: TenantTx,
  p: { tenantId: string; noticeId: string; listId: string; effectiveAt: Date; requestedAt: Date },
) {
  const { rows } = await tx.execute<{ id: string; customer_id: string; organisation: string }>(sql`
    with ${concernedCustomers(p.listId)},
    -- The join by key first, the filter after (a filter inside made the planner scan every customer per contact).
    terms as materialized (
      select c.id, c.organisation, c.authorisation from concerned k join customers c on c.id = k.id)
    insert into change_approvals
      (tenant_id, id, notice_id, customer_id, organisation, effective_at, status, requested_at, mail_status)
    select ${p.tenantId}::uuid, gen_random_uuid(), ${p.noticeId}::uuid, t.id, t.organisation,
           ${p.effectiveAt.toISOString()}::timestamptz, 'requested', ${p.requestedAt.toISOString()}::timestamptz, 'queued'
    from terms t
    where t.authorisation = 'specific'
    order by t.organisation, t.id
    returning id, customer_id, organisation`);
  return rows.map((r) => ({ id: r.id, customerId: r.customer_id, organisation: r.organisation }));
}

export async function selectApproval(tx: TenantTx, id: string, lock = false) {
  const q = tx.select().from(changeApprovals).where(eq(changeApprovals.id, id));
  const [r] = lock ? await q.for('update') : await q;
  return r ?? null;
}

export async function selectApprovalsOfNotice(tx: TenantTx, noticeId: string) {
  return tx
    .select()
    .from(changeApprovals)
    .where(eq(changeApprovals.noticeId, noticeId))
    .orderBy(asc(changeApprovals.organisation), asc(changeApprovals.id));
}

export async function updateApproval(
  tx: TenantTx,
  id: string,
  set: Partial<typeof changeApprovals.$inferInsert>,
) {
  const [r] = await tx.update(changeApprovals).set(set).where(eq(changeApprovals.id, id)).returning();
  return r ?? null;
}

/** Requests whose mail is still owed, oldest first. */
export async function selectQueuedMailIds(tx: TenantTx, limit: number) {
  const rows = await tx
    .select({ id: changeApprovals.id })
    .from(changeApprovals)
    .where(eq(changeApprovals.mailStatus, 'queued'))
    .orderBy(asc(changeApprovals.requestedAt), asc(changeApprovals.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Records that one contact has the request (so a retry never mails it again). */
export async function addMailedTo(tx: TenantTx, id: string, subscriberId: string) {
  await tx
    .update(changeApprovals)
    .set({ mailedTo: sql`${changeApprovals.mailedTo} || jsonb_build_array(${subscriberId}::text)` })
    .where(eq(changeApprovals.id, id));
}
