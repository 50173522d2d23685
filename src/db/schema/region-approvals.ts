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
import { customers } from './region-customers.js';
import { changeNotices } from './region-notices.js';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Under specific authorisation a change needs the customer's approval: one row per (notice,
 * customer), created in the publish's transaction. The request mail goes to the customer's
 * confirmed contacts (`mailed_to` lists who has it, so a retry sends nobody twice); the
 * decision comes from a contact's signed link, before the effective date.
 */
export const changeApprovals = pgTable(
  'change_approvals',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    noticeId: uuid('notice_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    /** the customer's name when asked (what was asked of whom) */
    organisation: text('organisation').notNull(),
    effectiveAt: ts('effective_at').notNull(),
    status: text('status', { enum: ['requested', 'approved', 'refused'] }).notNull(),
    requestedAt: ts('requested_at').notNull(),
    decidedAt: ts('decided_at'),
    decidedBy: text('decided_by'),
    reason: text('reason'),
    mailStatus: text('mail_status', { enum: ['queued', 'sent', 'failed'] }).notNull(),
    mailedTo: jsonb('mailed_to').$type<string[]>().notNull().default([]),
    mailAttempts: integer('mail_attempts').notNull().default(0),
    mailError: text('mail_error'),
    mailedAt: ts('mailed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('change_approvals_once_key').on(t.tenantId, t.noticeId, t.customerId),
    index('change_approvals_customer_idx').on(t.tenantId, t.customerId),
    index('change_approvals_mail_idx').on(t.tenantId, t.mailStatus),
    check('change_approvals_status_check', sql`${t.status} in ('requested', 'approved', 'refused')`),
    check('change_approvals_mail_status_check', sql`${t.mailStatus} in ('queued', 'sent', 'failed')`),
    foreignKey({
      columns: [t.tenantId, t.customerId],
      foreignColumns: [customers.tenantId, customers.id],
      name: 'change_approvals_customer_fk',
    }),
    foreignKey({
      columns: [t.tenantId, t.noticeId],
      foreignColumns: [changeNotices.tenantId, changeNotices.id],
      name: 'change_approvals_notice_fk',
    }).onDelete('cascade'),
  ],
);
