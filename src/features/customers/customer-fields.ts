import { z } from 'zod';
import { storableString } from '../../http/common-schemas.js';

export const NOTES_MAX = 5000;

const oneLine = (name: string, max: number) =>
  storableString()
    .trim()
    .max(max, `${name} must be at most ${max} characters`)
    .refine((s) => !/[\r\n]/.test(s), `${name} must be one line`);

/** A customer's fields as every input path (API, CLI) checks them. */
export const customerFields = {
  organisation: oneLine('organisation', 200).pipe(z.string().min(1, 'organisation must not be empty')),
  contractReference: oneLine('contractReference', 200)
    .nullable()
    .transform((s) => s || null),
  authorisation: z
    .enum(['general', 'specific'], { message: 'authorisation must be "general" or "specific"' })
    .describe(
      'general: the customer is told and may object (SCC clause 9 option 2); specific: each change needs its approval (option 1)',
    ),
  noticePeriodDays: z
    .number()
    .int('noticePeriodDays must be a whole number of days')
    .min(0)
    .max(365, 'noticePeriodDays must be at most 365')
    .nullable()
    .describe("null: the lists' notice periods apply; may be longer than a list's, not shorter"),
  notifyBy: z.enum(['email', 'webhook', 'both'], {
    message: 'notifyBy must be "email", "webhook" or "both"',
  }),
  notes: storableString()
    .trim()
    .max(NOTES_MAX, `notes must be at most ${NOTES_MAX} characters`)
    .nullable()
    .transform((s) => s || null),
};
