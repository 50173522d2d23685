import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { ControlDb } from '../../db/databases.js';
import { type MoveState, type MoveStep, regionMoves } from '../../db/schema/control.js';

export type MoveRow = typeof regionMoves.$inferSelect;

export interface StepRecord {
  state: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt?: string;
  ms?: number;
  [detail: string]: unknown;
}

export interface TableRecord {
  rows: number;
  bytes: number;
  copiedRows?: number;
  copiedBytes?: number;
  copyMs?: number;
  sourceChecksum?: string;
  targetChecksum?: string;
  targetRows?: number;
}

export const OPEN_STATES: MoveState[] = ['planned', 'running', 'failed', 'rolling_back'];

export async function insertMove(db: ControlDb, row: typeof regionMoves.$inferInsert): Promise<MoveRow> {
  const [r] = await db.insert(regionMoves).values(row).returning();
  return r!;
}

export async function selectMove(db: ControlDb, id: string): Promise<MoveRow | null> {
  const [r] = await db.select().from(regionMoves).where(eq(regionMoves.id, id));
  return r ?? null;
}

export async function selectOpenMove(db: ControlDb, tenantId: string): Promise<MoveRow | null> {
  const [r] = await db
    .select()
    .from(regionMoves)
    .where(and(eq(regionMoves.tenantId, tenantId), inArray(regionMoves.state, OPEN_STATES)));
  return r ?? null;
}

export async function selectMoves(db: ControlDb, tenantId: string | null, limit = 50): Promise<MoveRow[]> {
  return db
    .select()
    .from(regionMoves)
    .where(tenantId ? eq(regionMoves.tenantId, tenantId) : undefined)
    .orderBy(desc(regionMoves.createdAt))
    .limit(limit);
}

/** Finished moves' measured copy speed (bytes/s), newest first: a second source for estimates. */
export async function selectMeasuredThroughput(db: ControlDb, limit = 5): Promise<number[]> {
  const rows = await db
    .select({ steps: regionMoves.steps, bytes: regionMoves.copiedBytes })
    .from(regionMoves)
    .where(eq(regionMoves.state, 'completed'))
    .orderBy(desc(regionMoves.finishedAt))
    .limit(limit);
  return rows
    .map((r) => {
      const copy = (r.steps as Record<string, StepRecord>).copy;
      return copy?.ms && r.bytes > 1_000_000 ? r.bytes / (copy.ms / 1000) : null;
    })
    .filter((x): x is number => x !== null);
}

export async function updateMove(
  db: ControlDb,
  id: string,
  patch: Partial<Omit<typeof regionMoves.$inferInsert, 'id' | 'tenantId'>>,
): Promise<void> {
  await db
    .update(regionMoves)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(regionMoves.id, id));
}

/** Merges one step's record into `steps` (jsonb), so concurrent progress writes lose nothing. */
export async function recordStep(
  db: ControlDb,
  id: string,
  step: MoveStep | 'rollback',
  record: StepRecord,
  extra: Partial<Omit<typeof regionMoves.$inferInsert, 'id' | 'tenantId' | 'steps'>> = {},
): Promise<void> {
  await db
    .update(regionMoves)
    .set({
      ...extra,
      steps: sql`${regionMoves.steps} || jsonb_build_object(${step}::text, ${JSON.stringify(record)}::jsonb)`,
      updatedAt: new Date(),
    })
    .where(eq(regionMoves.id, id));
}

/** Merges per-table figures into `tables`. */
export async function recordTables(
  db: ControlDb,
  id: string,
  tables: Record<string, Partial<TableRecord>>,
  extra: Partial<Omit<typeof regionMoves.$inferInsert, 'id' | 'tenantId' | 'tables'>> = {},
): Promise<void> {
  // Deep merge one level: each table's object is merged with what is stored.
  await db.execute(sql`
    update region_moves set
      tables = (select coalesce(jsonb_object_agg(k, coalesce(tables->k, '{}'::jsonb) || v), '{}'::jsonb)
                  from jsonb_each(${JSON.stringify(tables)}::jsonb) as e(k, v)) ||
               (select coalesce(jsonb_object_agg(k, v), '{}'::jsonb) from jsonb_each(tables) as o(k, v)
                 where not (${JSON.stringify(tables)}::jsonb ? k)),
      updated_at = now()
    where id = ${id}`);
  if (Object.keys(extra).length > 0) await updateMove(db, id, extra);
}

/** How many workspaces each region holds, by the directory. */
export async function countTenantsByRegion(db: ControlDb): Promise<Map<string, number>> {
  const counts = await db.execute<{ region_id: string; n: number }>(
    sql`select region_id, count(*)::int as n from tenants group by region_id`,
  );
  return new Map(counts.rows.map((r) => [r.region_id, r.n]));
}
