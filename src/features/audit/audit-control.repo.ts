import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { ControlDb } from '../../db/databases.js';
import { auditCheckpoints, auditHeads } from '../../db/schema/control.js';

/** What the control database holds about each tenant's chain, outside the region database. */

export interface AuditHead {
  seq: number;
  hash: string;
  updatedAt: Date;
}

export async function readAuditHead(control: ControlDb, tenantId: string): Promise<AuditHead | null> {
  const [row] = await control
    .select({ seq: auditHeads.seq, hash: auditHeads.hash, updatedAt: auditHeads.updatedAt })
    .from(auditHeads)
    .where(eq(auditHeads.tenantId, tenantId));
  return row ?? null;
}

/** Moves the head forward to (seq, hash); a head already at or past seq stays (commits race). */
export async function advanceAuditHead(
  control: ControlDb,
  tenantId: string,
  seq: number,
  hash: string,
): Promise<void> {
  await control.execute(sql`
    insert into audit_heads (tenant_id, seq, hash, updated_at) values (${tenantId}, ${seq}, ${hash}, now())
    on conflict (tenant_id) do update set seq = excluded.seq, hash = excluded.hash, updated_at = now()
    where audit_heads.seq < excluded.seq`);
}

export type StoredCheckpoint = typeof auditCheckpoints.$inferSelect;

export async function insertCheckpoint(control: ControlDb, row: StoredCheckpoint): Promise<void> {
  await control.insert(auditCheckpoints).values(row);
}

/** The checkpoint that covers the most events (the newest of those). */
export async function latestCheckpoint(
  control: ControlDb,
  tenantId: string,
): Promise<StoredCheckpoint | null> {
  const [row] = await control
    .select()
    .from(auditCheckpoints)
    .where(eq(auditCheckpoints.tenantId, tenantId))
    .orderBy(desc(auditCheckpoints.seq), desc(auditCheckpoints.issuedAt))
    .limit(1);
  return row ?? null;
}

/** Newest first; `beforeSeq` pages back. */
export async function listCheckpoints(
  control: ControlDb,
  tenantId: string,
  beforeSeq: number | null,
  limit: number,
): Promise<StoredCheckpoint[]> {
  return control
    .select()
    .from(auditCheckpoints)
    .where(
      and(
        eq(auditCheckpoints.tenantId, tenantId),
        beforeSeq === null ? undefined : lt(auditCheckpoints.seq, beforeSeq),
      ),
    )
    .orderBy(desc(auditCheckpoints.seq), desc(auditCheckpoints.issuedAt))
    .limit(limit);
}

/**
 * A region's tenants in id order, a page at a time, for the sealing job: all of them (`all`),
 * or only those whose control head moved past their latest checkpoint or has none yet.
 */
export async function tenantsToSeal(
  control: ControlDb,
  regionId: string,
  afterId: string | null,
  limit: number,
  all: boolean,
): Promise<{ id: string; slug: string; regionId: string }[]> {
  const { rows } = await control.execute<{ id: string; slug: string; region_id: string }>(sql`
    select t.id, t.slug, t.region_id from tenants t
    left join audit_heads h on h.tenant_id = t.id
    where t.region_id = ${regionId}
      and (${afterId}::uuid is null or t.id > ${afterId}::uuid)
      and (${all} or h.tenant_id is null or h.seq > coalesce(
        (select max(c.seq) from audit_checkpoints c where c.tenant_id = t.id), 0))
    order by t.id
    limit ${limit}`);
  return rows.map((r) => ({ id: r.id, slug: r.slug, regionId: r.region_id }));
}
