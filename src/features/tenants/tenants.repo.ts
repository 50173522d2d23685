import { eq } from 'drizzle-orm';
import type { ControlDb, TenantTx } from '../../db/databases.js';
import { users } from '../../db/schema/control.js';
import { tenantProfiles } from '../../db/schema/region.js';

export type ProfileRow = typeof tenantProfiles.$inferSelect;
export type ProfilePatch = Partial<Omit<typeof tenantProfiles.$inferInsert, 'tenantId' | 'updatedAt'>>;

/** The tenant's one hosting statement (RLS scopes the table to the transaction's tenant). */
export async function selectProfile(tx: TenantTx): Promise<ProfileRow | null> {
  const [row] = await tx.select().from(tenantProfiles);
  return row ?? null;
}

export async function updateProfile(tx: TenantTx, tenantId: string, patch: ProfilePatch) {
  const [row] = await tx
    .update(tenantProfiles)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(tenantProfiles.tenantId, tenantId))
    .returning();
  return row ?? null;
}

export async function selectUserEmail(control: ControlDb, userId: string): Promise<string | null> {
  const [row] = await control.select({ email: users.email }).from(users).where(eq(users.id, userId));
  return row?.email ?? null;
}
