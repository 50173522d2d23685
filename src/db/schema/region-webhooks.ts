import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * Webhooks: a tenant's endpoints, one delivery per (event, endpoint), and every attempt at it.
 * Deliveries are written in the transaction of the change that causes them (a publish), with
 * a pg-boss job; the worker records each attempt (migration `webhooks_rls`).
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    url: text('url').notNull(),
    description: text('description'),
    events: text('events').array().notNull(),
    /** the signing secret (whsec_...), AES-256-GCM under a key kept outside the database */
    secretSealed: text('secret_sealed').notNull(),
    /** first characters of the secret, so a person can tell secrets apart */
    secretPrefix: text('secret_prefix').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    disabledReason: text('disabled_reason'),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    /** consecutive failed attempts; 0 after a success */
    failureCount: integer('failure_count').notNull().default(0),
    /** when the current run of failures began (null: the last attempt succeeded) */
    failingSince: timestamp('failing_since', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    endpointId: uuid('endpoint_id').notNull(),
    eventType: text('event_type').notNull(),
    /** what happened, e.g. `version.published:<list>:<n>`: one delivery per (event, endpoint) */
    eventKey: text('event_key').notNull(),
    /** the `webhook-id` header: the same on every attempt and re-send, so a repeat is recognisable */
    webhookId: text('webhook_id').notNull(),
    payload: jsonb('payload').notNull(),
    status: text('status').$type<DeliveryStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** when the next attempt is due (pending), or until when a worker holds it (sending) */
    nextAt: timestamp('next_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    /** when it was queued, or re-sent: retries stop `giveUpAfterHours` after this */
    queuedAt: timestamp('queued_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('webhook_deliveries_event_uq').on(t.tenantId, t.endpointId, t.eventKey),
    index('webhook_deliveries_endpoint_idx').on(t.tenantId, t.endpointId, t.createdAt),
    index('webhook_deliveries_due_idx').on(t.status, t.nextAt),
    check(
      'webhook_deliveries_status_check',
      sql`${t.status} in ('pending', 'sending', 'delivered', 'failed')`,
    ),
    foreignKey({
      columns: [t.tenantId, t.endpointId],
      foreignColumns: [webhookEndpoints.tenantId, webhookEndpoints.id],
      name: 'webhook_deliveries_endpoint_fk',
    }).onDelete('cascade'),
  ],
);

export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    deliveryId: uuid('delivery_id').notNull(),
    attemptedAt: timestamp('attempted_at', { withTimezone: true }).notNull(),
    /** the receiver's HTTP status; null when there was none (refused, timeout, connection error) */
    httpStatus: integer('http_status'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    /** the first bytes of the receiver's answer (at most 1 KB) */
    responseExcerpt: text('response_excerpt'),
    success: boolean('success').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('webhook_attempts_delivery_idx').on(t.tenantId, t.deliveryId, t.attemptedAt),
    foreignKey({
      columns: [t.tenantId, t.deliveryId],
      foreignColumns: [webhookDeliveries.tenantId, webhookDeliveries.id],
      name: 'webhook_attempts_delivery_fk',
    }).onDelete('cascade'),
  ],
);
