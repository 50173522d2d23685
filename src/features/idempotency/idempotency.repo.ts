import { and, eq, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { idempotencyKeys } from '../../db/schema/region-idempotency.js';

export type IdempotencyRow = typeof idempotencyKeys.$inferSelect;
export type IdempotencyId = Pick<IdempotencyRow, 'tenantId' | 'actor' | 'key'>;

const byId = (id: IdempotencyId) =>
  and(
    eq(idempotencyKeys.tenantId, id.tenantId),
    eq(idempotencyKeys.actor, id.actor),
    eq(idempotencyKeys.key, id.key),
  );

/** A transaction-scoped lock on one caller's key; false when another transaction holds it. */
export async function tryLockKey(tx: TenantTx, id: IdempotencyId): Promise<boolean> {
  const r = await tx.execute<{ ok: boolean }>(
    sql`select pg_try_advisory_xact_lock(hashtext(${`${id.tenantId}/${id.actor}`}), hashtext(${id.key})) as ok`,
  );
  return r.rows[0]?.ok === true;
}

export async function selectKey(tx: TenantTx, id: IdempotencyId): Promise<IdempotencyRow | null> {
  const [row] = await tx.select().from(idempotencyKeys).where(byId(id));
  return row ?? null;
}

export async function deleteKey(tx: TenantTx, id: IdempotencyId): Promise<void> {
  await tx.delete(idempotencyKeys).where(byId(id));
}

/** Deletes up to `limit` expired keys of the tenant (index on tenant_id, expires_at). */
export async function purgeExpiredKeys(tx: TenantTx, tenantId: string, limit: number): Promise<void> {
  await tx.execute(sql`
    delete from idempotency_keys where (tenant_id, actor, key) in (
      select tenant_id, actor, key from idempotency_keys
      where tenant_id = ${tenantId} and expires_at < now() limit ${limit})`);
}

export async function insertKey(tx: TenantTx, row: typeof idempotencyKeys.$inferInsert): Promise<void> {
  await tx.insert(idempotencyKeys).values(row);
}
