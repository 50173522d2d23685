import { and, asc, desc, eq, ilike, or, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { containsPattern } from '../../db/like-pattern.js';
import { entities, entries } from '../../db/schema/region.js';
import type { EntitiesQuery } from './entities.schemas.js';

export type EntityRow = typeof entities.$inferSelect;

export async function selectEntities(tx: TenantTx, q: EntitiesQuery) {
  const conditions = [];
  if (q.kind) conditions.push(eq(entities.kind, q.kind));
  if (q.q) {
    const pattern = containsPattern(q.q);
    conditions.push(
      or(
        ilike(entities.legalName, pattern),
        sql`exists (select 1 from unnest(${entities.tradingNames} || ${entities.formerNames}) n where n ilike ${pattern})`,
      ),
    );
  }
  const order = {
    legalName: [asc(entities.legalName), asc(entities.id)],
    '-legalName': [desc(entities.legalName), asc(entities.id)],
    createdAt: [asc(entities.createdAt), asc(entities.id)],
    '-createdAt': [desc(entities.createdAt), asc(entities.id)],
  }[q.sort];
  const rows = await tx
    .select({ entity: entities, total: sql<number>`count(*) over ()::int` })
    .from(entities)
    .where(and(...conditions))
    .orderBy(...order)
    .limit(q.limit)
    .offset(q.offset);
  return rows;
}

export async function selectEntity(tx: TenantTx, id: string): Promise<EntityRow | null> {
  const [r] = await tx.select().from(entities).where(eq(entities.id, id));
  return r ?? null;
}

export async function insertEntity(tx: TenantTx, row: typeof entities.$inferInsert): Promise<EntityRow> {
  const [r] = await tx.insert(entities).values(row).returning();
  return r!;
}

export async function updateEntity(
  tx: TenantTx,
  tenantId: string,
  id: string,
  patch: Partial<typeof entities.$inferInsert>,
) {
  const [r] = await tx
    .update(entities)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(entities.tenantId, tenantId), eq(entities.id, id)))
    .returning();
  return r ?? null;
}

export async function countEntriesOfEntity(tx: TenantTx, id: string): Promise<number> {
  const [r] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(entries)
    .where(eq(entries.entityId, id));
  return r?.n ?? 0;
}

export async function deleteEntity(tx: TenantTx, tenantId: string, id: string): Promise<boolean> {
  const r = await tx
    .delete(entities)
    .where(and(eq(entities.tenantId, tenantId), eq(entities.id, id)))
    .returning({ id: entities.id });
  return r.length > 0;
}
