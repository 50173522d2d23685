import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import type { ChangeSet, VersionSnapshot } from '../../domain/public-view.js';
import { lists } from './region.js';

/**
 * A published version of a list: its entries and document metadata frozen at publication, and
 * what changed against the version before. Append-only: the application role may only insert
 * and read, and a trigger refuses UPDATE and DELETE (migration `versions_rls`).
 */
export const listVersions = pgTable(
  'list_versions',
  {
    tenantId: uuid('tenant_id').notNull(),
    listId: uuid('list_id').notNull(),
    number: integer('number').notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull(),
    effectiveAt: timestamp('effective_at', { withTimezone: true }).notNull(),
    authorType: text('author_type').notNull(),
    authorId: text('author_id'),
    /** the author's name when publishing (a user's name or email, a token's name) */
    authorDisplay: text('author_display'),
    summary: text('summary'),
    snapshot: jsonb('snapshot').$type<VersionSnapshot>().notNull(),
    changes: jsonb('changes').$type<ChangeSet>().notNull(),
    /** sha256 of the canonical snapshot: what the JSON export and ETags derive from */
    contentHash: text('content_hash').notNull(),
    /** why this version takes effect sooner than the list's notice period allows (emergency) */
    emergencyReason: text('emergency_reason'),
    /** the pending (not yet effective) version this one replaced: that one never takes effect */
    replacesVersion: integer('replaces_version'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.listId, t.number] }),
    check('list_versions_number_check', sql`${t.number} >= 1`),
    foreignKey({
      columns: [t.tenantId, t.listId],
      foreignColumns: [lists.tenantId, lists.id],
      name: 'list_versions_list_fk',
    }),
  ],
);
