import { appendAuditEvent } from '../audit/audit.service.js';
import { forgetEverywhere } from '../auth/auth-cache.js';
import type { AppDeps } from '../../app/deps.js';
import { type TenantContext, auditActor } from '../../platform/context.js';
import { badRequest, notFound } from '../../platform/errors.js';
import { newId, randomSecret, sha256Hex } from '../../platform/ids.js';
import * as repo from './tokens.repo.js';

export interface TokenView {
  id: string;
  name: string;
  scope: 'read' | 'write';
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  expiresAt: string | null;
}

const view = (t: repo.TokenRow): TokenView => ({
  id: t.id,
  name: t.name,
  scope: t.scope,
  prefix: t.prefix,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
  expiresAt: t.expiresAt?.toISOString() ?? null,
});

/** Issues a token for a tenant. The secret is in the answer once; only its hash is stored. */
export async function issueToken(
  deps: AppDeps,
  input: {
    tenantId: string;
    regionId: string;
    name: string;
    scope: 'read' | 'write';
    createdBy: string | null;
    expiresAt?: Date | null;
  },
  audit: { actorType: 'user' | 'token' | 'system'; actorId: string | null; requestId: string | null },
): Promise<TokenView & { token: string }> {
  const secret = randomSecret(input.scope === 'write' ? 'srg_w_' : 'srg_r_', 32);
  const row = await repo.insertToken(deps.dbs.control, {
    id: newId(),
    tenantId: input.tenantId,
    name: input.name,
    scope: input.scope,
    tokenHash: sha256Hex(secret),
    prefix: secret.slice(0, 12),
    createdBy: input.createdBy,
    expiresAt: input.expiresAt ?? null,
  });
  const v = view(row);
  await deps.dbs.withTenant({ id: input.tenantId, regionId: input.regionId }, (tx) =>
    appendAuditEvent(tx, {
      tenantId: input.tenantId,
      ...audit,
      action: 'token.created',
      objectType: 'api_token',
      objectId: v.id,
      after: v,
    }),
  );
  return { ...v, token: secret };
}

const MIN_LIFETIME_MS = 60_000;
const MAX_LIFETIME_YEARS = 5;

/**
 * A token's expiry must lie ahead (at least a minute: a token born expired is a mistake) and
 * within 5 years (a date in year 20250 is a typo); a token that never expires says so with null.
 */
export function checkTokenExpiry(expiresAt: Date, now = new Date()): void {
  const when = expiresAt.toISOString();
  if (expiresAt.getTime() < now.getTime() + MIN_LIFETIME_MS) {
    throw badRequest(
      'TOKEN_EXPIRY_INVALID',
      `expiresAt ${when} is not in the future: the token would be expired at once. Choose a later date, or null for a token that does not expire.`,
    );
  }
  const max = new Date(now);
  max.setUTCFullYear(max.getUTCFullYear() + MAX_LIFETIME_YEARS);
  if (expiresAt > max) {
    throw badRequest(
      'TOKEN_EXPIRY_INVALID',
      `expiresAt ${when} is more than ${MAX_LIFETIME_YEARS} years away. Choose a date before ${max.toISOString().slice(0, 10)}, or null for a token that does not expire.`,
    );
  }
}

export async function createToken(
  deps: AppDeps,
  ctx: TenantContext,
  input: { name: string; scope: 'read' | 'write'; expiresAt?: string | null },
) {
  if (input.expiresAt) checkTokenExpiry(new Date(input.expiresAt));
  return issueToken(
    deps,
    {
      tenantId: ctx.tenant.id,
      regionId: ctx.tenant.regionId,
      name: input.name,
      scope: input.scope,
      createdBy: ctx.actor.userId,
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
    },
    auditActor(ctx),
  );
}

export async function listTokens(deps: AppDeps, ctx: TenantContext): Promise<TokenView[]> {
  return (await repo.selectTokens(deps.dbs.control, ctx.tenant.id)).map(view);
}

export async function revokeToken(deps: AppDeps, ctx: TenantContext, tokenId: string): Promise<TokenView> {
  const row = await repo.revokeTokenRow(deps.dbs.control, ctx.tenant.id, tokenId);
  if (!row) throw notFound('API token', 'TOKEN_NOT_FOUND');
  await forgetEverywhere(deps, { token: row.id });
  const v = view(row);
  await deps.dbs.withTenant(ctx.tenant, (tx) =>
    appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'token.revoked',
      objectType: 'api_token',
      objectId: v.id,
      after: v,
    }),
  );
  return v;
}

/** A token's name (any token, live or not), for words that name who acted; null when unknown. */
export function tokenName(deps: AppDeps, tokenId: string): Promise<string | null> {
  return repo.selectTokenName(deps.dbs.control, tokenId);
}
