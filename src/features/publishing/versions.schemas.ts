import { z } from 'zod';
import { text } from '../../http/common-schemas.js';

const storedLocation = z.object({
  written: z.string(),
  countries: z.array(z.string()),
  regions: z.array(z.string()),
  role: z.string().nullable(),
});

export const snapshotEntryView = z
  .object({
    key: z.string(),
    entityId: z.string(),
    legalName: z.string(),
    tradingNames: z.array(z.string()),
    formerNames: z.array(z.string()),
    type: z.enum(['affiliate', 'infrastructure', 'third_party']).nullable(),
    group: z.string().nullable(),
    purpose: z.string().nullable(),
    dataCategories: z.string().nullable(),
    dataSubjects: z.array(z.string()),
    locations: z.array(storedLocation),
    transferMechanism: z.string().nullable(),
    optional: z.boolean(),
    corporateCountry: z.string().nullable(),
    website: z.string().nullable(),
  })
  .meta({ id: 'VersionEntry' });

const fieldValue = z.union([z.string(), z.array(z.string()), z.boolean(), z.null()]);

export const changeSetView = z
  .object({
    added: z.array(snapshotEntryView),
    removed: z.array(snapshotEntryView),
    changed: z.array(
      z.object({
        key: z.string(),
        legalName: z.string(),
        changes: z.array(z.object({ field: z.string(), before: fieldValue, after: fieldValue })),
      }),
    ),
    documentFields: z.array(z.string()),
  })
  .meta({ id: 'ChangeSet' });

export const versionSummaryView = z
  .object({
    number: z.number().int(),
    publishedAt: z.string(),
    effectiveAt: z.string(),
    author: z.string().nullable().describe('who published: "user:<id>", "token:<id>" or "system"'),
    authorName: z.string().nullable().optional().describe("the author's name when publishing"),
    summary: z.string().nullable(),
    emergencyReason: z.string().nullable().optional().describe('set on an emergency notice'),
    replacesVersion: z
      .number()
      .int()
      .nullable()
      .optional()
      .describe('the pending version this one replaced (it never took effect)'),
    counts: z.object({ added: z.number().int(), removed: z.number().int(), changed: z.number().int() }),
  })
  .meta({ id: 'VersionSummary' });

export const versionView = versionSummaryView
  .extend({
    snapshot: z.object({
      document: z.object({
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
      }),
      entries: z.array(snapshotEntryView),
    }),
    changes: changeSetView,
  })
  .meta({ id: 'Version' });

export const publishBody = z.strictObject({
  summary: text(2000).optional().describe('what changed, in a sentence, for the version history and notices'),
  effectiveAt: z.iso
    .datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-12-31T00:00:00Z' })
    .optional()
    .describe(
      "when the version takes effect; default and earliest: now plus the list's notice period (sooner only with `emergency`)",
    ),
  emergency: z
    .strictObject({
      reason: text(2000)
        .refine((r) => r.trim().length >= 10, 'write the reason in a sentence (at least 10 characters)')
        .describe('why the notice is shorter than promised; stored with the version and shown to recipients'),
    })
    .optional()
    .describe('an emergency notice: allows an effective date inside the notice period'),
  replacePending: z
    .boolean()
    .optional()
    .describe('replace the version that has not taken effect yet (its notice is withdrawn)'),
});

export const versionNumberParam = z.coerce
  .number({ message: 'must be a version number' })
  .int('must be a whole number')
  .min(1, 'versions start at 1')
  .max(1_000_000);
