import { createHash } from 'node:crypto';
import type { entities, entries, lists } from '../../db/schema/region.js';
import { canonicalJson } from '../audit/audit-hash.js';
import type { ListDocument, SnapshotEntry, VersionSnapshot } from '../../domain/public-view.js';

type ListRow = typeof lists.$inferSelect;
type EntryRow = typeof entries.$inferSelect;
type EntityRow = typeof entities.$inferSelect;

/** The list's document metadata as a version freezes it. */
export function documentOf(list: ListRow): ListDocument {
  return {
    slug: list.slug,
    title: list.title,
    classification: list.classification,
    owner: list.owner,
    author: list.author,
    disclaimer: list.disclaimer,
    intro: list.intro,
    definitions: list.definitions,
    notes: list.notes,
    noticePeriodDays: list.noticePeriodDays,
  };
}

/** The draft (list + entries in document order) frozen into plain JSON. */
export function buildSnapshot(
  list: ListRow,
  rows: readonly { entry: EntryRow; entity: EntityRow }[],
): VersionSnapshot {
  const entriesOut: SnapshotEntry[] = rows.map(({ entry, entity }) => ({
    key: entry.id,
    entityId: entity.id,
    legalName: entity.legalName,
    tradingNames: entity.tradingNames,
    formerNames: entity.formerNames,
    type: entity.kind,
    group: entry.groupName,
    purpose: entry.purpose,
    dataCategories: entry.dataCategories,
    dataSubjects: entry.dataSubjects,
    locations: entry.locations,
    transferMechanism: entry.transferMechanism,
    optional: entry.optional,
    corporateCountry: entity.corporateCountry,
    website: entity.website,
  }));
  return { document: documentOf(list), entries: entriesOut };
}

export const snapshotHash = (s: VersionSnapshot) =>
  createHash('sha256').update(canonicalJson(s)).digest('hex');
