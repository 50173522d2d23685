import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * Region database: every table is tenant-owned. `tenant_id` leads every primary key (so the
 * schema can later be distributed by tenant) and every table has FORCED row-level security
 * (see the custom migration `rls`).
 */

const tenantId = () => uuid('tenant_id').notNull();
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export interface Definition {
  term: string;
  definition: string;
}

export interface StoredLocation {
  written: string;
  countries: string[];
  regions: string[];
  role: string | null;
}

/** The tenant's public hosting statement (seed 001 is the model). */
export const tenantProfiles = pgTable('tenant_profiles', {
  tenantId: tenantId().primaryKey(),
  displayName: text('display_name').notNull(),
  hostingProvider: text('hosting_provider'),
  hostingRegion: text('hosting_region'),
  segregation: text('segregation'),
  dataStored: text('data_stored'),
  regionMoveInfo: text('region_move_info'),
  contactEmail: text('contact_email'),
  updatedAt: updatedAt(),
});

export const lists = pgTable(
  'lists',
  {
    tenantId: tenantId(),
    id: uuid('id').notNull(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    classification: text('classification'),
    owner: text('owner'),
    author: text('author'),
    disclaimer: text('disclaimer'),
    intro: text('intro'),
    definitions: jsonb('definitions').$type<Definition[]>().notNull().default([]),
    notes: jsonb('notes').$type<string[]>().notNull().default([]),
    noticePeriodDays: integer('notice_period_days').notNull().default(30),
    /** after a change takes effect, tell those who were told of it that it now applies */
    announceInEffect: boolean('announce_in_effect').notNull().default(false),
    visibility: text('visibility', { enum: ['public', 'unlisted', 'private'] })
      .notNull()
      .default('public'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('lists_slug_key').on(t.tenantId, t.slug),
    check('lists_visibility_check', sql`${t.visibility} in ('public', 'unlisted', 'private')`),
    check('lists_notice_period_check', sql`${t.noticePeriodDays} between 0 and 365`),
  ],
);

export const entities = pgTable(
  'entities',
  {
    tenantId: tenantId(),
    id: uuid('id').notNull(),
    legalName: text('legal_name').notNull(),
    /** lower-cased, punctuation-free legal name: what imports match on. */
    normalizedName: text('normalized_name').notNull(),
    tradingNames: text('trading_names').array().notNull().default([]),
    formerNames: text('former_names').array().notNull().default([]),
    kind: text('kind', { enum: ['affiliate', 'infrastructure', 'third_party'] }),
    corporateCountry: text('corporate_country'),
    website: text('website'),
    parentId: uuid('parent_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('entities_name_idx').on(t.tenantId, t.normalizedName),
    check('entities_kind_check', sql`${t.kind} in ('affiliate', 'infrastructure', 'third_party')`),
    foreignKey({
      columns: [t.tenantId, t.parentId],
      foreignColumns: [t.tenantId, t.id],
      name: 'entities_parent_fk',
    }),
  ],
);

export const entries = pgTable(
  'entries',
  {
    tenantId: tenantId(),
    id: uuid('id').notNull(),
    listId: uuid('list_id').notNull(),
    entityId: uuid('entity_id').notNull(),
    groupName: text('group_name'),
    purpose: text('purpose'),
    dataCategories: text('data_categories'),
    dataCategoryTags: text('data_category_tags').array().notNull().default([]),
    dataSubjects: text('data_subjects').array().notNull().default([]),
    locations: jsonb('locations').$type<StoredLocation[]>().notNull().default([]),
    /** Every ISO country any location names: what the country filter uses. */
    countryCodes: text('country_codes').array().notNull().default([]),
    transferMechanism: text('transfer_mechanism'),
    optional: boolean('optional').notNull().default(false),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // The entries API's keyset pages: (position, id) and (group, position, id) in index order.
    index('entries_list_order_idx').on(t.tenantId, t.listId, t.position, t.id),
    index('entries_list_group_idx').on(t.tenantId, t.listId, t.groupName, t.position, t.id),
    index('entries_entity_idx').on(t.tenantId, t.entityId),
    index('entries_country_idx').using('gin', t.countryCodes),
    foreignKey({
      columns: [t.tenantId, t.listId],
      foreignColumns: [lists.tenantId, lists.id],
      name: 'entries_list_fk',
    }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.entityId],
      foreignColumns: [entities.tenantId, entities.id],
      name: 'entries_entity_fk',
    }),
  ],
);

/** Append-only; each event's hash covers the previous event's hash of the same tenant. */
export const auditEvents = pgTable(
  'audit_events',
  {
    tenantId: tenantId(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    id: uuid('id').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    actorType: text('actor_type', { enum: ['user', 'token', 'system'] }).notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    objectType: text('object_type').notNull(),
    objectId: text('object_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    requestId: text('request_id'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    /** 1: plain sha256 (events written before sealing); 2: HMAC-SHA256 with the key `key_id`. */
    scheme: smallint('scheme').notNull().default(1),
    keyId: text('key_id'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.seq] })],
);

/**
 * Region-move machinery, not tenant content: while a row exists here the tenant's writes in this
 * database are refused by a statement trigger on every tenant table (migration `move_guards`).
 * The move inserts it at the freeze and removes it at the unfreeze (target) or the purge (source).
 */
export const tenantWriteFreezes = pgTable('tenant_write_freezes', {
  tenantId: tenantId().primaryKey(),
  moveId: uuid('move_id').notNull(),
  frozenAt: createdAt(),
});
