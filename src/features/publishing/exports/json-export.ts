import { safeJsonStrings } from '../../../platform/unsafe-chars.js';
import type { PublicListView } from '../../../domain/public-view.js';

export const JSON_SCHEMA_PATH = '/schemas/list-version-v1.json';

/**
 * The JSON export: a documented, stable format (schemas/list-version-v1.json) so customers'
 * tools can consume it. Locations carry the words as written and their parsed meaning.
 */
export function jsonExport(view: PublicListView): Buffer {
  const v = view.version;
  const doc = v.snapshot.document;
  const base = `${view.baseUrl}/t/${view.tenant.slug}/${doc.slug}`;
  const out = {
    $schema: `${view.baseUrl}${JSON_SCHEMA_PATH}`,
    format: 'subreg.list-version/1',
    provider: { name: view.tenant.name, slug: view.tenant.slug, dataRegion: view.tenant.dataRegion },
    list: {
      slug: doc.slug,
      title: doc.title,
      classification: doc.classification,
      owner: doc.owner,
      author: doc.author,
      intro: doc.intro,
      disclaimer: doc.disclaimer,
      definitions: doc.definitions,
      notes: doc.notes,
      noticePeriodDays: doc.noticePeriodDays,
      url: base,
    },
    version: {
      number: v.number,
      publishedAt: v.publishedAt,
      effectiveAt: v.effectiveAt,
      summary: v.summary,
      latest: v.number === view.latestNumber,
      url: `${base}/versions/${v.number}`,
      changes: {
        added: v.changes.added.map((e) => e.legalName),
        removed: v.changes.removed.map((e) => e.legalName),
        changed: v.changes.changed.map((c) => ({
          legalName: c.legalName,
          fields: c.changes.map((f) => f.field),
        })),
      },
    },
    entries: v.snapshot.entries.map((e) => ({
      legalName: e.legalName,
      tradingNames: e.tradingNames,
      formerNames: e.formerNames,
      type: e.type,
      group: e.group,
      purpose: e.purpose,
      dataCategories: e.dataCategories,
      dataSubjects: e.dataSubjects,
      locations: e.locations.map((l) => ({
        written: l.written,
        countries: l.countries,
        regions: l.regions,
        role: l.role,
      })),
      transferMechanism: e.transferMechanism,
      optional: e.optional,
      corporateCountry: e.corporateCountry,
      website: e.website,
    })),
    formerEntries: view.former.map((f) => ({
      legalName: f.entry.legalName,
      leftAt: f.leftAt,
      removedInVersion: f.removedInVersion,
    })),
  };
  // Old data may hold characters the API now refuses (U+FFFF...): replaced, never written.
  return Buffer.from(`${JSON.stringify(out, safeJsonStrings, 2)}\n`);
}
