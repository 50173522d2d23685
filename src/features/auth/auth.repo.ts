import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { ControlDb } from '../../db/databases.js';
import { apiTokens, memberships, sessions, users } from '../../db/schema/control.js';
import type { Role } from '../../platform/context.js';

/** Who is calling: users, sessions, live tokens and memberships, read from the control database. */

export type UserRow = typeof users.$inferSelect;

/** Addresses match whatever their case. */
export async function selectUserByEmail(control: ControlDb, email: string): Promise<UserRow | null> {
  const rows = await control
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`)
    .limit(1);
  return rows[0] ?? null;
}

export async function selectUser(control: ControlDb, id: string): Promise<UserRow | null> {
  const [row] = await control.select().from(users).where(eq(users.id, id));
  return row ?? null;
}

export async function insertSession(control: ControlDb, row: typeof sessions.$inferInsert): Promise<void> {
  await control.insert(sessions).values(row);
}

/** Ends a session; the user it belonged to, or null when there was none. */
export async function deleteSession(control: ControlDb, idHash: string): Promise<string | null> {
  const ended = await control
    .delete(sessions)
    .where(eq(sessions.idHash, idHash))
    .returning({ userId: sessions.userId });
  return ended[0]?.userId ?? null;
}

export type LiveSession = Pick<typeof sessions.$inferSelect, 'userId' | 'csrfToken' | 'expiresAt'>;

export async function selectLiveSession(control: ControlDb, idHash: string): Promise<LiveSession | null> {
  const rows = await control
    .select({ userId: sessions.userId, csrfToken: sessions.csrfToken, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(and(eq(sessions.idHash, idHash), gt(sessions.expiresAt, new Date())))
    .limit(1);
  return rows[0] ?? null;
}

export type LiveToken = Pick<
  typeof apiTokens.$inferSelect,
  'id' | 'tenantId' | 'scope' | 'lastUsedAt' | 'expiresAt'
>;

/** A token neither revoked nor expired, by the hash of its secret. */
export async function selectLiveToken(control: ControlDb, tokenHash: string): Promise<LiveToken | null> {
  const rows = await control
    .select({
      id: apiTokens.id,
      tenantId: apiTokens.tenantId,
      scope: apiTokens.scope,
      lastUsedAt: apiTokens.lastUsedAt,
      expiresAt: apiTokens.expiresAt,
    })
    .from(apiTokens)
    .where(
      and(
        eq(apiTokens.tokenHash, tokenHash),
        isNull(apiTokens.revokedAt),
        sql`(${apiTokens.expiresAt} is null or ${apiTokens.expiresAt} > now())`,
      ),
    )
    .limit(1);
  return rows[0] ?? null;
}

export async function updateTokenLastUsed(control: ControlDb, id: string, lastUsedAt: Date): Promise<void> {
  await control.update(apiTokens).set({ lastUsedAt }).where(eq(apiTokens.id, id));
}

export async function selectMemberRole(
  control: ControlDb,
  tenantId: string,
  userId: string,
): Promise<Role | null> {
  const rows = await control
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)))
    .limit(1);
  return rows[0]?.role ?? null;
}

export async function updateUserPassword(
  control: ControlDb,
  userId: string,
  passwordHash: string,
): Promise<void> {
  await control.update(users).set({ passwordHash }).where(eq(users.id, userId));
}

export async function deleteSessionsOfUser(control: ControlDb, userId: string): Promise<void> {
  await control.delete(sessions).where(eq(sessions.userId, userId));
}

export async function selectUserNames(
  control: ControlDb,
  id: string,
): Promise<{ name: string; email: string } | null> {
  const [row] = await control
    .select({ name: users.name, email: users.email })
    .from(users)
    .where(eq(users.id, id));
  return row ?? null;
}
