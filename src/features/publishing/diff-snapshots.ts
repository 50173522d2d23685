import { normalizeName } from '../entities/normalize-name.js';
import type {
  ChangeSet,
  ChangedField,
  EntryChange,
  FieldChange,
  SnapshotEntry,
  VersionSnapshot,
} from '../../domain/public-view.js';

const FIELDS: ChangedField[] = [
  'legalName',
  'tradingNames',
  'formerNames',
  'type',
  'group',
  'purpose',
  'dataCategories',
  'dataSubjects',
  'locations',
  'transferMechanism',
  'optional',
];

const DOCUMENT_FIELDS = [
  'title',
  'classification',
  'owner',
  'author',
  'disclaimer',
  'intro',
  'definitions',
  'notes',
  'noticePeriodDays',
] as const;

type Value = FieldChange['before'];

function fieldValue(e: SnapshotEntry, field: ChangedField): Value {
  if (field === 'locations') return e.locations.map((l) => l.written);
  return e[field] as Value;
}

const same = (a: Value, b: Value) => JSON.stringify(a) === JSON.stringify(b);
const fallbackKey = (e: SnapshotEntry) => `${normalizeName(e.group ?? '')}|${normalizeName(e.legalName)}`;

/**
 * What changed from one version to the next. Entries match by key (the draft entry's id); an
 * entry deleted and re-created with the same legal name and group still matches by name, so
 * it shows as changed, not as removed and added. Locations compare as written.
 */
export function diffSnapshots(prev: VersionSnapshot | null, next: VersionSnapshot): ChangeSet {
  const before = prev?.entries ?? [];
  const byKey = new Map(before.map((e) => [e.key, e]));
  const byName = new Map<string, SnapshotEntry[]>();
  for (const e of before) byName.set(fallbackKey(e), [...(byName.get(fallbackKey(e)) ?? []), e]);
  const matched = new Set<string>();
  const added: SnapshotEntry[] = [];
  const changed: EntryChange[] = [];
  const pairs: [SnapshotEntry, SnapshotEntry][] = [];
  const unmatched: SnapshotEntry[] = [];
  for (const e of next.entries) {
    const old = byKey.get(e.key);
    if (old) {
      matched.add(old.key);
      pairs.push([old, e]);
    } else unmatched.push(e);
  }
  for (const e of unmatched) {
    const old = (byName.get(fallbackKey(e)) ?? []).find((o) => !matched.has(o.key));
    if (old) {
      matched.add(old.key);
      pairs.push([old, e]);
    } else added.push(e);
  }
  for (const [old, e] of pairs) {
    const changes = FIELDS.flatMap((field): FieldChange[] => {
      const a = fieldValue(old, field);
      const b = fieldValue(e, field);
      return same(a, b) ? [] : [{ field, before: a, after: b }];
    });
    if (changes.length > 0) changed.push({ key: e.key, legalName: e.legalName, changes });
  }
  const removed = before.filter((e) => !matched.has(e.key));
  const documentFields = prev
    ? DOCUMENT_FIELDS.filter((f) => JSON.stringify(prev.document[f]) !== JSON.stringify(next.document[f]))
    : [];
  return { added, removed, changed, documentFields: [...documentFields] };
}

export const isEmptyChangeSet = (c: ChangeSet) =>
  c.added.length === 0 && c.removed.length === 0 && c.changed.length === 0 && c.documentFields.length === 0;
