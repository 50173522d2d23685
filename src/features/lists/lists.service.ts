import { afterCommit } from '../../db/databases.js';
import { publicListsChanged } from '../publishing/public-invalidation.js';
import type { TenantTx } from '../../db/databases.js';
import type { AppDeps } from '../../app/deps.js';
import { type TenantContext, auditActor } from '../../platform/context.js';
import { AppError, conflict, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import { latestVersionNumber } from '../publishing/versions.service.js';
import { claimIdempotencyKey, recordIdempotentResponse } from '../idempotency/idempotency.service.js';
import { nextOffset } from '../../platform/paging.js';
import * as repo from './lists.repo.js';
import { type CreateListInput, type ListView, type UpdateListInput, looksLikeId } from './lists.schemas.js';

const listNotFound = () => notFound('list', 'LIST_NOT_FOUND');

export function toListView(row: { list: repo.ListRow; entryCount: number }): ListView {
  const l = row.list;
  return {
    id: l.id,
    slug: l.slug,
    title: l.title,
    classification: l.classification,
    owner: l.owner,
    author: l.author,
    disclaimer: l.disclaimer,
    intro: l.intro,
    definitions: l.definitions,
    notes: l.notes,
    noticePeriodDays: l.noticePeriodDays,
    announceInEffect: l.announceInEffect,
    visibility: l.visibility,
    entryCount: row.entryCount,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
  };
}

export async function listLists(deps: AppDeps, ctx: TenantContext, page: { limit: number; offset: number }) {
  const { rows, total } = await deps.dbs.withTenant(ctx.tenant, (tx) =>
    repo.selectLists(tx, page.limit, page.offset),
  );
  return {
    items: rows.map(toListView),
    total,
    ...page,
    nextOffset: nextOffset(page.offset, page.limit, total),
  };
}

export async function getList(deps: AppDeps, ctx: TenantContext, id: string): Promise<ListView> {
  const row = await deps.dbs.withTenant(ctx.tenant, (tx) => repo.selectList(tx, id));
  if (!row) throw listNotFound();
  return toListView(row);
}

/**
 * The id of a list named by its id or its slug: the one resolver of the API routes and the CLI.
 * An id is passed on as it is (the operation answers 404 if there is no such list); slugs never
 * look like ids (lists.schemas.ts), so there is nothing to look up for one.
 */
export async function resolveListId(deps: AppDeps, ctx: TenantContext, ref: string): Promise<string> {
  if (looksLikeId(ref)) return ref;
  const id = await deps.dbs.withTenant(ctx.tenant, (tx) => repo.selectListIdBySlug(tx, ref));
  if (!id) throw new AppError(404, 'LIST_NOT_FOUND', `Workspace "${ctx.tenant.slug}" has no list "${ref}".`);
  return id;
}

/** A list named by its id or its slug, with its metadata. */
export async function resolveListRef(deps: AppDeps, ctx: TenantContext, ref: string): Promise<ListView> {
  return getList(deps, ctx, await resolveListId(deps, ctx, ref));
}

export async function createList(
  deps: AppDeps,
  ctx: TenantContext,
  input: CreateListInput,
): Promise<ListView> {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    await claimIdempotencyKey(tx, ctx);
    if (await repo.selectListBySlug(tx, input.slug)) {
      throw new AppError(
        409,
        'LIST_SLUG_TAKEN',
        `A list with the slug "${input.slug}" exists already; choose another.`,
      );
    }
    const row = await repo.insertList(tx, { ...input, tenantId: ctx.tenant.id, id: newId() });
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'list.created',
      objectType: 'list',
      objectId: row.id,
      after: row,
    });
    const view = toListView({ list: row, entryCount: 0 });
    await recordIdempotentResponse(tx, ctx, view);
    return view;
  });
}

export async function updateList(
  deps: AppDeps,
  ctx: TenantContext,
  id: string,
  patch: UpdateListInput,
): Promise<ListView> {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const before = await repo.selectList(tx, id);
    if (!before) throw listNotFound();
    if (patch.slug && patch.slug !== before.list.slug && (await repo.selectListBySlug(tx, patch.slug))) {
      throw new AppError(
        409,
        'LIST_SLUG_TAKEN',
        `A list with the slug "${patch.slug}" exists already; choose another.`,
      );
    }
    const after = await repo.updateList(tx, ctx.tenant.id, id, patch);
    // Public renderings must not outlive a visibility or slug change (not even for seconds).
    if (after && (after.visibility !== before.list.visibility || after.slug !== before.list.slug))
      afterCommit(tx, `public-list:${id}`, () =>
        publicListsChanged(deps, ctx.tenant.id, [before.list.slug, after.slug]),
      );
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'list.updated',
      objectType: 'list',
      objectId: id,
      before: before.list,
      after,
    });
    return toListView({ list: after!, entryCount: before.entryCount });
  });
}

export async function deleteList(deps: AppDeps, ctx: TenantContext, id: string): Promise<void> {
  await deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const before = await repo.selectList(tx, id);
    if (!before) throw listNotFound();
    // Published versions are immutable evidence of what customers were told: they stay.
    if ((await latestVersionNumber(tx, id)) > 0) {
      throw conflict(
        'LIST_PUBLISHED',
        'This list has published versions, which are kept for good; it cannot be deleted. Set its visibility to private instead.',
      );
    }
    if (!(await repo.deleteList(tx, ctx.tenant.id, id))) throw listNotFound();
    afterCommit(tx, `public-list:${id}`, () => publicListsChanged(deps, ctx.tenant.id, [before.list.slug]));
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'list.deleted',
      objectType: 'list',
      objectId: id,
      before: before.list,
    });
  });
}

/** Whether the list exists, inside another feature's transaction (entries, imports). */
export async function listExists(tx: TenantTx, id: string): Promise<boolean> {
  return (await repo.selectList(tx, id)) !== null;
}

/** The public lists (id, slug, title) by title, in the caller's transaction: for other features. */
export const publicListChoices = (tx: TenantTx) => repo.selectPublicListChoices(tx);

/** A list's slug and title, or null, in the caller's transaction: for other features. */
export const listNameInTx = (tx: TenantTx, id: string) => repo.selectListName(tx, id);
