import { and, desc, eq, isNull } from 'drizzle-orm';
import type { ControlDb } from '../../db/databases.js';
import { apiTokens } from '../../db/schema/control.js';

export type TokenRow = typeof apiTokens.$inferSelect;

export async function insertToken(db: ControlDb, row: typeof apiTokens.$inferInsert): Promise<TokenRow> {
  const [r] = await db.insert(apiTokens).values(row).returning();
  return r!;
}

/** A workspace's tokens, newest first (the directory guards tenant_id here, not RLS). */
export function selectTokens(db: ControlDb, tenantId: string): Promise<TokenRow[]> {
  return db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.tenantId, tenantId))
    .orderBy(desc(apiTokens.createdAt));
}

/** Revokes a live token of the workspace; null when there is none by that id. */
export async function revokeTokenRow(db: ControlDb, tenantId: string, id: string): Promise<TokenRow | null> {
  const [r] = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.tenantId, tenantId), isNull(apiTokens.revokedAt)))
    .returning();
  return r ?? null;
}

export async function selectTokenName(db: ControlDb, id: string): Promise<string | null> {
  const [r] = await db.select({ name: apiTokens.name }).from(apiTokens).where(eq(apiTokens.id, id));
  return r?.name ?? null;
}
