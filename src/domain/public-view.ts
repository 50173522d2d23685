import type { Definition, StoredLocation } from '../db/schema/region.js';

/**
 * The contract between publishing (which stores versions and loads them) and the renderers of
 * the public trust page, exports and feeds. Everything here is plain JSON, frozen at publication:
 * renderers are pure functions of these values.
 */

export type EntityType = 'affiliate' | 'infrastructure' | 'third_party';

/** One entry of a list as it was when a version was published. */
export interface SnapshotEntry {
  /** stable across versions while the entry lives: the draft entry's id */
  key: string;
  entityId: string;
  legalName: string;
  tradingNames: string[];
  formerNames: string[];
  type: EntityType | null;
  group: string | null;
  purpose: string | null;
  dataCategories: string | null;
  dataSubjects: string[];
  locations: StoredLocation[];
  transferMechanism: string | null;
  optional: boolean;
  corporateCountry: string | null;
  website: string | null;
}

/** The list's document metadata, frozen with the version. */
export interface ListDocument {
  slug: string;
  title: string;
  classification: string | null;
  owner: string | null;
  author: string | null;
  disclaimer: string | null;
  intro: string | null;
  definitions: Definition[];
  notes: string[];
  noticePeriodDays: number;
}

export interface VersionSnapshot {
  document: ListDocument;
  entries: SnapshotEntry[];
}

export type ChangedField =
  | 'legalName'
  | 'tradingNames'
  | 'formerNames'
  | 'type'
  | 'group'
  | 'purpose'
  | 'dataCategories'
  | 'dataSubjects'
  | 'locations'
  | 'transferMechanism'
  | 'optional';

export interface FieldChange {
  field: ChangedField;
  /** locations compare and show as their written strings */
  before: string | string[] | boolean | null;
  after: string | string[] | boolean | null;
}

export interface EntryChange {
  key: string;
  legalName: string;
  changes: FieldChange[];
}

export interface ChangeSet {
  added: SnapshotEntry[];
  removed: SnapshotEntry[];
  changed: EntryChange[];
  /** document metadata fields that changed (title, intro, notes, ...) */
  documentFields: string[];
}

export interface VersionSummary {
  number: number;
  /** ISO 8601 timestamps */
  publishedAt: string;
  effectiveAt: string;
  author: string | null;
  /** the author's name when publishing (user name or email, token name); null before it was kept */
  authorName?: string | null;
  summary: string | null;
  /** an emergency notice's reason (effective sooner than the notice period) */
  emergencyReason?: string | null;
  /** the pending version this one replaced */
  replacesVersion?: number | null;
  counts: { added: number; removed: number; changed: number };
  /** the change set itself: present in PublicListView.history (feeds name what changed) */
  changes?: ChangeSet;
}

export interface PublishedVersion extends VersionSummary {
  snapshot: VersionSnapshot;
  /** against the previous version; for version 1 every entry is "added" */
  changes: ChangeSet;
}

/** An entry that a later version removed: shown as a former sub-processor. */
export interface FormerEntry {
  entry: SnapshotEntry;
  removedInVersion: number;
  /** the effective date of the version that removed it */
  leftAt: string;
}

export interface PublicTenant {
  slug: string;
  name: string;
  hosting: {
    provider: string | null;
    region: string | null;
    segregation: string | null;
    dataStored: string | null;
    regionMoveInfo: string | null;
    contactEmail: string | null;
  } | null;
  /** the region the tenant's data lives in, e.g. { id: 'eu-west', name: 'West Europe' } */
  dataRegion: { id: string; name: string };
  /** where subreg keeps the tenant's data, one sentence derived from the directory (regions feature) */
  residency?: string;
}

/** Everything /t/{tenant}/{list} and /versions/{n} need, in one value. */
export interface PublicListView {
  tenant: PublicTenant;
  /** the version shown (the current one, or a past one) */
  version: PublishedVersion;
  /** the latest version's number: a past version says it is superseded */
  latestNumber: number;
  /** newest first */
  history: VersionSummary[];
  former: FormerEntry[];
  /** absolute base URL for links in exports and feeds, no trailing slash */
  baseUrl: string;
}

/** What /t/{tenant} needs. */
export interface PublicTenantView {
  tenant: PublicTenant;
  lists: Array<{ slug: string; title: string; lastUpdated: string | null; entryCount: number }>;
  baseUrl: string;
}

/** Filters of the list page, from query parameters (they work without JavaScript). */
export interface ListFilters {
  type?: EntityType;
  group?: string;
  /** ISO 3166-1 alpha-2 */
  country?: string;
  q?: string;
  /** 1-based page of a long list (pages and version pages only); absent means the first */
  page?: number;
}
