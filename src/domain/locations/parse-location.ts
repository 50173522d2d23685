import type { StoredLocation } from '../../db/schema/region.js';
import { findPlaces, tokenize } from './matcher.js';

export type LocationRole = 'storage' | 'hosting' | 'support' | 'backup' | 'processing';

/** Words that say what happens at a place; the first one written wins. */
const ROLE_WORDS: [LocationRole, RegExp][] = [
  [
    'storage',
    /\b(data resides|resides|reside|stored|storage|store|at rest|speicherung|gespeichert|datenspeicherung)\b/,
  ],
  ['hosting', /\b(hosting|hosted|data cent(?:er|re)s?|servers?|rechenzentr\w*)\b/],
  [
    'support',
    /\b(support|helpdesk|help desk|customer service|kundenservice|kundensupport|wartung|maintenance)\b/,
  ],
  ['backup', /\b(backups?|disaster recovery|datensicherung)\b/],
  ['processing', /\b(processing|processed|verarbeitung|verarbeitet|access|zugriff)\b/],
];

/** The role a location's words give it ("Data resides in UK, but support worldwide" -> storage). */
export function locationRole(written: string): LocationRole | null {
  const text = written.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().slice(0, 2000);
  let best: { role: LocationRole; at: number } | null = null;
  for (const [role, re] of ROLE_WORDS) {
    const m = re.exec(text);
    if (m && (!best || m.index < best.at)) best = { role, at: m.index };
  }
  return best?.role ?? null;
}

/**
 * A location as written, and what it means: the ISO 3166-1 alpha-2 codes and named regions it
 * mentions, and the role its words give it. `written` is kept exactly.
 */
export function parseLocation(written: string): StoredLocation {
  // Bounded: a location is a few words; a 100 KB cell is read only as far as it matters.
  const head = written.length > 4000 ? written.slice(0, 4000) : written;
  const places = findPlaces(head, tokenize(head));
  const countries = [...new Set(places.filter((p) => p.kind === 'country').map((p) => p.value))].sort();
  const regions = [...new Set(places.filter((p) => p.kind === 'region').map((p) => p.value))].sort();
  return { written, countries, regions, role: locationRole(head) };
}

/** Many locations; countryCodes is every country any of them names (what the country filter uses). */
export function parseLocations(written: readonly string[]): {
  locations: StoredLocation[];
  countryCodes: string[];
} {
  const locations = written.map(parseLocation);
  return { locations, countryCodes: [...new Set(locations.flatMap((l) => l.countries))].sort() };
}
