import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { lists } from './region.js';
import { customers } from './region-customers.js';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Who is told of changes: one row per (list or whole tenant, address). Double opt-in: a row is
 * `pending` until its emailed link confirms it; only `confirmed` rows receive notices. The
 * confirmation link carries a nonce whose sha256 is kept here, so a link works once.
 */
export const subscribers = pgTable(
  'subscribers',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    /** null: every list of the tenant */
    listId: uuid('list_id'),
    /** lower-cased */
    email: text('email').notNull(),
    organisation: text('organisation'),
    /** the customer this address speaks for (its contact), if staff linked it */
    customerId: uuid('customer_id'),
    status: text('status', { enum: ['pending', 'confirmed', 'unsubscribed'] }).notNull(),
    addedBy: text('added_by', { enum: ['staff', 'self'] }).notNull(),
    confirmNonceHash: text('confirm_nonce_hash'),
    confirmExpiresAt: ts('confirm_expires_at'),
    /** confirmation emails sent for this row (a cap against subscription bombing) */
    confirmationsSent: integer('confirmations_sent').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    confirmedAt: ts('confirmed_at'),
    unsubscribedAt: ts('unsubscribed_at'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('subscribers_address_key').on(t.tenantId, t.listId, t.email).nullsNotDistinct(),
    check('subscribers_status_check', sql`${t.status} in ('pending', 'confirmed', 'unsubscribed')`),
    check('subscribers_added_by_check', sql`${t.addedBy} in ('staff', 'self')`),
    foreignKey({
      columns: [t.tenantId, t.listId],
      foreignColumns: [lists.tenantId, lists.id],
      name: 'subscribers_list_fk',
    }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.customerId],
      foreignColumns: [customers.tenantId, customers.id],
      name: 'subscribers_customer_fk',
    }),
    index('subscribers_customer_idx').on(t.tenantId, t.customerId),
  ],
);

/** A change notice: created with the version it announces, in the publish's transaction. */
export const changeNotices = pgTable(
  'change_notices',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    listId: uuid('list_id').notNull(),
    versionNumber: integer('version_number').notNull(),
    /** the version in force when this one was published: what the notice's changes are against */
    baseVersion: integer('base_version').notNull(),
    publishedAt: ts('published_at').notNull(),
    effectiveAt: ts('effective_at').notNull(),
    /** set when the notice is shorter than the list's notice period */
    emergencyReason: text('emergency_reason'),
    status: text('status', { enum: ['scheduled', 'withdrawn'] }).notNull(),
    withdrawnAt: ts('withdrawn_at'),
    withdrawnReason: text('withdrawn_reason'),
    counts: jsonb('counts').$type<{ added: number; removed: number; changed: number }>().notNull(),
    /**
     * The fan-out, done by the notice worker after the publish commits: the last subscriber id
     * (keyset) whose delivery row exists, and when the last one was made (null: still fanning
     * out; set at once when the notice is withdrawn first).
     */
    fanoutAfter: uuid('fanout_after'),
    fannedOutAt: ts('fanned_out_at'),
    /** when the "now in effect" messages were queued (lists that announce it), once */
    inEffectQueuedAt: ts('in_effect_queued_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('change_notices_fanout_idx').on(t.tenantId, t.publishedAt).where(sql`${t.fannedOutAt} is null`),
    unique('change_notices_version_key').on(t.tenantId, t.listId, t.versionNumber),
    check('change_notices_status_check', sql`${t.status} in ('scheduled', 'withdrawn')`),
    foreignKey({
      columns: [t.tenantId, t.listId],
      foreignColumns: [lists.tenantId, lists.id],
      name: 'change_notices_list_fk',
    }).onDelete('cascade'),
  ],
);

/**
 * One message to one subscriber about one notice (`kind`: the notice, its withdrawal, or that it is now in effect). The
 * row is the job: created `queued` in the publish's transaction; a worker claims due rows
 * (`sending`, with a lease, so a killed worker's rows come back), sends, and records the result.
 */
export const noticeDeliveries = pgTable(
  'notice_deliveries',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    noticeId: uuid('notice_id').notNull(),
    subscriberId: uuid('subscriber_id').notNull(),
    kind: text('kind', { enum: ['notice', 'withdrawal', 'in_effect'] }).notNull(),
    /** the address when the notice was created (what was told to whom) */
    email: text('email').notNull(),
    /** `skipped`: not sent because the subscriber was no longer confirmed when it came due */
    status: text('status', { enum: ['queued', 'sending', 'sent', 'failed', 'skipped'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull(),
    leaseUntil: ts('lease_until'),
    messageId: text('message_id').notNull(),
    lastError: text('last_error'),
    sentAt: ts('sent_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('notice_deliveries_once_key').on(t.tenantId, t.noticeId, t.subscriberId, t.kind),
    // the worker's claim: queued ones by due time, and lapsed leases (small partial indexes that
    // stay small: sent rows, the bulk of the table, are in neither; every change of a row's
    // status writes its index entries anew, so there is no index over all rows by status)
    index('notice_deliveries_queued_idx').on(t.tenantId, t.nextAttemptAt).where(sql`${t.status} = 'queued'`),
    index('notice_deliveries_lease_idx').on(t.tenantId, t.leaseUntil).where(sql`${t.status} = 'sending'`),
    check('notice_deliveries_kind_check', sql`${t.kind} in ('notice', 'withdrawal', 'in_effect')`),
    check(
      'notice_deliveries_status_check',
      sql`${t.status} in ('queued', 'sending', 'sent', 'failed', 'skipped')`,
    ),
    foreignKey({
      columns: [t.tenantId, t.noticeId],
      foreignColumns: [changeNotices.tenantId, changeNotices.id],
      name: 'notice_deliveries_notice_fk',
    }).onDelete('cascade'),
  ],
);

/** Every attempt to hand a message to the SMTP server: time, result, the server's answer. */
export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    deliveryId: uuid('delivery_id').notNull(),
    at: ts('at').notNull(),
    result: text('result', { enum: ['sent', 'failed'] }).notNull(),
    smtpResponse: text('smtp_response'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('delivery_attempts_delivery_idx').on(t.tenantId, t.deliveryId),
    foreignKey({
      columns: [t.tenantId, t.deliveryId],
      foreignColumns: [noticeDeliveries.tenantId, noticeDeliveries.id],
      name: 'delivery_attempts_delivery_fk',
    }).onDelete('cascade'),
  ],
);

/** An objection to a notice, from a recipient's personal link, before the effective date. */
export const objections = pgTable(
  'objections',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    noticeId: uuid('notice_id').notNull(),
    deliveryId: uuid('delivery_id'),
    email: text('email').notNull(),
    organisation: text('organisation'),
    contact: text('contact'),
    reason: text('reason').notNull(),
    status: text('status', { enum: ['open', 'resolved', 'withdrawn', 'upheld'] }).notNull(),
    answer: text('answer'),
    answeredAt: ts('answered_at'),
    answerMailedAt: ts('answer_mailed_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('objections_notice_idx').on(t.tenantId, t.noticeId),
    // the workspace inbox: newest first, keyset on (created_at, id)
    index('objections_created_idx').on(t.tenantId, t.createdAt, t.id),
    check('objections_status_check', sql`${t.status} in ('open', 'resolved', 'withdrawn', 'upheld')`),
    foreignKey({
      columns: [t.tenantId, t.noticeId],
      foreignColumns: [changeNotices.tenantId, changeNotices.id],
      name: 'objections_notice_fk',
    }).onDelete('cascade'),
  ],
);
