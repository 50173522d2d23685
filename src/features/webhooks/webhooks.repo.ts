import { and, arrayContains, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from '../../db/schema/region-webhooks.js';
import type { AttemptResult } from './webhook-http.js';

export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;

/** The queue of deliveries: one job per attempt due. */
export const DELIVER_QUEUE = 'subreg.webhooks.deliver';

export async function insertEndpoint(tx: TenantTx, row: typeof webhookEndpoints.$inferInsert) {
  const [r] = await tx.insert(webhookEndpoints).values(row).returning();
  return r!;
}

export async function selectEndpoints(tx: TenantTx) {
  return tx.select().from(webhookEndpoints).orderBy(asc(webhookEndpoints.createdAt));
}

export async function selectEndpoint(tx: TenantTx, id: string, opts: { lock?: boolean } = {}) {
  const q = tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  const [r] = opts.lock ? await q.for('update') : await q;
  return r ?? null;
}

export async function updateEndpoint(
  tx: TenantTx,
  id: string,
  set: Partial<typeof webhookEndpoints.$inferInsert>,
) {
  const [r] = await tx
    .update(webhookEndpoints)
    .set({ ...set, updatedAt: new Date() })
    .where(eq(webhookEndpoints.id, id))
    .returning();
  return r ?? null;
}

export async function deleteEndpoint(tx: TenantTx, id: string) {
  const [r] = await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).returning();
  return r ?? null;
}

export async function countEndpoints(tx: TenantTx) {
  const [r] = await tx.select({ n: sql<number>`count(*)::int` }).from(webhookEndpoints);
  return r?.n ?? 0;
}

/** Enabled endpoints that subscribe to `event`. */
export async function selectSubscribedEndpoints(tx: TenantTx, event: string) {
  return tx
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.enabled, true), arrayContains(webhookEndpoints.events, [event])));
}

/** Inserts deliveries; one already there for its (endpoint, event) is kept as it is. */
export async function insertDeliveries(tx: TenantTx, rows: (typeof webhookDeliveries.$inferInsert)[]) {
  if (rows.length === 0) return [];
  return tx
    .insert(webhookDeliveries)
    .values(rows)
    .onConflictDoNothing({
      target: [webhookDeliveries.tenantId, webhookDeliveries.endpointId, webhookDeliveries.eventKey],
    })
    .returning();
}

/** A pg-boss job for the delivery, in this transaction (false: pg-boss has not run here yet). */
export async function enqueueDeliveryJob(
  tx: TenantTx,
  job: { tenantId: string; deliveryId: string },
  startAfter: Date,
): Promise<boolean> {
  const r = await tx.execute<{ ok: boolean }>(
    sql`select subreg_enqueue_webhook_job(${DELIVER_QUEUE}, ${JSON.stringify(job)}::jsonb, ${startAfter.toISOString()}::timestamptz) as ok`,
  );
  return r.rows[0]?.ok === true;
}

/**
 * Takes a due delivery for one attempt: `sending` until `holdUntil`, so another worker leaves
 * it alone and the sweep gives it back if this process dies mid-attempt.
 */
export async function claimDelivery(tx: TenantTx, id: string, holdUntil: Date) {
  const [r] = await tx
    .update(webhookDeliveries)
    .set({ status: 'sending', nextAt: holdUntil })
    .where(
      and(
        eq(webhookDeliveries.id, id),
        sql`(${webhookDeliveries.status} = 'pending' or (${webhookDeliveries.status} = 'sending' and ${webhookDeliveries.nextAt} <= now()))`,
        lte(webhookDeliveries.nextAt, sql`now() + interval '1 second'`),
      ),
    )
    .returning();
  return r ?? null;
}

export async function selectDelivery(tx: TenantTx, id: string, opts: { lock?: boolean } = {}) {
  const q = tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
  const [r] = opts.lock ? await q.for('update') : await q;
  return r ?? null;
}

export async function updateDelivery(
  tx: TenantTx,
  id: string,
  set: Partial<typeof webhookDeliveries.$inferInsert>,
) {
  const [r] = await tx.update(webhookDeliveries).set(set).where(eq(webhookDeliveries.id, id)).returning();
  return r ?? null;
}

export async function insertAttempt(
  tx: TenantTx,
  row: { tenantId: string; id: string; deliveryId: string; attemptedAt: Date } & AttemptResult,
) {
  await tx.insert(webhookAttempts).values(row);
}

export async function selectDeliveriesOf(tx: TenantTx, endpointId: string, limit: number, offset: number) {
  return tx
    .select({
      delivery: webhookDeliveries,
      total: sql<number>`count(*) over ()`.mapWith(Number),
    })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.endpointId, endpointId))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit)
    .offset(offset);
}

export async function selectAttemptsOf(tx: TenantTx, deliveryIds: string[]) {
  if (deliveryIds.length === 0) return [];
  return tx
    .select()
    .from(webhookAttempts)
    .where(inArray(webhookAttempts.deliveryId, deliveryIds))
    .orderBy(asc(webhookAttempts.attemptedAt));
}

/**
 * Deliveries of this tenant that should have been attempted by `before` but were not (a lost
 * job, a worker that died mid-attempt): pending again and due now, so they are not picked twice.
 */
export async function requeueOverdueDeliveries(tx: TenantTx, before: Date, now: Date, limit: number) {
  const rows = await tx.execute<{ id: string }>(sql`
    update webhook_deliveries set status = 'pending', next_at = ${now.toISOString()}::timestamptz
    where id in (
      select id from webhook_deliveries
      where status in ('pending', 'sending') and next_at <= ${before.toISOString()}::timestamptz
      limit ${limit} for update skip locked)
    returning id`);
  return rows.rows.map((r) => r.id);
}

/** Tenants of this region database with an overdue delivery (a definer function: ids only). */
export async function selectOverdueTenants(tx: TenantTx, before: Date, limit: number): Promise<string[]> {
  const r = await tx.execute<{ t: string }>(
    sql`select subreg_webhook_overdue_tenants(${before.toISOString()}::timestamptz, ${limit}) as t`,
  );
  return r.rows.map((x) => x.t);
}

/** Every endpoint's delivery of one event, with the endpoint's URL, oldest endpoint first. */
export async function selectDeliveriesOfEvent(tx: TenantTx, eventKey: string) {
  return tx
    .select({ delivery: webhookDeliveries, url: webhookEndpoints.url })
    .from(webhookDeliveries)
    .innerJoin(
      webhookEndpoints,
      and(
        eq(webhookEndpoints.tenantId, webhookDeliveries.tenantId),
        eq(webhookEndpoints.id, webhookDeliveries.endpointId),
      ),
    )
    .where(eq(webhookDeliveries.eventKey, eventKey))
    .orderBy(asc(webhookDeliveries.createdAt), asc(webhookDeliveries.id));
}
