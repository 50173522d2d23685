import type { AppDeps } from '../../app/deps.js';
import {
  claimTokenAddress,
  countTokenAddresses,
  deleteTokenAddress,
  selectWorkspacesOfUser,
} from './audit-security.repo.js';
import { appendAuditEvent } from './audit.repo.js';

/**
 * Security events (sign-ins, sign-outs, failed sign-ins, a token used from a new address) go
 * into the audit chain of every workspace they concern: a user's sign-in is recorded in each
 * workspace the user belongs to, so that workspace's staff see who signed in to it. A user with
 * no workspace has nothing to protect here and is not recorded.
 */

export interface RequestMeta {
  ip?: string | null;
  requestId?: string | null;
}

function warn(what: string, e: unknown) {
  process.emitWarning(`audit of ${what} failed: ${e instanceof Error ? e.message : String(e)}`);
}

/** Appends one event about a user to the chain of every workspace the user is a member of. */
export async function recordUserEvent(
  deps: AppDeps,
  user: { id: string; email: string },
  action: 'auth.login' | 'auth.logout' | 'auth.login_failed',
  meta: RequestMeta,
): Promise<void> {
  const rows = await selectWorkspacesOfUser(deps.dbs.control, user.id).catch((e: unknown) => {
    warn(action, e);
    return [];
  });
  // A failed sign-in was not made by the user: the actor is unknown, the user is its object.
  const failed = action === 'auth.login_failed';
  await Promise.all(
    rows
      .filter((t) => deps.dbs.hasRegion(t.regionId))
      .map((t) =>
        deps.dbs
          .withTenant(t, (tx) =>
            appendAuditEvent(tx, {
              tenantId: t.id,
              actorType: failed ? 'system' : 'user',
              actorId: failed ? null : user.id,
              action,
              objectType: 'user',
              objectId: user.id,
              after: { email: user.email, ip: meta.ip ?? null },
              requestId: meta.requestId ?? null,
            }),
          )
          .catch((e: unknown) => warn(action, e)),
      ),
  );
}

/** (token, address) pairs this process already knows were recorded: no write per request. */
const seenAddresses = new Set<string>();

/**
 * Records the first use of an API token from an address, once per (token, address): the
 * control database keeps the pair, the workspace's audit chain gets one event.
 */
export async function recordTokenAddress(
  deps: AppDeps,
  token: { id: string; tenantId: string },
  meta: RequestMeta,
): Promise<void> {
  const address = meta.ip;
  if (!address) return;
  const key = `${token.id}|${address}`;
  if (seenAddresses.has(key)) return;
  try {
    if (await claimTokenAddress(deps.dbs.control, token.id, address)) {
      const tenant = await deps.directory.byId(token.tenantId);
      try {
        if (tenant)
          await deps.dbs.withTenant(tenant, (tx) =>
            appendAuditEvent(tx, {
              tenantId: tenant.id,
              actorType: 'token',
              actorId: token.id,
              action: 'token.used_from_new_address',
              objectType: 'api_token',
              objectId: token.id,
              after: { ip: address },
              requestId: meta.requestId ?? null,
            }),
          );
      } catch (e) {
        // Not recorded: release the claim so the next request tries again.
        await deleteTokenAddress(deps.dbs.control, token.id, address).catch(() => {});
        throw e;
      }
    }
    if (seenAddresses.size >= 10_000) seenAddresses.clear();
    seenAddresses.add(key);
  } catch (e) {
    warn('token use from a new address', e);
  }
}

/** For tests: how many addresses a token was recorded from. */
export async function tokenAddressCount(deps: AppDeps, tokenId: string): Promise<number> {
  return countTokenAddresses(deps.dbs.control, tokenId);
}
