import { and, desc, eq, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { changeNotices, deliveryAttempts, noticeDeliveries } from '../../db/schema/region-notices.js';

export type NoticeRow = typeof changeNotices.$inferSelect;
export type DeliveryRow = typeof noticeDeliveries.$inferSelect;

export async function insertNotice(tx: TenantTx, row: typeof changeNotices.$inferInsert) {
  const [r] = await tx.insert(changeNotices).values(row).returning();
  return r!;
}

export async function selectNotice(tx: TenantTx, id: string, lock = false) {
  const q = tx.select().from(changeNotices).where(eq(changeNotices.id, id));
  const [r] = lock ? await q.for('update') : await q;
  return r ?? null;
}

export async function selectNoticeOfVersion(tx: TenantTx, listId: string, number: number) {
  const [r] = await tx
    .select()
    .from(changeNotices)
    .where(and(eq(changeNotices.listId, listId), eq(changeNotices.versionNumber, number)))
    .for('update');
  return r ?? null;
}

/**
 * One delivery per recipient, in one statement (100,000 recipients are one INSERT ... SELECT,
 * not 100,000 round trips). The Message-ID is fixed here, per (notice, recipient, kind).
 */
export async function queueDeliveries(
  tx: TenantTx,
  p: {
    tenantId: string;
    noticeId: string;
    kind: 'notice' | 'withdrawal';
    domain: string;
    now: Date;
    recipients: 'subscribers' | 'told';
    listId: string;
  },
): Promise<number> {
  const source =
    p.recipients === 'subscribers'
      ? sql`select distinct on (email) id as subscriber_id, email from subscribers
             where status = 'confirmed' and (list_id = ${p.listId}::uuid or list_id is null)
             order by email, list_id nulls last`
      : sql`select subscriber_id, email from notice_deliveries
             where notice_id = ${p.noticeId}::uuid and kind = 'notice' and attempts > 0`;
  const res = await tx.execute(sql`
    insert into notice_deliveries
      (tenant_id, id, notice_id, subscriber_id, kind, email, status, attempts, next_attempt_at, message_id)
    select ${p.tenantId}::uuid, gen_random_uuid(), ${p.noticeId}::uuid, r.subscriber_id, ${p.kind}, r.email,
           'queued', 0, ${p.now.toISOString()}::timestamptz,
           '<' || ${p.kind} || '.' || ${p.noticeId} || '.' || r.subscriber_id || '@' || ${p.domain} || '>'
    from (${source}) r
    on conflict do nothing`);
  return res.rowCount ?? 0;
}

/** Messages of a withdrawn notice that were never tried are simply not sent. */
export async function dropUntriedNotices(tx: TenantTx, noticeId: string) {
  await tx
    .delete(noticeDeliveries)
    .where(
      and(
        eq(noticeDeliveries.noticeId, noticeId),
        eq(noticeDeliveries.kind, 'notice'),
        eq(noticeDeliveries.attempts, 0),
      ),
    );
}

export const LEASE_MS = 5 * 60_000;

/**
 * Claims due deliveries: queued and due, or `sending` with a lapsed lease (the worker that took
 * them died). SKIP LOCKED lets several workers share the work without waiting on each other.
 * A due message whose subscriber is no longer confirmed (unsubscribed after the publish, or
 * removed) is not claimed but marked `skipped`, in the same statement: nobody gets mail after
 * saying stop. `skipped` counts those, so a batch of only skipped rows does not end the run.
 */
export async function claimDue(
  tx: TenantTx,
  now: Date,
  limit: number,
  leaseMs = LEASE_MS,
): Promise<{ rows: DeliveryRow[]; skipped: number }> {
  const iso = now.toISOString();
  const res = await tx.execute<Record<string, unknown>>(sql`
    with due as (
      select d.tenant_id, d.id, s.status as subscriber_status
      from notice_deliveries d
      left join subscribers s on s.tenant_id = d.tenant_id and s.id = d.subscriber_id
      where (d.status = 'queued' and d.next_attempt_at <= ${iso}::timestamptz)
         or (d.status = 'sending' and d.lease_until < ${iso}::timestamptz)
      order by d.next_attempt_at
      limit ${limit}
      for update of d skip locked),
    skipped as (
      update notice_deliveries d set status = 'skipped', lease_until = null,
             last_error = case when due.subscriber_status is null then 'skipped: subscriber removed'
                               else 'skipped: unsubscribed' end
      from due
      where d.tenant_id = due.tenant_id and d.id = due.id
        and due.subscriber_status is distinct from 'confirmed'
      returning d.id),
    claimed as (
      update notice_deliveries d set status = 'sending', attempts = d.attempts + 1,
             lease_until = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz
      from due
      where d.tenant_id = due.tenant_id and d.id = due.id and due.subscriber_status = 'confirmed'
      returning d.id, d.notice_id, d.subscriber_id, d.kind, d.email, d.attempts, d.message_id)
    select (select count(*) from skipped)::int as skipped,
           (select coalesce(json_agg(c), '[]'::json) from claimed c) as claimed`);
  const row = res.rows[0]!;
  const rows = (row.claimed as Record<string, unknown>[]).map((r) => ({
    id: String(r.id),
    noticeId: String(r.notice_id),
    subscriberId: String(r.subscriber_id),
    kind: r.kind as DeliveryRow['kind'],
    email: String(r.email),
    attempts: Number(r.attempts),
    messageId: String(r.message_id),
  })) as DeliveryRow[];
  return { rows, skipped: Number(row.skipped) };
}

export interface AttemptRecord {
  deliveryId: string;
  at: Date;
  ok: boolean;
  response: string;
  next: { status: 'sent' | 'queued' | 'failed'; nextAttemptAt?: Date | undefined };
}

/**
 * Records a group of attempts in two statements (not two per message: the worker records as
 * it sends, and 100,000 messages must not cost 200,000 round trips): every attempt appended,
 * every message moved to its next state.
 */
export async function recordAttempts(tx: TenantTx, tenantId: string, records: AttemptRecord[]) {
  if (records.length === 0) return;
  await tx.insert(deliveryAttempts).values(
    records.map((r) => ({
      tenantId,
      id: crypto.randomUUID(),
      deliveryId: r.deliveryId,
      at: r.at,
      result: r.ok ? ('sent' as const) : ('failed' as const),
      smtpResponse: r.response.slice(0, 1000),
    })),
  );
  const rows = records.map((r) => ({
    id: r.deliveryId,
    status: r.next.status,
    ok: r.ok,
    at: r.at.toISOString(),
    response: r.response.slice(0, 1000),
    next_at: r.next.nextAttemptAt?.toISOString() ?? null,
  }));
  await tx.execute(sql`
    update notice_deliveries d
    set status = v.status, lease_until = null,
        sent_at = case when v.ok then v.at else d.sent_at end,
        last_error = case when v.ok then null else v.response end,
        next_attempt_at = coalesce(v.next_at, d.next_attempt_at)
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
         as v(id uuid, status text, ok boolean, at timestamptz, response text, next_at timestamptz)
    where d.id = v.id`);
}

export async function selectNotices(tx: TenantTx, listId: string | undefined, limit: number, offset: number) {
  return tx
    .select({
      n: changeNotices,
      recipients: sql<number>`(select count(*) from notice_deliveries d where d.notice_id = change_notices.id and d.kind = 'notice')::int`,
      sent: sql<number>`(select count(*) from notice_deliveries d where d.notice_id = change_notices.id and d.kind = 'notice' and d.status = 'sent')::int`,
      failed: sql<number>`(select count(*) from notice_deliveries d where d.notice_id = change_notices.id and d.kind = 'notice' and d.status = 'failed')::int`,
      total: sql<number>`count(*) over ()::int`,
    })
    .from(changeNotices)
    .where(listId ? eq(changeNotices.listId, listId) : undefined)
    .orderBy(desc(changeNotices.publishedAt))
    .limit(limit)
    .offset(offset);
}

export async function selectDeliveries(
  tx: TenantTx,
  f: { noticeId?: string | undefined; failed?: boolean | undefined },
  limit: number,
  offset: number,
) {
  return tx
    .select({ d: noticeDeliveries, total: sql<number>`count(*) over ()::int` })
    .from(noticeDeliveries)
    .where(
      and(
        f.noticeId ? eq(noticeDeliveries.noticeId, f.noticeId) : undefined,
        f.failed
          ? sql`(${noticeDeliveries.status} = 'failed' or ${noticeDeliveries.lastError} is not null and ${noticeDeliveries.status} not in ('sent', 'skipped'))`
          : undefined,
      ),
    )
    .orderBy(desc(noticeDeliveries.createdAt), noticeDeliveries.email)
    .limit(limit)
    .offset(offset);
}
