import type { StoredLocation } from '../../db/schema/region.js';

/** Each location as written, plus what it means (countries, named regions, role). */
export function toStoredLocations(written: string[]): {
  locations: StoredLocation[];
  countryCodes: string[];
} {
  const locations = written.map((w) => ({
    written: w,
    countries: [] as string[],
    regions: [] as string[],
    role: null,
  }));
  return { locations, countryCodes: [...new Set(locations.flatMap((l) => l.countries))].sort() };
}
