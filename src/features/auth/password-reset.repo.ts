import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { ControlDb } from '../../db/databases.js';
import { passwordResets } from '../../db/schema/control.js';

/** Password reset links: only the sha256 of a link's token is stored. */

export type ResetRow = typeof passwordResets.$inferSelect;

export async function deleteExpiredResets(control: ControlDb): Promise<void> {
  await control.delete(passwordResets).where(lt(passwordResets.expiresAt, new Date()));
}

export async function insertReset(
  control: ControlDb,
  row: typeof passwordResets.$inferInsert,
): Promise<void> {
  await control.insert(passwordResets).values(row);
}

/** Unused and not expired. */
const pending = (tokenHash: string) =>
  and(
    eq(passwordResets.tokenHash, tokenHash),
    isNull(passwordResets.usedAt),
    gt(passwordResets.expiresAt, new Date()),
  );

export async function isResetPending(control: ControlDb, tokenHash: string): Promise<boolean> {
  const rows = await control
    .select({ userId: passwordResets.userId })
    .from(passwordResets)
    .where(pending(tokenHash));
  return rows.length > 0;
}

/** Marks a pending link used, in one statement (so only one use wins); null when none was pending. */
export async function claimReset(control: ControlDb, tokenHash: string): Promise<ResetRow | null> {
  const [row] = await control
    .update(passwordResets)
    .set({ usedAt: new Date() })
    .where(pending(tokenHash))
    .returning();
  return row ?? null;
}
