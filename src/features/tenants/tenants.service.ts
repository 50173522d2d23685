import type { TenantTx } from '../../db/databases.js';
import type { AppDeps } from '../../app/deps.js';
import { type Actor, type TenantContext, auditActor } from '../../platform/context.js';
import { AppError, badRequest } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import { hashPassword } from '../../platform/passwords.js';
import type { TenantRecord } from '../../platform/context.js';
import * as repo from './tenants.repo.js';

export const SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;
const RESERVED_SLUGS = new Set(['api', 'admin', 'app', 'assets', 'static', 'www', 'new', 'login', 'signup']);

/** The slug's form and the region: what does not depend on who asks (sign-up checks it first). */
export async function checkSlugAndRegion(deps: AppDeps, slug: string, regionId: string): Promise<void> {
  if (!SLUG_RE.test(slug) || RESERVED_SLUGS.has(slug)) {
    throw badRequest(
      'INVALID_SLUG',
      'A workspace slug is 1-48 lower-case letters, digits or hyphens, not starting or ending with a hyphen, and not a reserved word.',
    );
  }
  if (!deps.dbs.hasRegion(regionId)) {
    const known = await repo.selectRegionIds(deps.dbs.control);
    throw badRequest(
      'UNKNOWN_REGION',
      `Region "${regionId}" does not exist. Choose one of: ${known.join(', ')}.`,
    );
  }
}

/** Whether a workspace already has the slug (public anyway: /t/{slug}). */
export async function isSlugTaken(deps: AppDeps, slug: string): Promise<boolean> {
  return repo.isSlugInDirectory(deps.dbs.control, slug);
}

export const slugTaken = (slug: string) =>
  new AppError(409, 'SLUG_TAKEN', `The workspace slug "${slug}" is taken; choose another.`);

export const accountExists = () =>
  new AppError(
    409,
    'ACCOUNT_EXISTS',
    'This address has an account now: sign in with it and create the workspace from there.',
  );

export interface CreateTenantInput {
  slug: string;
  name: string;
  regionId: string;
  owner: {
    email: string;
    name?: string;
    password?: string | null;
    /** an argon2 hash made earlier (a confirmed sign-up), instead of `password` */
    passwordHash?: string | null;
    /** refuse (409 ACCOUNT_EXISTS) instead of making an existing user the owner */
    mustBeNew?: boolean;
  };
}

/**
 * Creates a tenant in its home region and makes `owner` its owner (creating the user when the
 * email is new). The control rows and the region rows are in two databases: if the region part
 * fails, the control rows are removed again.
 */
export async function createTenant(
  deps: AppDeps,
  input: CreateTenantInput,
  requestId: string | null = null,
): Promise<{ tenant: TenantRecord; ownerId: string; createdUser: boolean }> {
  await checkSlugAndRegion(deps, input.slug, input.regionId);
  const passwordHash =
    input.owner.passwordHash ?? (input.owner.password ? await hashPassword(input.owner.password) : null);
  const tenantId = newId();
  const { ownerId, createdUser } = await deps.dbs.inControl(async (tx) => {
    if (await repo.isSlugInDirectory(tx, input.slug)) throw slugTaken(input.slug);
    await repo.insertTenant(tx, {
      id: tenantId,
      slug: input.slug,
      name: input.name,
      regionId: input.regionId,
    });
    let userId = (await repo.selectUserIdByEmail(tx, input.owner.email)) ?? undefined;
    if (userId && input.owner.mustBeNew) throw accountExists();
    let created = false;
    if (!userId) {
      userId = newId();
      created = true;
      await repo.insertUser(tx, {
        id: userId,
        email: input.owner.email,
        name: input.owner.name ?? '',
        passwordHash,
      });
    }
    await repo.insertMembership(tx, { tenantId, userId, role: 'owner' });
    return { ownerId: userId, createdUser: created };
  });
  const tenant: TenantRecord = {
    id: tenantId,
    slug: input.slug,
    name: input.name,
    regionId: input.regionId,
    status: 'active',
  };
  try {
    await deps.dbs.withTenant(tenant, async (tx) => {
      await repo.insertProfile(tx, { tenantId, displayName: input.name });
      await appendAuditEvent(tx, {
        tenantId,
        actorType: 'user',
        actorId: ownerId,
        requestId,
        action: 'tenant.created',
        objectType: 'tenant',
        objectId: tenantId,
        after: {
          slug: input.slug,
          name: input.name,
          regionId: input.regionId,
          ownerEmail: input.owner.email,
        },
      });
    });
  } catch (e) {
    await repo.deleteTenant(deps.dbs.control, tenantId);
    if (createdUser) await repo.deleteUser(deps.dbs.control, ownerId);
    throw e;
  }
  deps.directory.forget(input.slug);
  return { tenant, ownerId, createdUser };
}

const toProfile = (p: repo.ProfileRow) => ({
  displayName: p.displayName,
  hostingProvider: p.hostingProvider,
  hostingRegion: p.hostingRegion,
  segregation: p.segregation,
  dataStored: p.dataStored,
  regionMoveInfo: p.regionMoveInfo,
  contactEmail: p.contactEmail,
  updatedAt: p.updatedAt.toISOString(),
});

/** The hosting statement shown on the trust page. */
export async function getProfile(deps: AppDeps, ctx: TenantContext) {
  const row = await deps.dbs.withTenant(ctx.tenant, (tx) => repo.selectProfile(tx));
  if (!row) throw new AppError(404, 'PROFILE_NOT_FOUND', 'This workspace has no hosting statement yet.');
  return toProfile(row);
}

/** Replaces the hosting statement (owners), audited in the same transaction. */
export async function replaceProfile(deps: AppDeps, ctx: TenantContext, patch: repo.ProfilePatch) {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const before = await repo.selectProfile(tx);
    const after = await repo.updateProfile(tx, ctx.tenant.id, patch);
    if (!after) throw new AppError(404, 'PROFILE_NOT_FOUND', 'This workspace has no hosting statement yet.');
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'profile.updated',
      objectType: 'tenant_profile',
      objectId: ctx.tenant.id,
      before,
      after,
    });
    return toProfile(after);
  });
}

/** A signed-in person creates another workspace and becomes its owner (tokens cannot). */
export async function createTenantForUser(
  deps: AppDeps,
  actor: Actor,
  input: { slug: string; name: string; regionId: string },
  requestId: string,
) {
  if (actor.type !== 'user')
    throw new AppError(403, 'FORBIDDEN', 'Workspaces are created by signed-in users, not API tokens.');
  const email = await repo.selectUserEmail(deps.dbs.control, actor.id);
  if (!email) throw new AppError(401, 'UNAUTHORIZED', 'Sign in again.');
  return createTenant(deps, { ...input, owner: { email } }, requestId);
}

/** The hosting profile in the caller's transaction (other features: names and contacts on pages and mail). */
export const profileInTx = (tx: TenantTx) => repo.selectProfile(tx);
