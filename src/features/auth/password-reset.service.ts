import type { AppDeps } from '../../app/deps.js';
import { mailerOf } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { randomSecret, sha256Hex } from '../../platform/ids.js';
import { forgetEverywhere } from './auth-cache.js';
import { deleteSessionsOfUser, updateUserPassword } from './auth.repo.js';
import { createSession, findUserByEmail } from './auth.service.js';
import { hashPassword } from '../../platform/passwords.js';
import { claimReset, deleteExpiredResets, insertReset, isResetPending } from './password-reset.repo.js';
import { noAccountMail, resetPasswordMail } from './signup-mail.js';

export const RESET_LINK_MINUTES = 60;

/** The one answer to every request for a password reset, whoever owns the address. */
export const RESET_ACCEPTED = {
  status: 'reset_sent' as const,
  detail: `Check your inbox: we sent a link to set a new password (it works once, for ${RESET_LINK_MINUTES} minutes), or a note that this address has no account.`,
};

export const resetLink = (baseUrl: string, token: string) =>
  `${baseUrl}/password-reset?token=${encodeURIComponent(token)}`;

/** A single-use link that sets a new password for the user (only its sha256 is kept). */
export async function issueResetLink(deps: AppDeps, userId: string): Promise<string> {
  await deleteExpiredResets(deps.dbs.control);
  const token = randomSecret('srg_pw_', 32);
  await insertReset(deps.dbs.control, {
    tokenHash: sha256Hex(token),
    userId,
    expiresAt: new Date(Date.now() + RESET_LINK_MINUTES * 60_000),
  });
  return resetLink(deps.config.publicBaseUrl, token);
}

/**
 * "I forgot my password": the same answer and one email for every address, so the answer does
 * not tell whether it has an account. An address with an account gets a link; one without is
 * told so (and how to sign up).
 */
export async function requestPasswordReset(deps: AppDeps, email: string): Promise<typeof RESET_ACCEPTED> {
  const user = await findUserByEmail(deps, email);
  const baseUrl = deps.config.publicBaseUrl;
  const message = user
    ? resetPasswordMail(user.email, await issueResetLink(deps, user.id), RESET_LINK_MINUTES)
    : noAccountMail(email, baseUrl);
  await mailerOf(deps).send(message);
  return RESET_ACCEPTED;
}

export const resetLinkInvalid = () =>
  new AppError(
    400,
    'RESET_LINK_INVALID',
    `This password link is not valid: it was used already, has expired (links last ${RESET_LINK_MINUTES} minutes) or was copied incompletely. Ask for a new one.`,
  );

export async function isResetLinkValid(deps: AppDeps, token: string): Promise<boolean> {
  return isResetPending(deps.dbs.control, sha256Hex(token));
}

/**
 * Sets the new password from a link: claims the link (once), replaces the hash, ends every
 * session of the user (whoever had the old password is signed out) and signs in anew.
 */
export async function confirmPasswordReset(deps: AppDeps, token: string, password: string) {
  const passwordHash = await hashPassword(password);
  const row = await claimReset(deps.dbs.control, sha256Hex(token));
  if (!row) throw resetLinkInvalid();
  await deps.dbs.inControl(async (tx) => {
    await updateUserPassword(tx, row.userId, passwordHash);
    await deleteSessionsOfUser(tx, row.userId);
  });
  await forgetEverywhere(deps, { userSessions: row.userId });
  return { userId: row.userId, session: await createSession(deps, row.userId) };
}
