import { sql } from 'drizzle-orm';
import {
  bigint,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** Control plane: global and small. Everything tenant-owned lives in region databases. */

export const regions = pgTable('regions', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** as configured (REGIONS / REGION_<ID>_*), recorded at every boot */
  provider: text('provider'),
  countries: text('countries').array().notNull().default([]),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const tenants = pgTable(
  'tenants',
  {
    id: uuid('id').primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    regionId: text('region_id')
      .notNull()
      .references(() => regions.id),
    status: text('status', { enum: ['active', 'moving', 'suspended'] })
      .notNull()
      .default('active'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('tenants_slug_key').on(t.slug)],
);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull().default(''),
    passwordHash: text('password_hash'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_email_key').on(sql`lower(${t.email})`)],
);

export const memberships = pgTable(
  'memberships',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['owner', 'editor', 'viewer'] }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId] }), index('memberships_user_idx').on(t.userId)],
);

export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role', { enum: ['owner', 'editor', 'viewer'] }).notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('invitations_token_key').on(t.tokenHash),
    index('invitations_tenant_idx').on(t.tenantId),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    /** sha256 of the cookie value: a leaked table does not leak sessions. */
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    scope: text('scope', { enum: ['read', 'write'] }).notNull(),
    /** sha256 of the secret; the secret itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull(),
    prefix: text('prefix').notNull(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('api_tokens_hash_key').on(t.tokenHash), index('api_tokens_tenant_idx').on(t.tenantId)],
);

/**
 * The audit chain head of each tenant, kept outside its region database so that a region
 * administrator who truncates or rewrites the chain is caught. Advanced only after the region
 * transaction that wrote the event committed: it may lag, never run ahead.
 */
export const auditHeads = pgTable('audit_heads', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Ed25519-signed statements "tenant T's chain had head H at seq S at time X" (append-only). */
export const auditCheckpoints = pgTable(
  'audit_checkpoints',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    headHash: text('head_hash').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    keyId: text('key_id').notNull(),
    /** the exact bytes that were signed (canonical JSON) */
    payload: text('payload').notNull(),
    signature: text('signature').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('audit_checkpoints_tenant_seq_idx').on(t.tenantId, t.seq),
  ],
);

/** Addresses each API token was used from, so the first use from a new one is audited once. */
export const apiTokenAddresses = pgTable(
  'api_token_addresses',
  {
    tokenId: uuid('token_id')
      .notNull()
      .references(() => apiTokens.id, { onDelete: 'cascade' }),
    address: text('address').notNull(),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tokenId, t.address] })],
);
/** The steps of a region move, in order. `state` of the move says where it stands. */
export const MOVE_STEPS = ['freeze', 'copy', 'verify', 'switch', 'jobs', 'unfreeze', 'purge'] as const;
export type MoveStep = (typeof MOVE_STEPS)[number];
export type MoveState = 'planned' | 'running' | 'failed' | 'completed' | 'rolling_back' | 'rolled_back';

/**
 * One move of a tenant from one region to another: who asked, the estimate shown first, and each
 * step's state and timings. The move runs from here: a killed process resumes from `step`.
 */
export const regionMoves = pgTable(
  'region_moves',
  {
    id: uuid('id').primaryKey(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    fromRegion: text('from_region').notNull(),
    toRegion: text('to_region').notNull(),
    state: text('state').$type<MoveState>().notNull(),
    /** the step being run, or the last one done; null before the first */
    step: text('step').$type<MoveStep>(),
    requestedBy: text('requested_by').notNull(),
    estimate: jsonb('estimate').notNull(),
    /** per step: { state, startedAt, finishedAt, ms, ...details } */
    steps: jsonb('steps').notNull().default({}),
    /** per table: rows, bytes, copied rows, checksums */
    tables: jsonb('tables').notNull().default({}),
    copiedRows: bigint('copied_rows', { mode: 'number' }).notNull().default(0),
    copiedBytes: bigint('copied_bytes', { mode: 'number' }).notNull().default(0),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    frozenAt: timestamp('frozen_at', { withTimezone: true }),
    unfrozenAt: timestamp('unfrozen_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('region_moves_tenant_idx').on(t.tenantId, t.createdAt),
    // At most one unfinished move per tenant.
    uniqueIndex('region_moves_open_key')
      .on(t.tenantId)
      .where(sql`state in ('planned', 'running', 'failed', 'rolling_back')`),
  ],
);

/**
 * A sign-up waiting for its address to be confirmed: the workspace to create and the owner's
 * password hash. The link's secret is sent once by email and only its sha256 is kept; the row
 * is used once (`used_at`) and expires.
 */
export const signupRequests = pgTable(
  'signup_requests',
  {
    tokenHash: text('token_hash').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull().default(''),
    passwordHash: text('password_hash').notNull(),
    tenantSlug: text('tenant_slug').notNull(),
    tenantName: text('tenant_name').notNull(),
    regionId: text('region_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('signup_requests_expires_idx').on(t.expiresAt)],
);

/** A link that sets a new password: single use, short-lived, only the secret's sha256 kept. */
export const passwordResets = pgTable(
  'password_resets',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('password_resets_user_idx').on(t.userId)],
);
