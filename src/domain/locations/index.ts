export { parseLocation, parseLocations, locationRole, type LocationRole } from './parse-location.js';
export { isPlace, splitLocationCell } from './split-location-cell.js';
export { countriesInRegion, EU_MEMBERS, EEA_MEMBERS, REGION_NAMES } from './regions.js';
export { COUNTRY_DISPLAY } from './countries.js';
