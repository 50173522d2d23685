import { z } from 'zod';
import { requiredText, storableString } from '../../http/common-schemas.js';

export const email = z.email({ message: 'must be an email address' }).max(254);
export const password = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(200, 'must be at most 200 characters');

export const signUpBody = z.strictObject({
  email,
  password,
  name: requiredText(120).optional(),
  tenant: z.strictObject({
    slug: z.string().min(1).max(48).describe('URL name of the workspace: /t/{slug}'),
    name: requiredText(120),
    region: z.string().min(1).max(40).describe('Home region id, e.g. eu-west; see GET /api/v1/regions'),
  }),
});

export const signUpAccepted = z
  .object({
    status: z.literal('confirmation_sent'),
    detail: z.string(),
  })
  .meta({ id: 'SignUpAccepted' });

export const signUpConfirmBody = z.strictObject({
  token: z.string().min(10).max(200).describe('the `token` parameter of the link in the email'),
});

export const logInBody = z.strictObject({ email: storableString().max(254), password: z.string().max(200) });

export const sessionView = z
  .object({
    user: z.object({ id: z.uuid(), email: z.string(), name: z.string() }),
    csrfToken: z.string().describe('Send as x-csrf-token with every change made with the session cookie'),
    tenants: z.array(
      z.object({
        slug: z.string(),
        name: z.string(),
        region: z.string(),
        role: z.enum(['owner', 'editor', 'viewer']),
      }),
    ),
  })
  .meta({ id: 'Session' });

export const passwordResetBody = z.strictObject({ email });

export const passwordResetAccepted = z
  .object({ status: z.literal('reset_sent'), detail: z.string() })
  .meta({ id: 'PasswordResetAccepted' });

export const passwordResetConfirmBody = z.strictObject({
  token: z.string().min(10).max(200).describe('the `token` parameter of the link in the email'),
  password,
});
