import { type SQL, and, asc, desc, eq, ilike, or, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { entities, entries } from '../../db/schema/region.js';
import type { EntryCursor, EntrySort } from './entries-cursor.js';
import type { EntriesQuery } from './entries.schemas.js';

export type EntryRow = typeof entries.$inferSelect;
export type EntityRow = typeof entities.$inferSelect;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function filterConditions(listId: string, q: EntriesQuery): SQL[] {
  const conditions = [eq(entries.listId, listId)];
  if (q.group) conditions.push(eq(entries.groupName, q.group));
  if (q.type) conditions.push(eq(entities.kind, q.type));
  if (q.country) conditions.push(sql`${entries.countryCodes} @> array[${q.country}]::text[]`);
  if (q.q) {
    const p = `%${escapeLike(q.q)}%`;
    conditions.push(
      or(
        ilike(entities.legalName, p),
        ilike(entries.purpose, p),
        sql`exists (select 1 from unnest(${entities.tradingNames}) n where n ilike ${p})`,
      )!,
    );
  }
  return conditions;
}

/** Entries strictly after the cursor in its sort order (row comparisons the indexes serve). */
function afterCursor(c: EntryCursor): SQL {
  switch (c.sort) {
    case 'position':
      return sql`(${entries.position}, ${entries.id}) > (${c.position}, ${c.id}::uuid)`;
    case 'legalName':
      return sql`(${entities.legalName}, ${entries.id}) > (${c.legalName}, ${c.id}::uuid)`;
    case '-legalName':
      return sql`(${entities.legalName} < ${c.legalName} or (${entities.legalName} = ${c.legalName} and ${entries.id} > ${c.id}::uuid))`;
    case 'group':
      // Entries without a group come last (NULLS LAST), after every named group.
      return c.group === null
        ? sql`(${entries.groupName} is null and (${entries.position}, ${entries.id}) > (${c.position}, ${c.id}::uuid))`
        : sql`((${entries.groupName}, ${entries.position}, ${entries.id}) > (${c.group}, ${c.position}, ${c.id}::uuid) or ${entries.groupName} is null)`;
  }
}

/** The cursor that continues after this row. */
export function cursorOf(sort: EntrySort, r: { entry: EntryRow; entity: EntityRow }): EntryCursor {
  if (sort === 'position') return { sort, position: r.entry.position, id: r.entry.id };
  if (sort === 'group') return { sort, group: r.entry.groupName, position: r.entry.position, id: r.entry.id };
  return { sort, legalName: r.entity.legalName, id: r.entry.id };
}

const joinEntities = and(eq(entities.tenantId, entries.tenantId), eq(entities.id, entries.entityId));

/**
 * One page, by keyset: `limit + 1` rows after the cursor (the extra one says whether there is a
 * next page), so the cost does not grow with the list. `offset` is honoured for old callers.
 */
export async function selectEntries(
  tx: TenantTx,
  listId: string,
  q: EntriesQuery,
  cursor: EntryCursor | null,
) {
  const conditions = filterConditions(listId, q);
  if (cursor) conditions.push(afterCursor(cursor));
  const order = {
    position: [asc(entries.position), asc(entries.id)],
    legalName: [asc(entities.legalName), asc(entries.id)],
    '-legalName': [desc(entities.legalName), asc(entries.id)],
    group: [asc(entries.groupName), asc(entries.position), asc(entries.id)],
  }[q.sort];
  return tx
    .select({ entry: entries, entity: entities })
    .from(entries)
    .innerJoin(entities, joinEntities)
    .where(and(...conditions))
    .orderBy(...order)
    .limit(q.limit + 1)
    .offset(q.offset ?? 0);
}

/** How many entries match the filters (only when a caller asks: it reads every match). */
export async function countEntries(tx: TenantTx, listId: string, q: EntriesQuery): Promise<number> {
  const [r] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(entries)
    .innerJoin(entities, joinEntities)
    .where(and(...filterConditions(listId, q)));
  return r?.n ?? 0;
}

export async function selectEntry(tx: TenantTx, listId: string, id: string) {
  const [r] = await tx
    .select({ entry: entries, entity: entities })
    .from(entries)
    .innerJoin(entities, and(eq(entities.tenantId, entries.tenantId), eq(entities.id, entries.entityId)))
    .where(and(eq(entries.listId, listId), eq(entries.id, id)));
  return r ?? null;
}

export async function nextPosition(tx: TenantTx, listId: string): Promise<number> {
  const [r] = await tx
    .select({ n: sql<number>`coalesce(max(${entries.position}) + 1, 0)::int` })
    .from(entries)
    .where(eq(entries.listId, listId));
  return r?.n ?? 0;
}

export async function insertEntry(tx: TenantTx, row: typeof entries.$inferInsert): Promise<EntryRow> {
  const [r] = await tx.insert(entries).values(row).returning();
  return r!;
}

export async function updateEntry(
  tx: TenantTx,
  tenantId: string,
  id: string,
  patch: Partial<typeof entries.$inferInsert>,
) {
  const [r] = await tx
    .update(entries)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(entries.tenantId, tenantId), eq(entries.id, id)))
    .returning();
  return r ?? null;
}

export async function deleteEntry(tx: TenantTx, tenantId: string, id: string) {
  await tx.delete(entries).where(and(eq(entries.tenantId, tenantId), eq(entries.id, id)));
}
