import { z } from 'zod';
import { requiredText, text } from '../../http/common-schemas.js';
import { createEntityBody, entityKind } from '../entities/entities.schemas.js';

const entryFields = {
  group: text(300).nullable().describe('Section or platform heading, e.g. "Connect"'),
  purpose: text(5000).nullable(),
  dataCategories: text(10_000).nullable().describe('As written in the document'),
  dataCategoryTags: z.array(requiredText(80)).max(50),
  dataSubjects: z.array(requiredText(200)).max(50),
  locations: z
    .array(requiredText(500))
    .max(50)
    .describe('As written, one per location; each is parsed into countries, regions and a role'),
  transferMechanism: text(500).nullable(),
  optional: z.boolean(),
  position: z.number().int().min(0).max(1_000_000),
};

export const createEntryBody = z
  .strictObject({
    entityId: z.uuid().optional().describe('An existing entity; or give `entity` to create one'),
    entity: createEntityBody.optional(),
    group: entryFields.group.default(null),
    purpose: entryFields.purpose.default(null),
    dataCategories: entryFields.dataCategories.default(null),
    dataCategoryTags: entryFields.dataCategoryTags.default([]),
    dataSubjects: entryFields.dataSubjects.default([]),
    locations: entryFields.locations.default([]),
    transferMechanism: entryFields.transferMechanism.default(null),
    optional: entryFields.optional.default(false),
    position: entryFields.position.optional(),
  })
  .refine((b) => (b.entityId ? !b.entity : !!b.entity), 'give exactly one of entityId or entity');

export const updateEntryBody = z
  .strictObject({ entityId: z.uuid(), ...entryFields })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'send at least one field to change');

export const entriesQuery = z.object({
  q: text(200).optional().describe('Search in entity names and purpose'),
  group: text(300).optional(),
  type: entityKind.optional(),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE')
    .transform((s) => s.toUpperCase())
    .optional(),
  sort: z.enum(['position', 'legalName', '-legalName', 'group']).default('position'),
  limit: z.coerce
    .number({ message: 'limit must be a whole number from 1 to 500' })
    .int('limit must be a whole number from 1 to 500')
    .min(1, 'limit must be at least 1')
    .max(500, 'limit must be at most 500; follow `next` for more')
    .default(50),
  cursor: z
    .string()
    .optional()
    .describe('The `next` of the previous page, as received; leave out for the first page'),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .optional()
    .describe('Kept for old clients: skips that many entries (its cost grows with it); prefer `cursor`'),
  total: z
    .enum(['true', 'false'], { message: 'total must be true or false' })
    .default('false')
    .transform((v) => v === 'true')
    .describe('true: also count every matching entry (costs a count of the whole list)'),
});

const locationView = z.object({
  written: z.string(),
  countries: z.array(z.string()),
  regions: z.array(z.string()),
  role: z.string().nullable(),
});

export const entryView = z
  .object({
    id: z.uuid(),
    listId: z.uuid(),
    entity: z.object({
      id: z.uuid(),
      legalName: z.string(),
      tradingNames: z.array(z.string()),
      formerNames: z.array(z.string()),
      kind: entityKind.nullable(),
    }),
    group: z.string().nullable(),
    purpose: z.string().nullable(),
    dataCategories: z.string().nullable(),
    dataCategoryTags: z.array(z.string()),
    dataSubjects: z.array(z.string()),
    locations: z.array(locationView),
    transferMechanism: z.string().nullable(),
    optional: z.boolean(),
    position: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Entry' });

export const entriesPage = z.object({
  items: z.array(entryView),
  limit: z.number().int(),
  next: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  total: z.number().int().optional().describe('Only with `total=true`'),
  offset: z.number().int(),
  nextOffset: z.number().int().nullable().describe('For callers that page by `offset`'),
});

export type CreateEntryInput = z.infer<typeof createEntryBody>;
export type UpdateEntryInput = z.infer<typeof updateEntryBody>;
export type EntriesQuery = z.infer<typeof entriesQuery>;
export type EntryView = z.infer<typeof entryView>;
