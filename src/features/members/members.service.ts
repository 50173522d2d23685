import type { AppDeps } from '../../app/deps.js';
import { type Role, type TenantContext, auditActor } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId, randomSecret, sha256Hex } from '../../platform/ids.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import { forgetEverywhere } from '../auth/auth-cache.js';
import { hashPassword, verifyPassword } from '../../platform/passwords.js';
import * as repo from './members.repo.js';

const INVITATION_DAYS = 7;
/** a workspace has a handful; the cap keeps one answer small */
const MAX_PENDING = 500;

export async function listMembers(deps: AppDeps, ctx: TenantContext) {
  return repo.selectMembers(deps.dbs.control, ctx.tenant.id);
}

async function audit(
  deps: AppDeps,
  ctx: TenantContext,
  action: string,
  objectId: string,
  before: unknown,
  after: unknown,
) {
  await deps.dbs.withTenant(ctx.tenant, (tx) =>
    appendAuditEvent(tx, { ...auditActor(ctx), action, objectType: 'membership', objectId, before, after }),
  );
}

async function ownerCount(deps: AppDeps, tenantId: string): Promise<number> {
  return repo.countOwners(deps.dbs.control, tenantId);
}

export async function changeMemberRole(deps: AppDeps, ctx: TenantContext, userId: string, role: Role) {
  const current = await repo.selectMembership(deps.dbs.control, ctx.tenant.id, userId);
  if (!current) throw notFound('member', 'MEMBER_NOT_FOUND');
  if (current.role === 'owner' && role !== 'owner' && (await ownerCount(deps, ctx.tenant.id)) <= 1) {
    throw new AppError(
      409,
      'LAST_OWNER',
      'A workspace needs at least one owner: make someone else owner first.',
    );
  }
  await repo.updateMembershipRole(deps.dbs.control, ctx.tenant.id, userId, role);
  await forgetEverywhere(deps, { membership: { tenantId: ctx.tenant.id, userId } });
  await audit(deps, ctx, 'member.role_changed', userId, { role: current.role }, { role });
  return { userId, role };
}

export async function removeMember(deps: AppDeps, ctx: TenantContext, userId: string) {
  const current = await repo.selectMembership(deps.dbs.control, ctx.tenant.id, userId);
  if (!current) throw notFound('member', 'MEMBER_NOT_FOUND');
  if (current.role === 'owner' && (await ownerCount(deps, ctx.tenant.id)) <= 1) {
    throw new AppError(
      409,
      'LAST_OWNER',
      'A workspace needs at least one owner: make someone else owner first.',
    );
  }
  await repo.deleteMembership(deps.dbs.control, ctx.tenant.id, userId);
  await forgetEverywhere(deps, { membership: { tenantId: ctx.tenant.id, userId } });
  await audit(deps, ctx, 'member.removed', userId, { role: current.role }, null);
}

/** Invites someone by email. The secret token is returned once (to be sent by email or shared). */
export async function inviteMember(deps: AppDeps, ctx: TenantContext, email: string, role: Role) {
  const token = randomSecret('srg_inv_', 24);
  const id = newId();
  const expiresAt = new Date(Date.now() + INVITATION_DAYS * 86_400_000);
  await repo.insertInvitation(deps.dbs.control, {
    id,
    tenantId: ctx.tenant.id,
    email,
    role,
    tokenHash: sha256Hex(token),
    invitedBy: ctx.actor.userId,
    expiresAt,
  });
  await deps.dbs.withTenant(ctx.tenant, (tx) =>
    appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'member.invited',
      objectType: 'invitation',
      objectId: id,
      after: { email, role },
    }),
  );
  return { id, email, role, expiresAt: expiresAt.toISOString(), token };
}

/**
 * Accepts an invitation. A new user sets a password; an existing user proves it with theirs.
 * Any failure gives the same answer.
 */
export async function acceptInvitation(
  deps: AppDeps,
  input: { token: string; password: string; name?: string },
) {
  const failed = () =>
    new AppError(
      400,
      'INVITATION_INVALID',
      'This invitation is not valid, used or expired, or the password is not right.',
    );
  const inv = await repo.selectOpenInvitation(deps.dbs.control, sha256Hex(input.token));
  if (!inv) throw failed();
  // Only the holder of the link learns this, and it tells them whom to ask.
  if (inv.revokedAt)
    throw new AppError(
      410,
      'INVITATION_REVOKED',
      'This invitation was revoked by an owner of the workspace and can no longer be used. Ask them for a new invitation.',
    );
  const existing = await repo.selectUserByEmail(deps.dbs.control, inv.email);
  let userId: string;
  if (existing) {
    if (existing.passwordHash && !(await verifyPassword(existing.passwordHash, input.password)))
      throw failed();
    if (!existing.passwordHash) {
      await repo.updateUserPassword(deps.dbs.control, existing.id, await hashPassword(input.password));
    }
    userId = existing.id;
  } else {
    userId = newId();
    await repo.insertUser(deps.dbs.control, {
      id: userId,
      email: inv.email,
      name: input.name ?? '',
      passwordHash: await hashPassword(input.password),
    });
  }
  await deps.dbs.inControl(async (tx) => {
    await repo.markInvitationAccepted(tx, inv.id);
    await repo.upsertMembership(tx, { tenantId: inv.tenantId, userId, role: inv.role });
  });
  await forgetEverywhere(deps, { membership: { tenantId: inv.tenantId, userId } });
  const tenant = await repo.selectTenant(deps.dbs.control, inv.tenantId);
  await deps.dbs.withTenant(tenant!, (tx) =>
    appendAuditEvent(tx, {
      tenantId: inv.tenantId,
      actorType: 'user',
      actorId: userId,
      action: 'member.joined',
      objectType: 'membership',
      objectId: userId,
      after: { email: inv.email, role: inv.role },
    }),
  );
  return { userId, tenant: tenant!.slug, role: inv.role };
}

/** Invitations that can still be accepted (not accepted, revoked or expired), newest first; never their token. */
export async function listPendingInvitations(deps: AppDeps, ctx: TenantContext) {
  const rows = await repo.selectPendingInvitations(deps.dbs.control, ctx.tenant.id, MAX_PENDING);
  return rows.map((r) => ({
    ...r,
    createdBy: r.createdBy ?? null,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
  }));
}

/** Revokes a pending invitation: its link stops working at once and says why. */
export async function revokeInvitation(deps: AppDeps, ctx: TenantContext, id: string) {
  const row = await repo.revokeInvitationRow(deps.dbs.control, ctx.tenant.id, id);
  if (!row) throw notFound('pending invitation', 'INVITATION_NOT_FOUND');
  await deps.dbs.withTenant(ctx.tenant, (tx) =>
    appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'member.invitation_revoked',
      objectType: 'invitation',
      objectId: id,
      before: { email: row.email, role: row.role },
      after: null,
    }),
  );
}
