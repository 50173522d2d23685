import type { EntityType } from '../../domain/public-view.js';

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

export { DOCUMENT_FIELD_LABELS, FIELD_LABELS, fieldWords } from '../../domain/field-labels.js';

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
