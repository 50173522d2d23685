import { and, asc, desc, eq, gt } from 'drizzle-orm';
import { sql } from 'drizzle-orm';
import { type TenantTx, afterCommit, databasesOf } from '../../db/databases.js';
import { auditEvents } from '../../db/schema/region.js';
import { newId } from '../../platform/ids.js';
import { advanceAuditHead } from './audit-control.repo.js';
import { GENESIS_HASH, SEALED_SCHEME, auditEventSeal } from './audit-hash.js';
import { processMetrics } from '../../platform/metrics.js';

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

/**
 * Appends one event, chained to the tenant's previous one and sealed with the HMAC key (which
 * is not in the database). Runs inside the change's transaction; once that commits, the
 * tenant's head in the control database moves to this event (it may lag, never run ahead).
 */
export async function appendAuditEvent(
  tx: TenantTx,
  input: AuditInput,
): Promise<{ seq: number; hash: string }> {
  const dbs = databasesOf(tx);
  const keys = dbs.auditKeys;
  if (!keys) throw new Error('Audit keys are not loaded: pass { auditKeys } to new Databases().');
  // Serialise writers of one tenant's chain; the lock ends with the transaction.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${input.tenantId}::text, 7))`);
  const last = await readChainTip(tx, input.tenantId);
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS_HASH;
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
  const keyId = keys.hmacCurrent;
  const hash = auditEventSeal(fields, keyId, keys.hmac.get(keyId)!);
  await tx.insert(auditEvents).values({ ...fields, hash, scheme: SEALED_SCHEME, keyId });
  // One head update per tenant and transaction: the last event's.
  afterCommit(tx, `audit-head:${input.tenantId}`, () =>
    advanceAuditHead(dbs.control, input.tenantId, seq, hash),
  );
  processMetrics.auditEvents.inc();
  return { seq, hash };
}

/** The newest event of a tenant's chain (seq and hash), or null for an empty chain. */
export async function readChainTip(tx: TenantTx, tenantId: string) {
  const [row] = await tx
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .where(eq(auditEvents.tenantId, tenantId))
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  return row ?? null;
}

export async function listAuditEvents(tx: TenantTx, tenantId: string, afterSeq: number, limit: number) {
  return tx
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.tenantId, tenantId), gt(auditEvents.seq, afterSeq)))
    .orderBy(asc(auditEvents.seq))
    .limit(limit);
}
