import pg from 'pg';
import { inject } from 'vitest';
import {
  type HashedAuditFields,
  auditEventHash,
  auditEventSeal,
  LEGACY_SCHEME,
  SEALED_SCHEME,
} from '../../src/features/audit/audit-hash.js';

/**
 * What an attacker with the database's own administrator account can do: connect as the owner
 * (not the application role), switch the append-only trigger off, and rewrite rows at will.
 */
export async function asOwner<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export const regionUrl = (regionId: string) =>
  inject('dbTargets').regions.find((r) => r.id === regionId)!.url;
export const controlUrl = () => inject('dbTargets').controlUrl;

export interface EventRow extends HashedAuditFields {
  hash: string;
  scheme: number;
  keyId: string | null;
}

/** Reads a tenant's events as the owner (forced RLS still wants the tenant set). */
export async function readEvents(c: pg.Client, tenantId: string): Promise<EventRow[]> {
  await c.query(`select set_config('app.tenant_id', $1, false)`, [tenantId]);
  const { rows } = await c.query('select * from audit_events where tenant_id = $1 order by seq', [tenantId]);
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    seq: Number(r.seq),
    id: r.id,
    occurredAt: r.occurred_at,
    actorType: r.actor_type,
    actorId: r.actor_id,
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    before: r.before,
    after: r.after,
    requestId: r.request_id,
    prevHash: r.prev_hash,
    hash: r.hash,
    scheme: Number(r.scheme),
    keyId: r.key_id,
  }));
}

/** Runs raw SQL on a tenant's audit rows as the owner, with the append-only trigger off. */
export async function tamperRegion(regionId: string, tenantId: string, fn: (c: pg.Client) => Promise<void>) {
  await asOwner(regionUrl(regionId), async (c) => {
    await c.query(`select set_config('app.tenant_id', $1, false)`, [tenantId]);
    await c.query('alter table audit_events disable trigger audit_events_no_update');
    try {
      await fn(c);
    } finally {
      await c.query('alter table audit_events enable trigger audit_events_no_update');
    }
  });
}

export type Sealer = (e: HashedAuditFields) => { hash: string; scheme: number; keyId: string | null };

/** The product's own legacy function: plain sha256 that anyone can recompute. */
export const legacySealer: Sealer = (e) => ({ hash: auditEventHash(e), scheme: LEGACY_SCHEME, keyId: null });

/** HMAC with a given key (the real one if the attacker stole it, a guess if not). */
export const hmacSealer =
  (keyId: string, secret: string): Sealer =>
  (e) => ({ hash: auditEventSeal(e, keyId, Buffer.from(secret, 'utf8')), scheme: SEALED_SCHEME, keyId });

/**
 * Rewrites event `fromSeq` with `change` and recomputes it and every later event with `seal`,
 * relinking each to the one before: a rewrite that leaves the chain looking consistent.
 */
export async function rewriteAndRechain(
  c: pg.Client,
  tenantId: string,
  fromSeq: number,
  change: (e: EventRow) => void,
  seal: Sealer,
  untilSeq = Number.MAX_SAFE_INTEGER,
): Promise<EventRow[]> {
  const events = await readEvents(c, tenantId);
  let prev = events.find((e) => e.seq === fromSeq - 1)?.hash ?? '0'.repeat(64);
  for (const e of events) {
    if (e.seq < fromSeq || e.seq > untilSeq) continue;
    if (e.seq === fromSeq) change(e);
    e.prevHash = prev;
    Object.assign(e, seal(e));
    await c.query(
      `update audit_events set after = $3, prev_hash = $4, hash = $5, scheme = $6, key_id = $7
       where tenant_id = $1 and seq = $2`,
      [tenantId, e.seq, JSON.stringify(e.after), e.prevHash, e.hash, e.scheme, e.keyId],
    );
    prev = e.hash;
  }
  return events;
}

/** Sets the control head as the control database's owner (its forward-only trigger off). */
export async function setControlHead(tenantId: string, seq: number, hash: string) {
  await asOwner(controlUrl(), async (c) => {
    await c.query('alter table audit_heads disable trigger audit_heads_forward');
    try {
      await c.query('update audit_heads set seq = $2, hash = $3 where tenant_id = $1', [tenantId, seq, hash]);
    } finally {
      await c.query('alter table audit_heads enable trigger audit_heads_forward');
    }
  });
}

export async function controlHead(tenantId: string) {
  return asOwner(controlUrl(), async (c) => {
    const { rows } = await c.query('select seq, hash from audit_heads where tenant_id = $1', [tenantId]);
    return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash as string } : null;
  });
}

/** Puts rows back exactly as they were read (restoring an older copy of the table). */
export async function insertEvents(c: pg.Client, events: EventRow[]) {
  for (const e of events)
    await c.query(
      `insert into audit_events (tenant_id, seq, id, occurred_at, actor_type, actor_id, action, object_type,
         object_id, before, after, request_id, prev_hash, hash, scheme, key_id)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
      [
        e.tenantId,
        e.seq,
        e.id,
        e.occurredAt,
        e.actorType,
        e.actorId,
        e.action,
        e.objectType,
        e.objectId,
        JSON.stringify(e.before),
        JSON.stringify(e.after),
        e.requestId,
        e.prevHash,
        e.hash,
        e.scheme,
        e.keyId,
      ],
    );
}
