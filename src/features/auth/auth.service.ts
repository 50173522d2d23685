import type { AppDeps } from '../../app/deps.js';
import type { Actor, Role } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { randomSecret, sha256Hex } from '../../platform/ids.js';
import { type RequestMeta, recordTokenAddress, recordUserEvent } from '../audit/audit-security.service.js';
import { authCacheOf, forgetEverywhere } from './auth-cache.js';
import {
  deleteSession,
  insertSession,
  selectLiveSession,
  selectLiveToken,
  selectMemberRole,
  selectUser,
  selectUserByEmail,
  selectUserNames,
  updateTokenLastUsed,
} from './auth.repo.js';
import { verifyPassword } from '../../platform/passwords.js';

const SESSION_DAYS = 14;

export const invalidCredentials = () =>
  new AppError(401, 'INVALID_CREDENTIALS', 'Email or password is not right. Check both and try again.');

export async function findUserByEmail(deps: AppDeps, email: string) {
  return selectUserByEmail(deps.dbs.control, email);
}

/** A user's name and address (for words that name who acted); null when there is no such user. */
export function userNames(deps: AppDeps, userId: string): Promise<{ name: string; email: string } | null> {
  return selectUserNames(deps.dbs.control, userId);
}

/** Creates a session for a user; the cookie value is returned once and only its hash is stored. */
export async function createSession(deps: AppDeps, userId: string) {
  const secret = randomSecret('', 32);
  const csrfToken = randomSecret('', 24);
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 86_400_000);
  await insertSession(deps.dbs.control, { idHash: sha256Hex(secret), userId, csrfToken, expiresAt });
  return { secret, csrfToken, expiresAt };
}

export async function logIn(deps: AppDeps, email: string, password: string, meta: RequestMeta = {}) {
  const user = await findUserByEmail(deps, email);
  const ok = await verifyPassword(user?.passwordHash ?? null, password);
  // Not awaited: a known address must not answer slower than an unknown one.
  if (user && !ok) void recordUserEvent(deps, user, 'auth.login_failed', meta);
  if (!user || !ok) throw invalidCredentials();
  const session = await createSession(deps, user.id);
  await recordUserEvent(deps, user, 'auth.login', meta);
  return { user: { id: user.id, email: user.email, name: user.name }, session };
}

export async function logOut(deps: AppDeps, sessionSecret: string, meta: RequestMeta = {}): Promise<void> {
  const idHash = sha256Hex(sessionSecret);
  const endedUserId = await deleteSession(deps.dbs.control, idHash);
  await forgetEverywhere(deps, { session: idHash });
  const user = endedUserId ? await selectUser(deps.dbs.control, endedUserId) : null;
  if (user) await recordUserEvent(deps, user, 'auth.logout', meta);
}

export async function actorFromSession(deps: AppDeps, sessionSecret: string): Promise<Actor | null> {
  const idHash = sha256Hex(sessionSecret);
  const cache = authCacheOf(deps).sessions;
  let s = cache.get(idHash);
  if (s && s.expiresAt.getTime() <= Date.now()) s = undefined;
  if (!s) {
    const epoch = cache.epoch;
    s = (await selectLiveSession(deps.dbs.control, idHash)) ?? undefined;
    if (!s) return null;
    cache.set(idHash, s, epoch);
  }
  return { type: 'user', id: s.userId, userId: s.userId, csrfToken: s.csrfToken };
}

export async function actorFromToken(
  deps: AppDeps,
  token: string,
  meta: RequestMeta = {},
): Promise<Actor | null> {
  if (!/^srg_[rw]_[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const tokenHash = sha256Hex(token);
  const cache = authCacheOf(deps).tokens;
  let t = cache.get(tokenHash);
  if (t?.expiresAt && t.expiresAt.getTime() <= Date.now()) t = undefined;
  if (!t) {
    const epoch = cache.epoch;
    t = (await selectLiveToken(deps.dbs.control, tokenHash)) ?? undefined;
    if (!t) return null;
    cache.set(tokenHash, t, epoch);
  }
  // Last use is kept to the minute: no write on every request.
  if (!t.lastUsedAt || Date.now() - t.lastUsedAt.getTime() > 60_000) {
    t.lastUsedAt = new Date();
    await updateTokenLastUsed(deps.dbs.control, t.id, t.lastUsedAt);
  }
  await recordTokenAddress(deps, t, meta);
  return { type: 'token', id: t.id, userId: null, tokenTenantId: t.tenantId, tokenScope: t.scope };
}

/** The caller's role in a tenant, or null when it has none (which the caller answers with 404). */
export async function roleInTenant(deps: AppDeps, actor: Actor, tenantId: string): Promise<Role | null> {
  if (actor.type === 'token') {
    if (actor.tokenTenantId !== tenantId) return null;
    return actor.tokenScope === 'write' ? 'editor' : 'viewer';
  }
  const key = `${actor.id}:${tenantId}`;
  const cache = authCacheOf(deps).roles;
  const hit = cache.get(key);
  if (hit) return hit;
  const epoch = cache.epoch;
  const role = await selectMemberRole(deps.dbs.control, tenantId, actor.id);
  if (role) cache.set(key, role, epoch);
  return role;
}
