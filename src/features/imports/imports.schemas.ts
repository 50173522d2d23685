import { z } from 'zod';

const entityType = z.enum(['affiliate', 'infrastructure', 'third_party']).nullable();

export const importRecordView = z
  .object({
    legalName: z.string(),
    tradingNames: z.array(z.string()),
    formerNames: z.array(z.string()),
    type: entityType,
    group: z.string().nullable(),
    locations: z.array(z.string()),
    purpose: z.string().nullable(),
    dataCategories: z.string().nullable(),
    source: z
      .object({ line: z.number().optional(), page: z.number().optional(), sheet: z.string().optional() })
      .describe('where the record was in the file: line (text, rows), page (PDF), sheet (XLSX)'),
  })
  .meta({ id: 'ImportRecord' });

const value = z.union([z.string(), z.array(z.string()), z.null()]);

export const previewItemView = z
  .object({
    action: z.enum(['add', 'change', 'unchanged', 'remove']),
    recordIndex: z.number().int().optional().describe('index into records (absent for remove)'),
    entryId: z.string().optional().describe('the draft entry it matches (change, unchanged, remove)'),
    changes: z.array(z.object({ field: z.string(), before: value, after: value })).optional(),
    entry: z
      .object({ legalName: z.string(), group: z.string().nullable(), locations: z.array(z.string()) })
      .optional()
      .describe('for remove: the draft entry the document no longer lists'),
  })
  .meta({ id: 'ImportPreviewItem' });

export const importSummaryView = z.object({
  id: z.string(),
  listId: z.string(),
  fileName: z.string(),
  format: z.string(),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  status: z.enum(['previewed', 'applied', 'discarded']),
  warnings: z.array(z.string()),
  recordCount: z.number().int(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  appliedAt: z.string().nullable(),
  appliedSummary: z.record(z.string(), z.unknown()).nullable(),
});

export const importView = importSummaryView
  .extend({
    records: z.array(importRecordView),
    preview: z
      .object({
        items: z.array(previewItemView),
        counts: z.object({ add: z.number(), change: z.number(), unchanged: z.number(), remove: z.number() }),
      })
      .nullable()
      .describe('what applying would do to the current draft; null once applied or discarded'),
  })
  .meta({ id: 'Import' });

export const applyImportBody = z.strictObject({
  records: z
    .array(z.number().int().min(0))
    .max(50_000)
    .optional()
    .describe('indexes of the records to add or change; all of them when absent'),
  removals: z
    .array(z.uuid({ message: 'must be a UUID' }))
    .max(50_000)
    .optional()
    .describe('draft entries the document no longer lists, to remove; none when absent'),
});
