import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { ControlDb } from '../../db/databases.js';
import { invitations, memberships, tenants, users } from '../../db/schema/control.js';
import type { Role } from '../../platform/context.js';

/** Members and invitations: directory rows of the control database (no RLS: tenant_id is in every query). */

export type MembershipRow = typeof memberships.$inferSelect;
export type InvitationRow = typeof invitations.$inferSelect;
export type UserRow = typeof users.$inferSelect;

export function selectMembers(control: ControlDb, tenantId: string) {
  return control
    .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.tenantId, tenantId))
    .orderBy(users.email);
}

export async function countOwners(control: ControlDb, tenantId: string): Promise<number> {
  const [row] = await control
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.role, 'owner')));
  return row?.n ?? 0;
}

const membership = (tenantId: string, userId: string) =>
  and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId));

export async function selectMembership(
  control: ControlDb,
  tenantId: string,
  userId: string,
): Promise<MembershipRow | null> {
  const [row] = await control.select().from(memberships).where(membership(tenantId, userId));
  return row ?? null;
}

export async function updateMembershipRole(
  control: ControlDb,
  tenantId: string,
  userId: string,
  role: Role,
): Promise<void> {
  await control.update(memberships).set({ role }).where(membership(tenantId, userId));
}

export async function deleteMembership(control: ControlDb, tenantId: string, userId: string): Promise<void> {
  await control.delete(memberships).where(membership(tenantId, userId));
}

/** Adds the member, or gives an existing member the invitation's role. */
export async function upsertMembership(
  control: ControlDb,
  row: typeof memberships.$inferInsert,
): Promise<void> {
  await control
    .insert(memberships)
    .values(row)
    .onConflictDoUpdate({ target: [memberships.tenantId, memberships.userId], set: { role: row.role } });
}

export async function insertInvitation(
  control: ControlDb,
  row: typeof invitations.$inferInsert,
): Promise<void> {
  await control.insert(invitations).values(row);
}

/** Not accepted and not expired (a revoked one is returned: its holder is told it was revoked). */
export async function selectOpenInvitation(
  control: ControlDb,
  tokenHash: string,
): Promise<InvitationRow | null> {
  const [row] = await control
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.tokenHash, tokenHash),
        isNull(invitations.acceptedAt),
        gt(invitations.expiresAt, new Date()),
      ),
    );
  return row ?? null;
}

export async function markInvitationAccepted(control: ControlDb, id: string): Promise<void> {
  await control.update(invitations).set({ acceptedAt: new Date() }).where(eq(invitations.id, id));
}

const inviter = alias(users, 'inviter');

/** Invitations that can still be accepted, newest first, with who sent them; never their token. */
export function selectPendingInvitations(control: ControlDb, tenantId: string, limit: number) {
  return control
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      createdBy: inviter.email,
      createdAt: invitations.createdAt,
      expiresAt: invitations.expiresAt,
    })
    .from(invitations)
    .leftJoin(inviter, eq(inviter.id, invitations.invitedBy))
    .where(
      and(
        eq(invitations.tenantId, tenantId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, new Date()),
      ),
    )
    .orderBy(sql`${invitations.createdAt} desc`, asc(invitations.id))
    .limit(limit);
}

/** Revokes a pending invitation of the workspace; null when there is none by that id. */
export async function revokeInvitationRow(
  control: ControlDb,
  tenantId: string,
  id: string,
): Promise<{ email: string; role: Role } | null> {
  const [row] = await control
    .update(invitations)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(invitations.tenantId, tenantId),
        eq(invitations.id, id),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    )
    .returning({ email: invitations.email, role: invitations.role });
  return row ?? null;
}

/** The account an invitation's address already has, whatever its case. */
export async function selectUserByEmail(control: ControlDb, email: string): Promise<UserRow | null> {
  const [row] = await control.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
  return row ?? null;
}

export async function updateUserPassword(
  control: ControlDb,
  id: string,
  passwordHash: string,
): Promise<void> {
  await control.update(users).set({ passwordHash }).where(eq(users.id, id));
}

export async function insertUser(control: ControlDb, row: typeof users.$inferInsert): Promise<void> {
  await control.insert(users).values(row);
}

export async function selectTenant(control: ControlDb, id: string) {
  const [row] = await control.select().from(tenants).where(eq(tenants.id, id));
  return row ?? null;
}
