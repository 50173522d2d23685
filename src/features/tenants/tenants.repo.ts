import { eq, sql } from 'drizzle-orm';
import type { ControlDb, TenantTx } from '../../db/databases.js';
import { memberships, regions, tenants, users } from '../../db/schema/control.js';
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

export async function insertProfile(tx: TenantTx, row: typeof tenantProfiles.$inferInsert): Promise<void> {
  await tx.insert(tenantProfiles).values(row);
}

export async function selectRegionIds(control: ControlDb): Promise<string[]> {
  const rows = await control.select({ id: regions.id }).from(regions);
  return rows.map((r) => r.id);
}

export async function isSlugInDirectory(control: ControlDb, slug: string): Promise<boolean> {
  const rows = await control.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug)).limit(1);
  return rows.length > 0;
}

export async function insertTenant(control: ControlDb, row: typeof tenants.$inferInsert): Promise<void> {
  await control.insert(tenants).values(row);
}

export async function deleteTenant(control: ControlDb, id: string): Promise<void> {
  await control.delete(tenants).where(eq(tenants.id, id));
}

/** The user with this address, whatever its case (a new workspace's owner may have an account). */
export async function selectUserIdByEmail(control: ControlDb, email: string): Promise<string | null> {
  const rows = await control
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`)
    .limit(1);
  return rows[0]?.id ?? null;
}

export async function insertUser(control: ControlDb, row: typeof users.$inferInsert): Promise<void> {
  await control.insert(users).values(row);
}

export async function deleteUser(control: ControlDb, id: string): Promise<void> {
  await control.delete(users).where(eq(users.id, id));
}

export async function insertMembership(
  control: ControlDb,
  row: typeof memberships.$inferInsert,
): Promise<void> {
  await control.insert(memberships).values(row);
}
