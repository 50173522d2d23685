import { and, asc, desc, eq, gt } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { auditEvents } from '../../db/schema/region.js';
import { newId } from '../../platform/ids.js';
import { processMetrics } from '../../platform/metrics.js';
import { GENESIS_HASH, auditEventHash } from './audit-hash.js';

export interface AuditInput {
  tenantId: string;
  actorType: 'user' | 'token' | 'system';
  actorId: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
}

/** Appends one event, chained to the tenant's previous one. Runs inside the change's transaction. */
export async function appendAuditEvent(
  tx: TenantTx,
  input: AuditInput,
): Promise<{ seq: number; hash: string }> {
  // Serialise writers of one tenant's chain; the lock ends with the transaction.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${input.tenantId}::text, 7))`);
  const last = await tx
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .where(eq(auditEvents.tenantId, input.tenantId))
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  const seq = (last[0]?.seq ?? 0) + 1;
  const prevHash = last[0]?.hash ?? GENESIS_HASH;
  const fields = {
    tenantId: input.tenantId,
    seq,
    id: newId(),
    occurredAt: new Date(),
    actorType: input.actorType,
    actorId: input.actorId,
    action: input.action,
    objectType: input.objectType,
    objectId: input.objectId,
    before: input.before ?? null,
    after: input.after ?? null,
    requestId: input.requestId ?? null,
    prevHash,
  };
  const hash = auditEventHash(fields);
  await tx.insert(auditEvents).values({ ...fields, hash });
  processMetrics.auditEvents.inc();
  return { seq, hash };
}

export async function listAuditEvents(tx: TenantTx, tenantId: string, afterSeq: number, limit: number) {
  return tx
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.tenantId, tenantId), gt(auditEvents.seq, afterSeq)))
    .orderBy(asc(auditEvents.seq))
    .limit(limit);
}
