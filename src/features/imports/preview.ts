import type { StoredImportRecord } from '../../db/schema/region-imports.js';
import { normalizeName } from '../entities/normalize-name.js';

/** A draft entry as the preview compares it. */
export interface DraftEntry {
  entryId: string;
  entityId: string;
  legalName: string;
  tradingNames: string[];
  formerNames: string[];
  type: StoredImportRecord['type'];
  group: string | null;
  locations: string[];
  purpose: string | null;
  dataCategories: string | null;
}

export type PreviewField =
  | 'tradingNames'
  | 'formerNames'
  | 'type'
  | 'locations'
  | 'purpose'
  | 'dataCategories';

export interface PreviewChange {
  field: PreviewField;
  before: string | string[] | null;
  after: string | string[] | null;
}

export type PreviewItem =
  | { action: 'add'; recordIndex: number; record: StoredImportRecord }
  | {
      action: 'change';
      recordIndex: number;
      record: StoredImportRecord;
      entryId: string;
      changes: PreviewChange[];
    }
  | { action: 'unchanged'; recordIndex: number; record: StoredImportRecord; entryId: string }
  | { action: 'remove'; entryId: string; entry: DraftEntry };

export interface Preview {
  items: PreviewItem[];
  counts: { add: number; change: number; unchanged: number; remove: number };
}

/**
 * What an import would do to a list's draft. A record matches a draft entry of the same group
 * whose entity has the same normalised legal name, or a trading or former name equal to the
 * record's legal or trading names. When several entries match (one company listed twice with
 * different locations), the one with the same locations wins, then document order.
 */
export function previewImport(records: readonly StoredImportRecord[], draft: readonly DraftEntry[]): Preview {
  const byKey = new Map<string, DraftEntry[]>();
  const add = (key: string, e: DraftEntry) => {
    const list = byKey.get(key) ?? [];
    if (!list.includes(e)) list.push(e);
    byKey.set(key, list);
  };
  for (const e of draft) {
    for (const name of [e.legalName, ...e.tradingNames, ...e.formerNames]) add(matchKey(name, e.group), e);
  }
  const taken = new Set<string>();
  const items: PreviewItem[] = [];
  records.forEach((record, recordIndex) => {
    const candidates = [record.legalName, ...record.tradingNames]
      .flatMap((n) => byKey.get(matchKey(n, record.group)) ?? [])
      .filter((e) => !taken.has(e.entryId));
    const match =
      candidates.find((e) => sameList(e.locations, record.locations) && e.legalName === record.legalName) ??
      candidates.find((e) => sameList(e.locations, record.locations)) ??
      candidates[0];
    if (!match) {
      items.push({ action: 'add', recordIndex, record });
      return;
    }
    taken.add(match.entryId);
    const changes = compare(match, record);
    items.push(
      changes.length > 0
        ? { action: 'change', recordIndex, record, entryId: match.entryId, changes }
        : { action: 'unchanged', recordIndex, record, entryId: match.entryId },
    );
  });
  for (const e of draft)
    if (!taken.has(e.entryId)) items.push({ action: 'remove', entryId: e.entryId, entry: e });
  const counts = { add: 0, change: 0, unchanged: 0, remove: 0 };
  for (const i of items) counts[i.action]++;
  return { items, counts };
}

const matchKey = (name: string, group: string | null) =>
  `${normalizeName(group ?? '')}|${normalizeName(name)}`;

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function compare(e: DraftEntry, r: StoredImportRecord): PreviewChange[] {
  const changes: PreviewChange[] = [];
  const lists: ['tradingNames' | 'formerNames' | 'locations', string[], string[]][] = [
    ['tradingNames', e.tradingNames, r.tradingNames],
    ['formerNames', e.formerNames, r.formerNames],
    ['locations', e.locations, r.locations],
  ];
  for (const [field, before, after] of lists) {
    // Names only ever add: an import that omits a known trading name does not forget it.
    if (field !== 'locations' && after.every((n) => before.includes(n))) continue;
    if (field === 'locations' && sameList(before, after)) continue;
    changes.push({
      field,
      before,
      after: field === 'locations' ? after : [...new Set([...before, ...after])],
    });
  }
  const scalars: ['type' | 'purpose' | 'dataCategories', string | null, string | null][] = [
    ['type', e.type, r.type],
    ['purpose', e.purpose, r.purpose],
    ['dataCategories', e.dataCategories, r.dataCategories],
  ];
  for (const [field, before, after] of scalars) {
    // A document that says nothing about a field (null) does not erase what the draft knows.
    if (after !== null && after !== before) changes.push({ field, before, after });
  }
  return changes;
}
