import type { StoredLocation } from '../../db/schema/region.js';
import { parseLocations } from '../../domain/locations/index.js';

/** Each location as written, plus what it means (countries, named regions, role). */
export function toStoredLocations(written: string[]): {
  locations: StoredLocation[];
  countryCodes: string[];
} {
  return parseLocations(written);
}
