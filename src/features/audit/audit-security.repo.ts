import { and, eq, sql } from 'drizzle-orm';
import type { ControlDb } from '../../db/databases.js';
import { apiTokenAddresses, memberships, tenants } from '../../db/schema/control.js';

/** What security events need from the control database: whose chains, which token addresses. */

/** The workspaces a user is a member of, with their regions (where their chains are). */
export async function selectWorkspacesOfUser(
  control: ControlDb,
  userId: string,
): Promise<{ id: string; regionId: string }[]> {
  return control
    .select({ id: tenants.id, regionId: tenants.regionId })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(memberships.userId, userId));
}

/** Records (token, address) once: true when this call added it, false when it was known. */
export async function claimTokenAddress(
  control: ControlDb,
  tokenId: string,
  address: string,
): Promise<boolean> {
  const claimed = await control
    .insert(apiTokenAddresses)
    .values({ tokenId, address })
    .onConflictDoNothing()
    .returning({ tokenId: apiTokenAddresses.tokenId });
  return claimed.length > 0;
}

export async function deleteTokenAddress(
  control: ControlDb,
  tokenId: string,
  address: string,
): Promise<void> {
  await control
    .delete(apiTokenAddresses)
    .where(and(eq(apiTokenAddresses.tokenId, tokenId), eq(apiTokenAddresses.address, address)));
}

export async function countTokenAddresses(control: ControlDb, tokenId: string): Promise<number> {
  const [row] = await control
    .select({ n: sql<number>`count(*)::int` })
    .from(apiTokenAddresses)
    .where(eq(apiTokenAddresses.tokenId, tokenId));
  return row?.n ?? 0;
}
