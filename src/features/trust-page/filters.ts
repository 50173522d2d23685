import { EU_MEMBERS, EEA_MEMBERS } from '../../domain/locations/index.js';
import type { ListFilters, SnapshotEntry } from '../../domain/public-view.js';

/** The entries a page shows for its filters; country also matches "EU"/"EEA" for members. */
export function filterEntries(entries: readonly SnapshotEntry[], f: ListFilters): SnapshotEntry[] {
  const q = f.q?.trim().toLowerCase();
  return entries.filter((e) => {
    if (f.type && e.type !== f.type) return false;
    if (f.group && (e.group ?? '') !== f.group) return false;
    if (f.country && !inCountry(e, f.country)) return false;
    if (q && ![e.legalName, ...e.tradingNames, ...e.formerNames].some((n) => n.toLowerCase().includes(q)))
      return false;
    return true;
  });
}

function inCountry(e: SnapshotEntry, code: string): boolean {
  return e.locations.some(
    (l) =>
      l.countries.includes(code) ||
      (l.regions.includes('EU') && EU_MEMBERS.has(code)) ||
      (l.regions.includes('EEA') && EEA_MEMBERS.has(code)),
  );
}

export const isFiltered = (f: ListFilters) => !!(f.type || f.group || f.country || f.q);

/** Groups in document order; entries without a group form one unnamed section. */
export function groupEntries(
  entries: readonly SnapshotEntry[],
): { group: string | null; entries: SnapshotEntry[] }[] {
  const out: { group: string | null; entries: SnapshotEntry[] }[] = [];
  for (const e of entries) {
    const last = out.find((g) => g.group === e.group);
    if (last) last.entries.push(e);
    else out.push({ group: e.group, entries: [e] });
  }
  return out;
}
