import type { TenantRef } from '../../db/databases.js';
import type { AuditKeys } from '../../platform/audit-keys.js';
import type { AppDeps } from '../../app/deps.js';
import { type CheckpointClaim, checkpointFile, readCheckpoint } from './audit-checkpoint.js';
import { advanceAuditHead, latestCheckpoint, readAuditHead } from './audit-control.repo.js';
import {
  type ChainCursor,
  type ChainProblem,
  type ChainVerdict,
  chainStart,
  GENESIS_HASH,
  SEALED_SCHEME,
  verifyChainSegment,
} from './audit-hash.js';
import { listAuditEvents } from './audit.repo.js';

/**
 * Every change appends its audit event through here, in its own transaction: the audit log is a
 * service of the platform, and no feature reaches into audit.repo.
 */
export { type AuditInput, appendAuditEvent } from './audit.repo.js';

const PAGE = 1000;

export interface AuditVerdict extends ChainVerdict {
  /** the last event of the chain in the region database */
  lastSeq: number;
  lastHash: string;
  /** the head kept in the control database, as found before this check */
  head: { seq: number; hash: string | null; state: 'current' | 'lagging' | 'missing' };
  /** the control head was behind a sound chain and was moved forward by this check */
  headAdvanced: boolean;
  /** the signed checkpoint the chain was compared with (a provided one wins over the stored one) */
  checkpoint?: { source: 'stored' | 'provided'; seq: number; issuedAt: string; keyId: string };
}

export interface VerifyOptions {
  /** a checkpoint file held outside the server (parsed JSON) */
  checkpoint?: unknown;
  /** walk from the latest stored checkpoint instead of the first event (the sealing job) */
  fromCheckpoint?: boolean;
  /** move a lagging control head forward when the chain beyond it is sound (default true) */
  repair?: boolean;
}

export function requireAuditKeys(deps: AppDeps): AuditKeys {
  const keys = deps.dbs.auditKeys;
  if (!keys) throw new Error('Audit keys are not loaded: pass { auditKeys } to new Databases().');
  return keys;
}

const broken = (seq: number, problem: ChainProblem, reason: string) => ({
  brokenAtSeq: seq,
  problem,
  reason,
});

/**
 * Checks a tenant's chain the way an auditor would, trusting nothing in the region database:
 * every link and HMAC seal, then the head kept in the control database (fewer events than the
 * head: truncated; another hash at the head: rewritten), then a signed checkpoint (the stored
 * latest, or one held outside). Events beyond the head whose chain is sound mean the head lags.
 */
export async function verifyAuditChain(
  deps: AppDeps,
  tenant: TenantRef,
  opts: VerifyOptions = {},
): Promise<AuditVerdict> {
  const keys = requireAuditKeys(deps);
  // Head and checkpoints first: read after the walk they could be ahead of what was walked.
  const head = await readAuditHead(deps.dbs.control, tenant.id);
  const stored = await latestCheckpoint(deps.dbs.control, tenant.id);
  const headView = {
    seq: head?.seq ?? 0,
    hash: head?.hash ?? null,
    state: head ? 'current' : 'missing',
  } as const;
  const result = (v: Partial<AuditVerdict> & { ok: boolean; checked: number }): AuditVerdict => ({
    lastSeq: 0,
    lastHash: GENESIS_HASH,
    head: headView,
    headAdvanced: false,
    ...v,
  });

  let claim: CheckpointClaim | null = null;
  let source: 'stored' | 'provided' = 'stored';
  if (opts.checkpoint !== undefined) {
    const read = readCheckpoint(opts.checkpoint, keys.publicKeys);
    if (!read.ok)
      return result({
        ok: false,
        checked: 0,
        ...broken(0, 'checkpoint_invalid', `The checkpoint cannot be trusted: ${read.reason}.`),
      });
    if (read.claim.tenantId !== tenant.id)
      return result({
        ok: false,
        checked: 0,
        ...broken(0, 'checkpoint_invalid', 'The checkpoint belongs to another workspace.'),
      });
    claim = read.claim;
    source = 'provided';
  }
  let storedClaim: CheckpointClaim | null = null;
  if (stored) {
    const read = readCheckpoint(checkpointFile(stored, '', undefined), keys.publicKeys);
    if (!read.ok || read.claim.tenantId !== tenant.id)
      return result({
        ok: false,
        checked: 0,
        ...broken(
          stored.seq,
          'checkpoint_invalid',
          `The stored checkpoint of event ${stored.seq} is not genuine: ${read.ok ? 'another workspace' : read.reason}.`,
        ),
      });
    storedClaim = read.claim;
    claim ??= storedClaim;
  }

  // Walk the chain: from the first event, or (the sealing job) from the stored checkpoint.
  const watch = new Map<number, string | null>();
  if (head) watch.set(head.seq, null);
  if (claim && claim.seq > 0) watch.set(claim.seq, null);
  let cursor: ChainCursor = chainStart();
  let checked = 0;
  let walkedFrom = 1;
  if (opts.fromCheckpoint && storedClaim && storedClaim.seq > 0) {
    const [at] = await deps.dbs.withTenant(tenant, (tx) =>
      listAuditEvents(tx, tenant.id, storedClaim.seq - 1, 1),
    );
    if (!at || at.seq !== storedClaim.seq || at.hash !== storedClaim.headHash)
      return result({
        ok: false,
        checked: 0,
        ...broken(
          storedClaim.seq,
          'checkpoint_mismatch',
          `Event ${storedClaim.seq} is missing or differs from the checkpoint signed at ${storedClaim.issuedAt}: history was rewritten.`,
        ),
      });
    if (watch.has(at.seq)) watch.set(at.seq, at.hash);
    cursor = { seq: at.seq + 1, prevHash: at.hash, sealed: at.scheme === SEALED_SCHEME };
    walkedFrom = at.seq;
  }
  for (;;) {
    const page = await deps.dbs.withTenant(tenant, (tx) =>
      listAuditEvents(tx, tenant.id, cursor.seq - 1, PAGE),
    );
    const v = verifyChainSegment(page, cursor, keys.hmac, watch);
    checked += v.cursor.seq - cursor.seq;
    cursor = v.cursor;
    if (!v.ok)
      return result({
        ok: false,
        checked,
        lastSeq: cursor.seq - 1,
        lastHash: cursor.prevHash,
        ...broken(v.brokenAtSeq!, v.problem!, v.reason!),
      });
    if (page.length < PAGE) break;
  }
  const lastSeq = cursor.seq - 1;
  const lastHash = cursor.prevHash;
  const done = (v: Partial<AuditVerdict> & { ok: boolean }) => result({ checked, lastSeq, lastHash, ...v });
  const cp = claim ? { source, seq: claim.seq, issuedAt: claim.issuedAt, keyId: claim.keyId } : undefined;

  if (head && lastSeq < head.seq)
    return done({
      ok: false,
      checkpoint: cp,
      ...broken(
        lastSeq + 1,
        'missing_event',
        `Events ${lastSeq + 1} to ${head.seq} are missing: the control database's head is at event ${head.seq}, the chain ends at ${lastSeq}.`,
      ),
    });
  if (head && head.seq >= walkedFrom && watch.get(head.seq) !== head.hash)
    return done({
      ok: false,
      checkpoint: cp,
      ...broken(
        head.seq,
        'head_mismatch',
        `Event ${head.seq} has another hash than the head kept in the control database: it was rewritten.`,
      ),
    });
  for (const c of [claim, storedClaim]) {
    if (!c) continue;
    if (lastSeq < c.seq)
      return done({
        ok: false,
        checkpoint: cp,
        ...broken(
          lastSeq + 1,
          'checkpoint_mismatch',
          `A checkpoint signed at ${c.issuedAt} covers events up to ${c.seq}, but the chain ends at ${lastSeq}: events were removed or an older copy was restored.`,
        ),
      });
    const at = c.seq === 0 ? GENESIS_HASH : watch.get(c.seq);
    if (at !== c.headHash)
      return done({
        ok: false,
        checkpoint: cp,
        ...broken(
          c.seq,
          'checkpoint_mismatch',
          `Event ${c.seq} differs from the checkpoint signed at ${c.issuedAt}: history was rewritten.`,
        ),
      });
  }
  const lagging = !head || lastSeq > head.seq;
  const state = !head ? 'missing' : lagging ? 'lagging' : 'current';
  let headAdvanced = false;
  if (lagging && lastSeq > 0 && opts.repair !== false) {
    await advanceAuditHead(deps.dbs.control, tenant.id, lastSeq, lastHash);
    headAdvanced = true;
  }
  return done({ ok: true, checkpoint: cp, head: { ...headView, state }, headAdvanced });
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
      scheme: r.scheme,
      keyId: r.keyId,
    })),
    nextAfterSeq: rows.length === limit ? rows[rows.length - 1]!.seq : null,
  };
}
