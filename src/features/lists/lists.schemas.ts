import { z } from 'zod';
import { requiredText, text } from '../../http/common-schemas.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Lists are addressed by slug or id alike, so no slug may look like an id. */
export const looksLikeId = (ref: string) => UUID.test(ref);

export const listSlug = z
  .string()
  .min(1)
  .max(60)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'must be lower-case letters, digits and inner hyphens')
  .refine((s) => !looksLikeId(s), 'must not look like a list id (a UUID); choose a word');

const definition = z.strictObject({ term: requiredText(200), definition: requiredText(5000) });

const listFields = {
  title: requiredText(300),
  classification: text(100).nullable(),
  owner: text(200).nullable(),
  author: text(200).nullable(),
  disclaimer: text(20_000).nullable(),
  intro: text(20_000).nullable(),
  definitions: z.array(definition).max(100),
  notes: z.array(requiredText(5000)).max(100),
  noticePeriodDays: z.number().int().min(0).max(365),
  announceInEffect: z
    .boolean()
    .describe('after a change takes effect, email those who were told of it that it now applies'),
  visibility: z.enum(['public', 'unlisted', 'private']),
};

export const createListBody = z.strictObject({
  slug: listSlug,
  ...listFields,
  classification: listFields.classification.optional(),
  owner: listFields.owner.optional(),
  author: listFields.author.optional(),
  disclaimer: listFields.disclaimer.optional(),
  intro: listFields.intro.optional(),
  definitions: listFields.definitions.optional(),
  notes: listFields.notes.optional(),
  noticePeriodDays: listFields.noticePeriodDays.optional(),
  announceInEffect: listFields.announceInEffect.optional(),
  visibility: listFields.visibility.optional(),
});

export const updateListBody = z
  .strictObject({ slug: listSlug, ...listFields })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'send at least one field to change');

export const listView = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    title: z.string(),
    classification: z.string().nullable(),
    owner: z.string().nullable(),
    author: z.string().nullable(),
    disclaimer: z.string().nullable(),
    intro: z.string().nullable(),
    definitions: z.array(z.object({ term: z.string(), definition: z.string() })),
    notes: z.array(z.string()),
    noticePeriodDays: z.number().int(),
    announceInEffect: z.boolean(),
    visibility: z.enum(['public', 'unlisted', 'private']),
    entryCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'List' });

export type CreateListInput = z.infer<typeof createListBody>;
export type UpdateListInput = z.infer<typeof updateListBody>;
export type ListView = z.infer<typeof listView>;
