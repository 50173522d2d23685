import { and, desc, eq, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { changeNotices, noticeDeliveries } from '../../db/schema/region-notices.js';

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

/** The Message-ID of (kind, notice, recipient) as SQL: fixed when the row is made, so a repeat is recognisable. */
const messageIdSql = (kind: 'notice' | 'withdrawal' | 'in_effect', noticeId: string, domain: string) =>
  sql`'<' || ${kind} || '.' || ${noticeId} || '.' || r.subscriber_id || '@' || ${domain} || '>'`;

/**
 * Withdrawal messages, one per recipient already tried with the notice (at most those the
 * fan-out has reached), in one statement.
 */
export async function queueWithdrawals(
  tx: TenantTx,
  p: { tenantId: string; noticeId: string; domain: string; now: Date },
): Promise<number> {
  const res = await tx.execute(sql`
    insert into notice_deliveries
      (tenant_id, id, notice_id, subscriber_id, kind, email, status, attempts, next_attempt_at, message_id)
    select ${p.tenantId}::uuid, gen_random_uuid(), ${p.noticeId}::uuid, r.subscriber_id, 'withdrawal', r.email,
           'queued', 0, ${p.now.toISOString()}::timestamptz, ${messageIdSql('withdrawal', p.noticeId, p.domain)}
    from (select subscriber_id, email from notice_deliveries
          where notice_id = ${p.noticeId}::uuid and kind = 'notice' and attempts > 0) r
    on conflict do nothing`);
  return res.rowCount ?? 0;
}

/**
 * Whether subscriber row `s` was confirmed at `at` (the notice's publication): confirmed then
 * or before, and not unsubscribed between that confirmation and `at`. Rows unsubscribed since
 * still count (their message is made and then skipped, as when the rows were made at publish).
 */
const confirmedAt = (s: string, at: string) =>
  sql.raw(`(${s}.confirmed_at <= '${at}'::timestamptz
     or (${s}.confirmed_at is null and ${s}.status = 'confirmed' and ${s}.created_at <= '${at}'::timestamptz))
   and (${s}.unsubscribed_at is null or ${s}.unsubscribed_at > '${at}'::timestamptz
        or ${s}.unsubscribed_at < ${s}.confirmed_at)`);

export interface FanoutStep {
  /** delivery rows made by this step */
  made: number;
  /** true when the notice has every recipient's row (or was withdrawn): nothing more to make */
  done: boolean;
}

/** Notices still fanning out (oldest first): the worker makes their delivery rows in chunks. */
export async function selectFanningOut(tx: TenantTx): Promise<string[]> {
  const { rows } = await tx.execute<{ id: string }>(
    sql`select id from change_notices where fanned_out_at is null order by published_at, id`,
  );
  return rows.map((r) => r.id);
}

/**
 * One step of a notice's fan-out, in the caller's transaction: the delivery rows of the next
 * `chunk` recipients by subscriber id after the notice's cursor, and the cursor moved past
 * them, together (a worker killed between steps resumes at the cursor; ON CONFLICT on the
 * once-key makes a repeated step harmless). The recipients are those a publish-time INSERT
 * would have chosen: confirmed at publication, of the list or of all lists, one per address
 * (the list's own subscription before the all-lists one). The notice row is locked (SKIP
 * LOCKED: another worker's step, or a withdrawal, goes first; null = not this time).
 */
export async function fanoutStep(
  tx: TenantTx,
  p: { noticeId: string; domain: string; now: Date; chunk: number },
): Promise<FanoutStep | null> {
  const { rows } = await tx.execute<{
    tenant_id: string;
    list_id: string;
    published_at: string;
    fanout_after: string | null;
    status: string;
  }>(sql`select tenant_id, list_id, published_at, fanout_after, status from change_notices
         where id = ${p.noticeId}::uuid and fanned_out_at is null
         for update skip locked`);
  const n = rows[0];
  if (!n) return null;
  const nowIso = p.now.toISOString();
  if (n.status !== 'scheduled') {
    await tx.execute(
      sql`update change_notices set fanned_out_at = ${nowIso}::timestamptz where id = ${p.noticeId}::uuid`,
    );
    return { made: 0, done: true };
  }
  const at = new Date(n.published_at).toISOString();
  const res = await tx.execute<{ scanned: number; last: string | null; made: number }>(sql`
    with chunk as (
      select s.id as subscriber_id, s.email from subscribers s
      where ${n.fanout_after ? sql`s.id > ${n.fanout_after}::uuid and` : sql``}
            (s.list_id = ${n.list_id}::uuid
             or (s.list_id is null and not exists (
                   select 1 from subscribers o
                   where o.tenant_id = s.tenant_id and o.list_id = ${n.list_id}::uuid and o.email = s.email
                     and ${confirmedAt('o', at)})))
        and ${confirmedAt('s', at)}
      order by s.id
      limit ${p.chunk}),
    made as (
      insert into notice_deliveries
        (tenant_id, id, notice_id, subscriber_id, kind, email, status, attempts, next_attempt_at, message_id)
      select ${n.tenant_id}::uuid, gen_random_uuid(), ${p.noticeId}::uuid, r.subscriber_id, 'notice', r.email,
             'queued', 0, ${at}::timestamptz, ${messageIdSql('notice', p.noticeId, p.domain)}
      from chunk r
      on conflict do nothing
      returning 1)
    select (select count(*) from chunk)::int as scanned,
           (select subscriber_id from chunk order by subscriber_id desc limit 1) as last,
           (select count(*) from made)::int as made`);
  const step = res.rows[0]!;
  const done = step.scanned < p.chunk;
  await tx.execute(sql`
    update change_notices
    set fanout_after = coalesce(${step.last}::uuid, fanout_after),
        fanned_out_at = ${done ? nowIso : null}::timestamptz
    where id = ${p.noticeId}::uuid`);
  return { made: step.made, done };
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
 * them died): up to `limit` of each, each kind read from its own partial index (one OR over
 * both made PostgreSQL sort every queued row of a big fan-out at every claim). SKIP LOCKED lets several workers share the work without waiting on each other.
 * A due message whose subscriber is no longer confirmed (unsubscribed after the publish, or
 * removed) is not claimed but marked `skipped`, in the same statement: nobody gets mail after
 * saying stop. `skipped` counts those, so a batch of only skipped rows does not end the run.
 */
export async function claimDue(
  tx: TenantTx,
  now: Date,
  limit: number,
  leaseMs = LEASE_MS,
  /** the caller's own claims, still being sent: not taken back even when their lease lapsed */
  held: string[] = [],
): Promise<{ rows: DeliveryRow[]; skipped: number }> {
  const iso = now.toISOString();
  const res = await tx.execute<Record<string, unknown>>(sql`
    with lapsed as (
      select d.tenant_id, d.id, d.subscriber_id from notice_deliveries d
      where d.status = 'sending' and d.lease_until < ${iso}::timestamptz
        ${held.length > 0 ? sql`and d.id <> all(${`{${held.join(',')}}`}::uuid[])` : sql``}
      order by d.lease_until
      limit ${limit}
      for update skip locked),
    queued as (
      select d.tenant_id, d.id, d.subscriber_id from notice_deliveries d
      where d.status = 'queued' and d.next_attempt_at <= ${iso}::timestamptz
      order by d.next_attempt_at
      limit ${limit}
      for update skip locked),
    due as (
      select c.tenant_id, c.id, s.status as subscriber_status
      from (select * from lapsed union all select * from queued) c
      left join subscribers s on s.tenant_id = c.tenant_id and s.id = c.subscriber_id),
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
 * Records a group of attempts in one statement (not two per message: the worker records as it
 * sends, and 100,000 messages must not cost 200,000 round trips): every attempt appended,
 * every message moved to its next state.
 */
export async function recordAttempts(tx: TenantTx, tenantId: string, records: AttemptRecord[]) {
  if (records.length === 0) return;
  const rows = records.map((r) => ({
    id: r.deliveryId,
    status: r.next.status,
    ok: r.ok,
    at: r.at.toISOString(),
    response: r.response.slice(0, 1000),
    next_at: r.next.nextAttemptAt?.toISOString() ?? null,
  }));
  await tx.execute(sql`
    with v as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as v(id uuid, status text, ok boolean, at timestamptz, response text, next_at timestamptz)),
    attempts as (
      insert into delivery_attempts (tenant_id, id, delivery_id, at, result, smtp_response)
      select ${tenantId}::uuid, gen_random_uuid(), v.id, v.at,
             case when v.ok then 'sent' else 'failed' end, v.response
      from v)
    update notice_deliveries d
    set status = v.status, lease_until = null,
        sent_at = case when v.ok then v.at else d.sent_at end,
        last_error = case when v.ok then null else v.response end,
        next_attempt_at = coalesce(v.next_at, d.next_attempt_at)
    from v
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

/** Marks a notice withdrawn, and its fan-out over (the caller holds the notice's row lock). */
export async function markWithdrawn(tx: TenantTx, id: string, now: Date, reason: string) {
  await tx.execute(
    sql`update change_notices set status = 'withdrawn', withdrawn_at = ${now.toISOString()}::timestamptz, withdrawn_reason = ${reason},
        fanned_out_at = coalesce(fanned_out_at, ${now.toISOString()}::timestamptz) where id = ${id}::uuid`,
  );
}

/** One delivery by id (RLS scopes it to the transaction's tenant). */
export async function selectDelivery(tx: TenantTx, id: string) {
  const [row] = await tx.select().from(noticeDeliveries).where(eq(noticeDeliveries.id, id));
  return row ?? null;
}

/** A "now in effect" message later than this after the effective date would only confuse. */
export const IN_EFFECT_WINDOW_DAYS = 2;

/**
 * The "now in effect" messages of notices that took effect (on lists that announce it): one per
 * recipient the notice reached (sent) who is still subscribed, queued once per notice. The notice's row is marked in the
 * same statement, so two workers queue them once between them (the second finds it marked).
 * Returns how many messages were queued.
 */
export async function queueInEffectMessages(
  tx: TenantTx,
  p: { tenantId: string; now: Date; domain: string },
): Promise<number> {
  const now = p.now.toISOString();
  const res = await tx.execute(sql`
    with due as (
      update change_notices n set in_effect_queued_at = ${now}::timestamptz
      from lists l
      where l.tenant_id = n.tenant_id and l.id = n.list_id and l.announce_in_effect
        and n.status = 'scheduled' and n.in_effect_queued_at is null and n.fanned_out_at is not null
        and n.effective_at <= ${now}::timestamptz
        and n.effective_at > ${now}::timestamptz - make_interval(days => ${IN_EFFECT_WINDOW_DAYS})
      returning n.id)
    insert into notice_deliveries
      (tenant_id, id, notice_id, subscriber_id, kind, email, status, attempts, next_attempt_at, message_id)
    select ${p.tenantId}::uuid, gen_random_uuid(), r.notice_id, r.subscriber_id, 'in_effect', r.email,
           'queued', 0, ${now}::timestamptz,
           '<in_effect.' || r.notice_id || '.' || r.subscriber_id || '@' || ${p.domain} || '>'
    from notice_deliveries r join due on r.notice_id = due.id
      join subscribers s on s.tenant_id = r.tenant_id and s.id = r.subscriber_id and s.status = 'confirmed'
    where r.kind = 'notice' and r.status = 'sent'
    on conflict do nothing`);
  return res.rowCount ?? 0;
}
