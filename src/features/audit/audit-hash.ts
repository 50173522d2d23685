import crypto from 'node:crypto';

/** The first event of a tenant chains to this. */
export const GENESIS_HASH = '0'.repeat(64);

export interface HashedAuditFields {
  tenantId: string;
  seq: number;
  id: string;
  occurredAt: Date;
  actorType: string;
  actorId: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  prevHash: string;
}

/** JSON with object keys sorted at every depth, so jsonb's reordering cannot change a hash. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value as object)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** Hashes exactly the listed fields (a stored row carries more, such as its own hash). */
export function auditEventHash(e: HashedAuditFields): string {
  const payload = canonicalJson({
    tenantId: e.tenantId,
    seq: e.seq,
    id: e.id,
    occurredAt: e.occurredAt.toISOString(),
    actorType: e.actorType,
    actorId: e.actorId,
    action: e.action,
    objectType: e.objectType,
    objectId: e.objectId,
    before: e.before,
    after: e.after,
    requestId: e.requestId,
    prevHash: e.prevHash,
  });
  return crypto.createHash('sha256').update(payload).digest('hex');
}

export interface ChainVerdict {
  ok: boolean;
  checked: number;
  /** The first event whose hash or link is wrong. */
  brokenAtSeq?: number;
  reason?: string;
}

/** Verifies events given in seq order (possibly in pages: pass the previous page's last hash). */
export function verifyChainSegment(
  events: (HashedAuditFields & { hash: string })[],
  expectedPrev: string,
  expectedSeq: number,
): ChainVerdict & { lastHash: string; nextSeq: number } {
  let prev = expectedPrev;
  let seq = expectedSeq;
  for (const e of events) {
    if (e.seq !== seq)
      return {
        ok: false,
        checked: seq - 1,
        brokenAtSeq: e.seq,
        reason: `missing event ${seq}`,
        lastHash: prev,
        nextSeq: seq,
      };
    if (e.prevHash !== prev)
      return {
        ok: false,
        checked: seq - 1,
        brokenAtSeq: e.seq,
        reason: 'link to previous event is wrong',
        lastHash: prev,
        nextSeq: seq,
      };
    if (auditEventHash(e) !== e.hash)
      return {
        ok: false,
        checked: seq - 1,
        brokenAtSeq: e.seq,
        reason: 'event content does not match its hash',
        lastHash: prev,
        nextSeq: seq,
      };
    prev = e.hash;
    seq += 1;
  }
  return { ok: true, checked: seq - 1, lastHash: prev, nextSeq: seq };
}
