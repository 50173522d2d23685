import { describe, expect, it } from 'vitest';
import { diffSnapshots, isEmptyChangeSet } from '../../src/features/publishing/diff-snapshots.js';
import type {
  ChangedField,
  ListDocument,
  SnapshotEntry,
  VersionSnapshot,
} from '../../src/domain/public-view.js';

// Pure unit tests: no database. diffSnapshots decides what customers are told changed.

const place = (written: string, countries: string[] = []) => ({
  written,
  countries,
  regions: [],
  role: null,
});

function entry(key: string, legalName: string, over: Partial<SnapshotEntry> = {}): SnapshotEntry {
  return {
    key,
    entityId: `entity-${key}`,
    legalName,
    tradingNames: [],
    formerNames: [],
    type: 'third_party',
    group: 'Platform',
    purpose: 'Hosting',
    dataCategories: 'Names',
    dataSubjects: ['Customers'],
    locations: [place('Germany', ['DE'])],
    transferMechanism: null,
    optional: false,
    corporateCountry: 'DE',
    website: null,
    ...over,
  };
}

const document: ListDocument = {
  slug: 'main',
  title: 'Sub-processors',
  classification: 'Public',
  owner: null,
  author: null,
  disclaimer: null,
  intro: null,
  definitions: [],
  notes: [],
  noticePeriodDays: 30,
};

const snap = (entries: SnapshotEntry[], doc: Partial<ListDocument> = {}): VersionSnapshot => ({
  document: { ...document, ...doc },
  entries,
});

describe('diffSnapshots', () => {
  it('the first version adds every entry and reports no document change', () => {
    const c = diffSnapshots(null, snap([entry('a', 'Acme Ltd'), entry('b', 'Beta GmbH')]));
    expect(c.added.map((e) => e.key)).toEqual(['a', 'b']);
    expect(c).toMatchObject({ removed: [], changed: [], documentFields: [] });
  });

  it('the same snapshot twice is an empty change set', () => {
    const s = snap([entry('a', 'Acme Ltd')]);
    const c = diffSnapshots(s, structuredClone(s));
    expect(isEmptyChangeSet(c)).toBe(true);
  });

  it('adds and removes by key', () => {
    const c = diffSnapshots(
      snap([entry('a', 'Acme Ltd'), entry('b', 'Beta GmbH')]),
      snap([entry('a', 'Acme Ltd'), entry('c', 'Gamma Inc')]),
    );
    expect(c.added.map((e) => e.legalName)).toEqual(['Gamma Inc']);
    expect(c.removed.map((e) => e.legalName)).toEqual(['Beta GmbH']);
    expect(c.changed).toEqual([]);
  });

  const fieldCases: [ChangedField, Partial<SnapshotEntry>, unknown, unknown][] = [
    ['legalName', { legalName: 'Acme Limited' }, 'Acme Ltd', 'Acme Limited'],
    ['tradingNames', { tradingNames: ['Acme'] }, [], ['Acme']],
    ['formerNames', { formerNames: ['Old Acme'] }, [], ['Old Acme']],
    ['type', { type: 'affiliate' }, 'third_party', 'affiliate'],
    ['group', { group: 'Support' }, 'Platform', 'Support'],
    ['purpose', { purpose: 'Support' }, 'Hosting', 'Support'],
    ['dataCategories', { dataCategories: null }, 'Names', null],
    ['dataSubjects', { dataSubjects: ['Staff'] }, ['Customers'], ['Staff']],
    ['locations', { locations: [place('Germany', ['DE']), place('EU')] }, ['Germany'], ['Germany', 'EU']],
    ['transferMechanism', { transferMechanism: 'SCCs' }, null, 'SCCs'],
    ['optional', { optional: true }, false, true],
  ];
  it.each(fieldCases)('reports a change of %s with its before and after', (field, over, before, after) => {
    const c = diffSnapshots(snap([entry('a', 'Acme Ltd')]), snap([entry('a', 'Acme Ltd', over)]));
    expect(c.added).toEqual([]);
    expect(c.removed).toEqual([]);
    expect(c.changed).toHaveLength(1);
    expect(c.changed[0]?.key).toBe('a');
    expect(c.changed[0]?.changes).toEqual([{ field, before, after }]);
  });

  it('compares locations as written: a new parse of the same text is no change', () => {
    const c = diffSnapshots(
      snap([entry('a', 'Acme Ltd', { locations: [place('Germany', [])] })]),
      snap([entry('a', 'Acme Ltd', { locations: [place('Germany', ['DE'])] })]),
    );
    expect(isEmptyChangeSet(c)).toBe(true);
  });

  it('fields outside the comparison (entity id, website) do not count as changes', () => {
    const c = diffSnapshots(
      snap([entry('a', 'Acme Ltd')]),
      snap([entry('a', 'Acme Ltd', { entityId: 'other', website: 'https://acme.example' })]),
    );
    expect(c.changed).toEqual([]);
  });

  it('reports several fields of one entry in a stable order', () => {
    const c = diffSnapshots(
      snap([entry('a', 'Acme Ltd')]),
      snap([entry('a', 'Acme Ltd', { optional: true, purpose: 'Support', type: 'infrastructure' })]),
    );
    expect(c.changed[0]?.changes.map((f) => f.field)).toEqual(['type', 'purpose', 'optional']);
  });

  it('an entry deleted and re-created with the same legal name and group matches by name', () => {
    const c = diffSnapshots(
      snap([entry('old', 'ACME  Ltd.'), entry('b', 'Beta GmbH')]),
      snap([entry('new', 'Acme Ltd', { purpose: 'Support' }), entry('b', 'Beta GmbH')]),
    );
    expect(c.added).toEqual([]);
    expect(c.removed).toEqual([]);
    expect(c.changed).toHaveLength(1);
    expect(c.changed[0]).toMatchObject({ key: 'new', legalName: 'Acme Ltd' });
    expect(c.changed[0]?.changes.map((f) => f.field)).toContain('purpose');
  });

  it('a key match wins over a name match, and the same name in another group is another entry', () => {
    const c = diffSnapshots(
      snap([entry('a', 'Acme Ltd', { group: 'Platform' })]),
      snap([entry('a', 'Acme Ltd', { group: 'Platform' }), entry('x', 'Acme Ltd', { group: 'Support' })]),
    );
    expect(c.added.map((e) => e.key)).toEqual(['x']);
    expect(c.changed).toEqual([]);
  });

  it('one old entry matches at most one re-created entry', () => {
    const c = diffSnapshots(
      snap([entry('old', 'Acme Ltd')]),
      snap([entry('n1', 'Acme Ltd'), entry('n2', 'Acme Ltd')]),
    );
    expect(c.added).toHaveLength(1);
    expect(c.removed).toEqual([]);
  });

  it('lists the document metadata fields that changed', () => {
    const c = diffSnapshots(
      snap([entry('a', 'Acme Ltd')]),
      snap([entry('a', 'Acme Ltd')], {
        title: 'Our sub-processors',
        notes: ['A note'],
        definitions: [{ term: 'EEA', definition: 'European Economic Area' }],
        noticePeriodDays: 14,
      }),
    );
    expect(c.documentFields).toEqual(['title', 'definitions', 'notes', 'noticePeriodDays']);
    expect(isEmptyChangeSet(c)).toBe(false);
  });

  it('does not mutate its inputs', () => {
    const prev = snap([entry('a', 'Acme Ltd'), entry('b', 'Beta GmbH')]);
    const next = snap([entry('a', 'Acme Ltd', { purpose: 'Support' })]);
    const copies = [structuredClone(prev), structuredClone(next)];
    diffSnapshots(prev, next);
    expect([prev, next]).toEqual(copies);
  });
});
