import type { EntityType } from '../publishing/public-view.js';

const DAY = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "9 September 2024" (UTC): dates a legal team writes. */
export const humanDate = (iso: string) => DAY.format(new Date(iso));
export const isoDate = (iso: string) => iso.slice(0, 10);

export const TYPE_LABELS: Record<EntityType, string> = {
  affiliate: 'Affiliate',
  infrastructure: 'Infrastructure',
  third_party: 'Third party',
};

export const FIELD_LABELS: Record<string, string> = {
  legalName: 'Legal name',
  tradingNames: 'Trading names',
  formerNames: 'Former names',
  type: 'Type',
  group: 'Section',
  purpose: 'Purpose',
  dataCategories: 'Data categories',
  dataSubjects: 'Data subjects',
  locations: 'Locations',
  transferMechanism: 'Transfer mechanism',
  optional: 'Optional',
};

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
