import { resolveListRef } from '../features/lists/lists.service.js';
import type { AppDeps } from '../app/deps.js';
import type { TenantContext } from '../platform/context.js';
import { AppError } from '../platform/errors.js';

/** The CLI acts with the operator's authority over the machine: an owner-level system actor. */
export async function cliTenantContext(deps: AppDeps, slug: string): Promise<TenantContext> {
  const tenant = await deps.directory.bySlug(slug);
  if (!tenant) throw new AppError(404, 'TENANT_NOT_FOUND', `No workspace "${slug}" exists.`);
  return { tenant, actor: { type: 'system', id: 'cli', userId: null }, role: 'owner', requestId: null };
}

/** A list named by slug or id, as everywhere else. */
export async function cliListId(deps: AppDeps, ctx: TenantContext, ref: string): Promise<string> {
  return (await resolveListRef(deps, ctx, ref)).id;
}
