import { eq, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { entities } from '../../db/schema/region.js';

/** Set-based writes of many entities at once (the importer's apply): one statement each. */
export type NewEntity = typeof entities.$inferInsert;
export type EntityPatch = Partial<typeof entities.$inferInsert>;

export async function selectIdsByNormalizedName(tx: TenantTx, names: string[]) {
  if (names.length === 0) return [];
  return tx
    .select({ id: entities.id, normalizedName: entities.normalizedName })
    .from(entities)
    .where(
      sql`${entities.normalizedName} in (select jsonb_array_elements_text(${JSON.stringify(names)}::jsonb))`,
    );
}

/**
 * Bulk inserts as one statement (the entries' is in entries-bulk.repo.ts): the rows travel as one JSON parameter and
 * jsonb_to_recordset turns them back into rows (10,000 rows in tens of milliseconds, and no
 * limit of 65,535 bind parameters). RLS still checks every row's tenant_id.
 */
export async function bulkInsertEntities(tx: TenantTx, rows: NewEntity[]): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(
    rows.map((r) => ({
      tenant_id: r.tenantId,
      id: r.id,
      legal_name: r.legalName,
      normalized_name: r.normalizedName,
      trading_names: r.tradingNames ?? [],
      former_names: r.formerNames ?? [],
      kind: r.kind ?? null,
    })),
  );
  await tx.execute(sql`
    insert into entities (tenant_id, id, legal_name, normalized_name, trading_names, former_names, kind)
    select tenant_id, id, legal_name, normalized_name, trading_names, former_names, kind
    from jsonb_to_recordset(${json}::jsonb) as x(tenant_id uuid, id uuid, legal_name text,
      normalized_name text, trading_names text[], former_names text[], kind text)`);
}

export async function updateEntityFields(tx: TenantTx, id: string, patch: EntityPatch): Promise<void> {
  await tx
    .update(entities)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(entities.id, id));
}
