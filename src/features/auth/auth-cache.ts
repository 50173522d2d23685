import type { AppDeps } from '../../app/deps.js';
import type { Role } from '../../platform/context.js';
import { announceDirectoryChange } from '../../platform/directory-channel.js';

/**
 * A few seconds of memory for what every authenticated request asks the control database:
 * which token (or session) this is, and the caller's role in the tenant. Only positive answers
 * are kept (an unknown secret costs a query every time, and cannot fill the memory).
 *
 * A revoked token, an ended session, a changed role or a removed member is forgotten at once in
 * this process, before the change is answered, and in every other process (another server)
 * when the NOTIFY on the directory channel arrives (`forgetEverywhere`, milliseconds). The TTL
 * is the fallback for a process whose listener is reconnecting: for at most AUTH_CACHE_TTL_MS
 * a revoked token or a removed member may still be let in there.
 */
export const AUTH_CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

export interface CachedToken {
  id: string;
  tenantId: string;
  scope: 'read' | 'write';
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

export interface CachedSession {
  userId: string;
  csrfToken: string;
  expiresAt: Date;
}

class TtlMap<V> {
  private m = new Map<string, { v: V; at: number }>();
  /**
   * Bumped by every forget: an answer read from the database before a forget (it may predate
   * the revocation) is not stored after it. Read it before the query, pass it to `set`.
   */
  epoch = 0;
  get(k: string, now = Date.now()): V | undefined {
    const hit = this.m.get(k);
    if (!hit) return undefined;
    if (now - hit.at >= AUTH_CACHE_TTL_MS) {
      this.m.delete(k);
      return undefined;
    }
    return hit.v;
  }
  set(k: string, v: V, readAtEpoch: number, now = Date.now()): void {
    if (readAtEpoch !== this.epoch) return;
    // Full: start again (entries live seconds; a sweep would cost more than the misses).
    if (this.m.size >= MAX_ENTRIES) this.m.clear();
    this.m.set(k, { v, at: now });
  }
  deleteWhere(fn: (k: string, v: V) => boolean): void {
    this.epoch++;
    for (const [k, e] of this.m) if (fn(k, e.v)) this.m.delete(k);
  }
  delete(k: string): void {
    this.epoch++;
    this.m.delete(k);
  }
}

export class AuthCache {
  /** by sha256 of the token */
  readonly tokens = new TtlMap<CachedToken>();
  /** by sha256 of the session secret */
  readonly sessions = new TtlMap<CachedSession>();
  /** by `${userId}:${tenantId}` */
  readonly roles = new TtlMap<Role>();

  forgetToken(tokenId: string): void {
    this.tokens.deleteWhere((_, t) => t.id === tokenId);
  }

  forgetSession(sessionHash: string): void {
    this.sessions.delete(sessionHash);
  }

  /** Every session of a user (a password reset signs them all out). */
  forgetUserSessions(userId: string): void {
    this.sessions.deleteWhere((_, s) => s.userId === userId);
  }

  forgetMembership(tenantId: string, userId: string): void {
    this.roles.delete(`${userId}:${tenantId}`);
  }
}

/** The deps' auth cache, made on first use (one per app, shared by the services that forget). */
export function authCacheOf(deps: Pick<AppDeps, 'authCache'>): AuthCache {
  deps.authCache ??= new AuthCache();
  return deps.authCache;
}

/** What is forgotten; other processes receive it on the directory channel as `{ auth: ... }`. */
export type AuthForget =
  | { token: string }
  | { session: string }
  | { userSessions: string }
  | { membership: { tenantId: string; userId: string } };

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 200;

/** Forgets what `f` names in this cache; anything not of that shape (not ours) is ignored. */
export function applyAuthForget(cache: AuthCache, f: unknown): void {
  if (!f || typeof f !== 'object') return;
  const o = f as Record<string, unknown>;
  if (isId(o.token)) cache.forgetToken(o.token);
  if (isId(o.session)) cache.forgetSession(o.session);
  if (isId(o.userSessions)) cache.forgetUserSessions(o.userSessions);
  const m = o.membership as Record<string, unknown> | undefined;
  if (m && typeof m === 'object' && isId(m.tenantId) && isId(m.userId))
    cache.forgetMembership(m.tenantId, m.userId);
}

/**
 * Forgets at once here, then tells every process listening on the directory channel
 * (directory-listener.ts) to forget the same. Call after the change committed: a process that
 * forgot before the commit could read the old row again and keep it for the TTL.
 */
export async function forgetEverywhere(deps: AppDeps, f: AuthForget): Promise<void> {
  applyAuthForget(authCacheOf(deps), f);
  await announceDirectoryChange(deps.dbs.control, { auth: f });
}
