import fs from 'node:fs';
import path from 'node:path';
import { parseLocation } from '../../src/domain/locations/index.js';
import type {
  ChangeSet,
  EntityType,
  ListDocument,
  PublicListView,
  PublicTenantView,
  PublishedVersion,
  SnapshotEntry,
  VersionSummary,
} from '../../src/domain/public-view.js';

const SEEDS = path.resolve(import.meta.dirname, '../fixtures/seeds');

/** One record of a seed's *.expected.json (the ground truth of the importer). */
export interface SeedRecord {
  legalName: string;
  tradingNames: string[];
  formerNames: string[];
  type: EntityType | null;
  group: string | null;
  locations: string[];
  purpose: string | null;
  dataCategories: string | null;
}

/** The records of the seed whose file name starts with `prefix` ("000", "004"). */
export function seedRecords(prefix: string): SeedRecord[] {
  const file = fs.readdirSync(SEEDS).find((f) => f.startsWith(`${prefix}_`) && f.endsWith('.expected.json'));
  if (!file) throw new Error(`no seed ${prefix} in ${SEEDS}`);
  return JSON.parse(fs.readFileSync(path.join(SEEDS, file), 'utf8')).records;
}

export function entryOf(r: SeedRecord, i: number): SnapshotEntry {
  return {
    key: `k${i}`,
    entityId: `e${i}`,
    legalName: r.legalName,
    tradingNames: r.tradingNames,
    formerNames: r.formerNames,
    type: r.type,
    group: r.group,
    purpose: r.purpose,
    dataCategories: r.dataCategories,
    dataSubjects: [],
    locations: r.locations.map(parseLocation),
    transferMechanism: null,
    optional: false,
    corporateCountry: null,
    website: null,
  };
}

const NO_CHANGES: ChangeSet = { added: [], removed: [], changed: [], documentFields: [] };

export function documentOf(over: Partial<ListDocument> = {}): ListDocument {
  return {
    slug: 'sub-processors',
    title: 'Sub-processors',
    classification: null,
    owner: null,
    author: null,
    disclaimer: null,
    intro: null,
    definitions: [],
    notes: [],
    noticePeriodDays: 30,
    ...over,
  };
}

export function versionOf(
  number: number,
  entries: SnapshotEntry[],
  document: ListDocument,
  changes: ChangeSet = number === 1 ? { ...NO_CHANGES, added: entries } : NO_CHANGES,
  publishedAt = `2024-09-0${Math.min(number, 9)}T10:00:00.000Z`,
): PublishedVersion {
  return {
    number,
    publishedAt,
    effectiveAt: publishedAt,
    author: null,
    summary: number === 1 ? 'First publication' : `Version ${number}`,
    counts: { added: changes.added.length, removed: changes.removed.length, changed: changes.changed.length },
    changes,
    snapshot: { document, entries },
  };
}

const summary = (v: PublishedVersion): VersionSummary => {
  const { snapshot: _snapshot, ...rest } = v;
  return rest;
};

/** A list view of one or more versions (oldest first); `shown` is the index of the version shown. */
export function listView(versions: PublishedVersion[], shown = versions.length - 1): PublicListView {
  const version = versions[shown];
  if (!version) throw new Error('no such version');
  return {
    tenant: {
      slug: 'acme',
      name: 'Acme Ltd',
      hosting: null,
      dataRegion: { id: 'eu-west', name: 'West Europe' },
    },
    version,
    latestNumber: versions.length,
    history: versions.map(summary).reverse(),
    former: [],
    baseUrl: 'https://trust.example.com',
  };
}

/** Seed 000 (two platform tables, a type column) as one published version. */
export function seed000View(): PublicListView {
  const doc = documentOf({ slug: 'platform', title: 'CloudBlue sub-processors', classification: 'Public' });
  return listView([versionOf(1, seedRecords('000').map(entryOf), doc)]);
}

/** Seed 004 (a Word document: classification, disclaimer, intro, definition, notes). */
export function seed004View(): PublicListView {
  const doc = documentOf({
    slug: 'ipi',
    title: "IPI's sub-processors",
    classification: 'Confidential',
    owner: 'IP Integration Limited',
    author: 'Compliance team',
    intro: 'The sub-processors set out below may be used by IPI to provide its services.',
    disclaimer: 'This document is provided for information only and may change with notice.',
    definitions: [
      {
        term: 'Business contact information',
        definition: 'Name, job title, email address and telephone number.',
      },
    ],
    notes: ['IPI gives 30 days notice before a new sub-processor starts.'],
  });
  return listView([versionOf(1, seedRecords('004').map(entryOf), doc)]);
}

/** Two versions of seed 000: the second drops the last entry, adds one and changes one. */
export function twoVersions(): { v1: PublishedVersion; v2: PublishedVersion; doc: ListDocument } {
  const doc = documentOf({ slug: 'platform', title: 'CloudBlue sub-processors', classification: 'Public' });
  const first = seedRecords('000').map(entryOf);
  const v1 = versionOf(1, first, doc);
  const removed = first.at(-1) as SnapshotEntry;
  const changedBefore = first[0] as SnapshotEntry;
  const changedAfter = { ...changedBefore, purpose: 'Technical Support only' };
  const added = entryOf(
    {
      legalName: 'Newco Analytics GmbH',
      tradingNames: ['Newco'],
      formerNames: [],
      type: 'third_party',
      group: 'Connect',
      locations: ['Germany'],
      purpose: 'Product analytics',
      dataCategories: 'Usage data',
    },
    100,
  );
  added.optional = true;
  added.transferMechanism = 'Standard Contractual Clauses (2021/914)';
  const second = [changedAfter, ...first.slice(1, -1), added];
  const v2 = versionOf(2, second, doc, {
    added: [added],
    removed: [removed],
    changed: [
      {
        key: changedBefore.key,
        legalName: changedBefore.legalName,
        changes: [{ field: 'purpose', before: changedBefore.purpose, after: changedAfter.purpose }],
      },
    ],
    documentFields: [],
  });
  return { v1, v2, doc };
}

export function tenantView(): PublicTenantView {
  return {
    tenant: {
      slug: 'acme',
      name: 'Acme Ltd',
      dataRegion: { id: 'eu-west', name: 'West Europe' },
      hosting: {
        provider: 'Amazon Web Services EMEA SARL',
        region: 'Frankfurt (eu-central-1) and Ireland (eu-west-1)',
        segregation: 'Each customer has its own database schema; access is checked on every request.',
        dataStored: 'Account details, the documents you upload and their audit trail.',
        regionMoveInfo: 'Ask support@acme.example to move your account to another region.',
        contactEmail: 'privacy@acme.example',
      },
    },
    lists: [
      {
        slug: 'platform',
        title: 'Platform sub-processors',
        lastUpdated: '2024-09-09T10:00:00.000Z',
        entryCount: 16,
      },
      { slug: 'support', title: 'Support sub-processors', lastUpdated: null, entryCount: 0 },
    ],
    baseUrl: 'https://trust.example.com',
  };
}

/** Seed 000 published twice, plus one hostile entry: overrides, markup, a 300-character name. */
export function demoViews(): { current: PublicListView; past: PublicListView } {
  const { v1, v2 } = twoVersions();
  const hostile = entryOf(
    {
      legalName: `Hostile <script>alert(1)</script> \u202eLtd ${'x'.repeat(300)}`,
      tradingNames: ['"><img src=x onerror=alert(1)>', 'Ａｃｍｅ 株式会社 🚀'],
      formerNames: [],
      type: 'third_party',
      group: 'Connect',
      locations: ['EU', `Data resides in the UK, ${'support-worldwide-'.repeat(20)}`],
      purpose: 'Testing that nothing overflows',
      dataCategories: 'None',
    },
    200,
  );
  v2.snapshot.entries.push(hostile);
  v2.snapshot.document = {
    ...v2.snapshot.document,
    intro: 'We use the sub-processors below to provide the CloudBlue Commerce and Connect platforms.',
    definitions: [{ term: 'Affiliate', definition: 'A company of the Ingram Micro group.' }],
    notes: ['We announce changes 30 days before they take effect.'],
    disclaimer: 'This list is provided for information and does not amend your agreement.',
    author: 'Privacy Office',
  };
  const current = listView([v1, v2]);
  current.former = [{ entry: v2.changes.removed[0] ?? hostile, removedInVersion: 2, leftAt: v2.effectiveAt }];
  return { current, past: listView([v1, v2], 0) };
}
