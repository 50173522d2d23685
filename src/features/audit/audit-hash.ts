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

/** The fields every scheme binds, in canonical JSON. */
function eventPayload(e: HashedAuditFields, extra: Record<string, unknown> = {}): string {
  return canonicalJson({
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
    ...extra,
  });
}

/** Scheme 1 (events written before sealing): plain sha256, which anyone can recompute. */
export const LEGACY_SCHEME = 1;
/** Scheme 2: HMAC-SHA256 with a key that is not in the database. */
export const SEALED_SCHEME = 2;

/** Scheme 1 hash of exactly the listed fields (a stored row carries more, such as its own hash). */
export function auditEventHash(e: HashedAuditFields): string {
  return crypto.createHash('sha256').update(eventPayload(e)).digest('hex');
}

/** Scheme 2 seal: the key id and scheme are bound too, so neither can be swapped. */
export function auditEventSeal(e: HashedAuditFields, keyId: string, key: Buffer): string {
  return crypto
    .createHmac('sha256', key)
    .update(eventPayload(e, { scheme: SEALED_SCHEME, keyId }))
    .digest('hex');
}

export type ChainProblem =
  | 'missing_event'
  | 'link_mismatch'
  | 'hash_mismatch'
  | 'hmac_mismatch'
  | 'unknown_key'
  | 'scheme_downgrade'
  | 'head_mismatch'
  | 'checkpoint_mismatch'
  | 'checkpoint_invalid';

export interface ChainVerdict {
  ok: boolean;
  /** events whose hash and link were checked */
  checked: number;
  /** The first event whose hash, seal or link is wrong (or that is missing). */
  brokenAtSeq?: number;
  problem?: ChainProblem;
  /** for a person: what is wrong */
  reason?: string;
}

export type StoredAuditEvent = HashedAuditFields & { hash: string; scheme: number; keyId: string | null };

/** Where a walk along the chain stands: the next expected seq and link. */
export interface ChainCursor {
  seq: number;
  prevHash: string;
  /** a sealed event was seen: legacy events may no longer follow */
  sealed: boolean;
}

export const chainStart = (): ChainCursor => ({ seq: 1, prevHash: GENESIS_HASH, sealed: false });

const equalHex = (a: string, b: string) =>
  a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Checks one event against the cursor; null when it is sound. */
function checkEvent(
  e: StoredAuditEvent,
  at: ChainCursor,
  keys: ReadonlyMap<string, Buffer>,
): { problem: ChainProblem; reason: string; seq: number } | null {
  if (e.seq !== at.seq)
    return {
      problem: 'missing_event',
      seq: at.seq,
      reason: `event ${at.seq} is missing (the next stored event is ${e.seq})`,
    };
  if (e.prevHash !== at.prevHash)
    return { problem: 'link_mismatch', seq: e.seq, reason: 'its link to the previous event is wrong' };
  if (e.scheme === LEGACY_SCHEME) {
    if (at.sealed)
      return {
        problem: 'scheme_downgrade',
        seq: e.seq,
        reason: 'it claims the unsealed legacy scheme after sealed events: it was rewritten',
      };
    if (!equalHex(auditEventHash(e), e.hash))
      return { problem: 'hash_mismatch', seq: e.seq, reason: 'its content does not match its hash' };
    return null;
  }
  if (e.scheme !== SEALED_SCHEME)
    return { problem: 'hmac_mismatch', seq: e.seq, reason: `unknown sealing scheme ${e.scheme}` };
  const key = e.keyId ? keys.get(e.keyId) : undefined;
  if (!key)
    return {
      problem: 'unknown_key',
      seq: e.seq,
      reason: `it is sealed with key "${e.keyId}", which this server does not have (configure it as a retired key)`,
    };
  if (!equalHex(auditEventSeal(e, e.keyId!, key), e.hash))
    return {
      problem: 'hmac_mismatch',
      seq: e.seq,
      reason: 'its content does not match its HMAC seal (rewritten without the key)',
    };
  return null;
}

/**
 * Verifies events given in seq order, continuing from `at` (pages: pass the cursor back in).
 * `watch` collects the hashes of the listed seqs (heads and checkpoints to compare).
 */
export function verifyChainSegment(
  events: StoredAuditEvent[],
  at: ChainCursor,
  keys: ReadonlyMap<string, Buffer>,
  watch?: Map<number, string | null>,
): ChainVerdict & { cursor: ChainCursor } {
  let cursor = at;
  for (const e of events) {
    const bad = checkEvent(e, cursor, keys);
    if (bad)
      return {
        ok: false,
        checked: cursor.seq - 1,
        brokenAtSeq: bad.seq,
        problem: bad.problem,
        reason: `event ${bad.seq}: ${bad.reason}`,
        cursor,
      };
    if (watch?.has(e.seq)) watch.set(e.seq, e.hash);
    cursor = { seq: e.seq + 1, prevHash: e.hash, sealed: cursor.sealed || e.scheme === SEALED_SCHEME };
  }
  return { ok: true, checked: cursor.seq - 1, cursor };
}
