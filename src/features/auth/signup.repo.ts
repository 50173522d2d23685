import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { ControlDb } from '../../db/databases.js';
import { signupRequests } from '../../db/schema/control.js';

/** Pending sign-ups: only the sha256 of a confirmation link's token is stored. */

export type SignupRow = typeof signupRequests.$inferSelect;

export async function deleteExpiredSignups(control: ControlDb): Promise<void> {
  await control.delete(signupRequests).where(lt(signupRequests.expiresAt, new Date()));
}

export async function insertSignup(
  control: ControlDb,
  row: typeof signupRequests.$inferInsert,
): Promise<void> {
  await control.insert(signupRequests).values(row);
}

/** Unused and not expired. */
const pending = (tokenHash: string) =>
  and(
    eq(signupRequests.tokenHash, tokenHash),
    isNull(signupRequests.usedAt),
    gt(signupRequests.expiresAt, new Date()),
  );

/** The workspace a pending link would create. */
export async function selectPendingSignup(
  control: ControlDb,
  tokenHash: string,
): Promise<{ slug: string; name: string } | null> {
  const [row] = await control
    .select({ slug: signupRequests.tenantSlug, name: signupRequests.tenantName })
    .from(signupRequests)
    .where(pending(tokenHash));
  return row ?? null;
}

/** Marks a pending link used, in one statement (so only one use wins); null when none was pending. */
export async function claimSignup(control: ControlDb, tokenHash: string): Promise<SignupRow | null> {
  const [row] = await control
    .update(signupRequests)
    .set({ usedAt: new Date() })
    .where(pending(tokenHash))
    .returning();
  return row ?? null;
}

/** Gives a claimed link back (the workspace could not be created for a passing reason). */
export async function releaseSignup(control: ControlDb, tokenHash: string): Promise<void> {
  await control.update(signupRequests).set({ usedAt: null }).where(eq(signupRequests.tokenHash, tokenHash));
}
