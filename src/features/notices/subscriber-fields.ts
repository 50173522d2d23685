import { z } from 'zod';
import { storableString } from '../../http/common-schemas.js';

/** A subscriber's fields as every input path (public form, staff API, CLI) checks them. */
export const emailField = z
  .string({ message: 'email is required' })
  .trim()
  .toLowerCase()
  .max(254, 'email must be at most 254 characters')
  .pipe(z.email({ message: 'email must be an address such as dpo@example.com' }));

export const organisationField = storableString()
  .trim()
  .max(200, 'organisation must be at most 200 characters')
  .refine((s) => !/[\r\n]/.test(s), 'organisation must be one line');
