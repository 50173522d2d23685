import { z } from 'zod';
import { refuseUnsafeChars, requiredText, text } from '../../http/common-schemas.js';

export const entityKind = z.enum(['affiliate', 'infrastructure', 'third_party']);

const names = z.array(requiredText(300)).max(20);

export const entityFields = {
  legalName: requiredText(300),
  tradingNames: names,
  formerNames: names,
  kind: entityKind.nullable(),
  corporateCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE')
    .nullable(),
  website: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .max(500)
    .check(refuseUnsafeChars)
    .nullable(),
  parentId: z.uuid().nullable(),
};

export const createEntityBody = z.strictObject({
  legalName: entityFields.legalName,
  tradingNames: entityFields.tradingNames.default([]),
  formerNames: entityFields.formerNames.default([]),
  kind: entityFields.kind.default(null),
  corporateCountry: entityFields.corporateCountry.default(null),
  website: entityFields.website.default(null),
  parentId: entityFields.parentId.default(null),
});

export const updateEntityBody = z
  .strictObject(entityFields)
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'send at least one field to change');

export const entitiesQuery = z.object({
  q: text(200).optional().describe('Search in legal, trading and former names'),
  kind: entityKind.optional(),
  sort: z.enum(['legalName', '-legalName', 'createdAt', '-createdAt']).default('legalName'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const entityView = z
  .object({
    id: z.uuid(),
    legalName: z.string(),
    tradingNames: z.array(z.string()),
    formerNames: z.array(z.string()),
    kind: entityKind.nullable(),
    corporateCountry: z.string().nullable(),
    website: z.string().nullable(),
    parentId: z.uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Entity' });

export type CreateEntityInput = z.infer<typeof createEntityBody>;
export type UpdateEntityInput = z.infer<typeof updateEntityBody>;
export type EntitiesQuery = z.infer<typeof entitiesQuery>;
export type EntityView = z.infer<typeof entityView>;
