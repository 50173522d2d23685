import type { AppDeps } from '../../app/deps.js';
import { mailerOf } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { randomSecret, sha256Hex } from '../../platform/ids.js';
import { checkSlugAndRegion, createTenant, isSlugTaken, slugTaken } from '../tenants/tenants.service.js';
import { createSession, findUserByEmail } from './auth.service.js';
import { RESET_LINK_MINUTES, issueResetLink } from './password-reset.service.js';
import { hashPassword } from '../../platform/passwords.js';
import {
  claimSignup,
  deleteExpiredSignups,
  insertSignup,
  releaseSignup,
  selectPendingSignup,
} from './signup.repo.js';
import { alreadyRegisteredMail, confirmSignUpMail } from './signup-mail.js';

export const SIGNUP_LINK_HOURS = 24;

export interface SignUpInput {
  email: string;
  password: string;
  name?: string;
  tenant: { slug: string; name: string; region: string };
}

/** The one answer to every sign-up that passes the checks, whoever owns the address. */
export const SIGNUP_ACCEPTED = {
  status: 'confirmation_sent' as const,
  detail: `Check your inbox: we sent a link to confirm your address and finish creating the workspace. The link works once, for ${SIGNUP_LINK_HOURS} hours.`,
};

/** Where a confirmation link points: a page that asks before it creates anything. */
export const confirmLink = (baseUrl: string, token: string) =>
  `${baseUrl}/signup/confirm?token=${encodeURIComponent(token)}`;

/**
 * Sign-up, in two steps so that it tells nobody which addresses have accounts. First what does
 * not depend on the address: the zod schema (email form, password policy), the slug's form, the
 * region and whether the slug is free (public anyway at /t/{slug}). Then the same work and the
 * same answer for every address: a password hash and one email. A new address gets a link that
 * creates the workspace; an address with an account is told so, and nothing changes.
 */
export async function requestSignUp(deps: AppDeps, input: SignUpInput): Promise<typeof SIGNUP_ACCEPTED> {
  await checkSlugAndRegion(deps, input.tenant.slug, input.tenant.region);
  if (await isSlugTaken(deps, input.tenant.slug)) throw slugTaken(input.tenant.slug);
  const passwordHash = await hashPassword(input.password);
  await deleteExpiredSignups(deps.dbs.control);
  const baseUrl = deps.config.publicBaseUrl;
  const existing = await findUserByEmail(deps, input.email);
  if (existing) {
    const reset = await issueResetLink(deps, existing.id);
    await mailerOf(deps).send(alreadyRegisteredMail(existing.email, baseUrl, reset, RESET_LINK_MINUTES));
    return SIGNUP_ACCEPTED;
  }
  const token = randomSecret('srg_su_', 32);
  await insertSignup(deps.dbs.control, {
    tokenHash: sha256Hex(token),
    email: input.email,
    name: input.name ?? '',
    passwordHash,
    tenantSlug: input.tenant.slug,
    tenantName: input.tenant.name,
    regionId: input.tenant.region,
    expiresAt: new Date(Date.now() + SIGNUP_LINK_HOURS * 3_600_000),
  });
  await mailerOf(deps).send(
    confirmSignUpMail(input.email, input.tenant.slug, confirmLink(baseUrl, token), SIGNUP_LINK_HOURS),
  );
  return SIGNUP_ACCEPTED;
}

export const signUpLinkInvalid = () =>
  new AppError(
    400,
    'SIGNUP_LINK_INVALID',
    `This confirmation link is not valid: it was used already, has expired (links last ${SIGNUP_LINK_HOURS} hours) or was copied incompletely. Sign up again.`,
  );

/** What a valid, unused link would create (for the page that asks before creating it). */
export async function peekSignUp(deps: AppDeps, token: string) {
  return selectPendingSignup(deps.dbs.control, sha256Hex(token));
}

/**
 * Follows a confirmation link: claims it (once: the claim and its check are one statement),
 * creates the workspace and its owner, and signs the owner in. If the slug was taken or the
 * address got an account since, the link is spent and says so; any other failure releases it.
 */
export async function confirmSignUp(deps: AppDeps, token: string, requestId: string | null) {
  const row = await claimSignup(deps.dbs.control, sha256Hex(token));
  if (!row) throw signUpLinkInvalid();
  try {
    const { tenant, ownerId } = await createTenant(
      deps,
      {
        slug: row.tenantSlug,
        name: row.tenantName,
        regionId: row.regionId,
        owner: { email: row.email, name: row.name, passwordHash: row.passwordHash, mustBeNew: true },
      },
      requestId,
    );
    const session = await createSession(deps, ownerId);
    return { tenant, ownerId, session };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code !== 'SLUG_TAKEN' && code !== 'ACCOUNT_EXISTS') {
      await releaseSignup(deps.dbs.control, row.tokenHash);
    }
    throw err;
  }
}
