/**
 * The words readers see for the fields of an entry and of the document: the trust page, the
 * feeds and the exports all say "Data categories", never `dataCategories`.
 */
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

export const DOCUMENT_FIELD_LABELS: Record<string, string> = {
  title: 'Title',
  classification: 'Classification',
  owner: 'Owner',
  author: 'Author',
  disclaimer: 'Disclaimer',
  intro: 'Introduction',
  definitions: 'Definitions',
  notes: 'Notes',
  noticePeriodDays: 'Notice period',
};

/** A field's label, lower-cased inside a sentence ("purpose, data categories changed"). */
export const fieldWords = (fields: string[], labels: Record<string, string>) =>
  fields.map((f) => (labels[f] ?? f).toLowerCase()).join(', ');
