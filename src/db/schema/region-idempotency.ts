import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * Idempotency keys (the `Idempotency-Key` header): the response of a change, written in the
 * change's own transaction, so a client that lost the answer can retry and get it again instead
 * of doing the change twice. Keyed per caller; expired rows are deleted lazily.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    tenantId: uuid('tenant_id').notNull(),
    /** who sent it: "user:<id>" or "token:<id>"; one caller's keys never answer another */
    actor: text('actor').notNull(),
    key: text('key').notNull(),
    /** sha256 of method, route, parameters and body */
    requestHash: text('request_hash').notNull(),
    method: text('method').notNull(),
    route: text('route').notNull(),
    responseStatus: integer('response_status').notNull(),
    /** the JSON the operation answered, as text (replayed through the route's serializer) */
    responseBody: text('response_body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.actor, t.key] }),
    index('idempotency_keys_expiry_idx').on(t.tenantId, t.expiresAt),
  ],
);
