import type { TenantRef } from '../../db/databases.js';
import type { AppDeps } from '../../platform/context.js';
import { type ChainVerdict, GENESIS_HASH, verifyChainSegment } from './audit-hash.js';
import { listAuditEvents } from './audit.repo.js';

const PAGE = 1000;

/** Walks a tenant's whole chain in pages, recomputing every hash and link. */
export async function verifyAuditChain(deps: AppDeps, tenant: TenantRef): Promise<ChainVerdict> {
  let prev = GENESIS_HASH;
  let seq = 1;
  for (;;) {
    const page = await deps.dbs.withTenant(tenant, (tx) => listAuditEvents(tx, tenant.id, seq - 1, PAGE));
    const v = verifyChainSegment(page, prev, seq);
    if (!v.ok) return { ok: false, checked: v.checked, brokenAtSeq: v.brokenAtSeq, reason: v.reason };
    if (page.length < PAGE) return { ok: true, checked: v.checked };
    prev = v.lastHash;
    seq = v.nextSeq;
  }
}

export async function listAudit(deps: AppDeps, tenant: TenantRef, afterSeq: number, limit: number) {
  const rows = await deps.dbs.withTenant(tenant, (tx) => listAuditEvents(tx, tenant.id, afterSeq, limit));
  return {
    items: rows.map((r) => ({
      seq: r.seq,
      id: r.id,
      occurredAt: r.occurredAt.toISOString(),
      actorType: r.actorType,
      actorId: r.actorId,
      action: r.action,
      objectType: r.objectType,
      objectId: r.objectId,
      before: r.before,
      after: r.after,
      requestId: r.requestId,
      hash: r.hash,
      prevHash: r.prevHash,
    })),
    nextAfterSeq: rows.length === limit ? rows[rows.length - 1]!.seq : null,
  };
}
