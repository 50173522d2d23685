import { sql } from 'drizzle-orm';
import { check, integer, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * A customer of the provider and the terms its contract sets: general or specific
 * authorisation (SCC clause 9 options 2 and 1), a notice period that may be longer than a
 * list's, how it wants to be told. Its contacts are subscribers linked to it
 * (`subscribers.customer_id`).
 */
export const customers = pgTable(
  'customers',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    organisation: text('organisation').notNull(),
    contractReference: text('contract_reference'),
    authorisation: text('authorisation', { enum: ['general', 'specific'] }).notNull(),
    /** null: the list's notice period applies */
    noticePeriodDays: integer('notice_period_days'),
    notifyBy: text('notify_by', { enum: ['email', 'webhook', 'both'] }).notNull(),
    notes: text('notes'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique('customers_organisation_key').on(t.tenantId, t.organisation),
    check('customers_authorisation_check', sql`${t.authorisation} in ('general', 'specific')`),
    check('customers_notify_by_check', sql`${t.notifyBy} in ('email', 'webhook', 'both')`),
    check(
      'customers_notice_period_check',
      sql`${t.noticePeriodDays} is null or ${t.noticePeriodDays} between 0 and 365`,
    ),
  ],
);
