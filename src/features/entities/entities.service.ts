import type { TenantTx } from '../../db/databases.js';
import { pageFrom } from '../../platform/paging.js';
import type { AppDeps } from '../../app/deps.js';
import { type TenantContext, auditActor } from '../../platform/context.js';
import { AppError, badRequest, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import { claimIdempotencyKey, recordIdempotentResponse } from '../idempotency/idempotency.service.js';
import * as bulk from './entities-bulk.repo.js';
import * as repo from './entities.repo.js';
import type { CreateEntityInput, EntitiesQuery, EntityView, UpdateEntityInput } from './entities.schemas.js';
import { normalizeName } from './normalize-name.js';

const entityNotFound = () => notFound('entity', 'ENTITY_NOT_FOUND');

export function toEntityView(e: repo.EntityRow): EntityView {
  return {
    id: e.id,
    legalName: e.legalName,
    tradingNames: e.tradingNames,
    formerNames: e.formerNames,
    kind: e.kind,
    corporateCountry: e.corporateCountry,
    website: e.website,
    parentId: e.parentId,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

export async function listEntities(deps: AppDeps, ctx: TenantContext, q: EntitiesQuery) {
  const rows = await deps.dbs.withTenant(ctx.tenant, (tx) => repo.selectEntities(tx, q));
  return pageFrom(rows, (r) => toEntityView(r.entity), q);
}

export async function getEntity(deps: AppDeps, ctx: TenantContext, id: string) {
  const row = await deps.dbs.withTenant(ctx.tenant, (tx) => repo.selectEntity(tx, id));
  if (!row) throw entityNotFound();
  return toEntityView(row);
}

async function checkParent(tx: TenantTx, parentId: string | null | undefined, selfId: string) {
  if (!parentId) return;
  if (parentId === selfId) throw badRequest('ENTITY_PARENT_INVALID', 'An entity cannot be its own parent.');
  if (!(await repo.selectEntity(tx, parentId))) {
    throw badRequest('ENTITY_PARENT_INVALID', 'parentId names no entity of this workspace.');
  }
}

/** Inside an existing transaction, for callers (entries, imports) that create entities on the way. */
export async function insertEntityInTx(tx: TenantTx, ctx: TenantContext, input: CreateEntityInput) {
  const id = newId();
  await checkParent(tx, input.parentId, id);
  const row = await repo.insertEntity(tx, {
    ...input,
    id,
    tenantId: ctx.tenant.id,
    normalizedName: normalizeName(input.legalName),
  });
  await appendAuditEvent(tx, {
    ...auditActor(ctx),
    action: 'entity.created',
    objectType: 'entity',
    objectId: id,
    after: row,
  });
  return row;
}

export async function createEntity(deps: AppDeps, ctx: TenantContext, input: CreateEntityInput) {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    await claimIdempotencyKey(tx, ctx);
    const view = toEntityView(await insertEntityInTx(tx, ctx, input));
    await recordIdempotentResponse(tx, ctx, view);
    return view;
  });
}

export async function updateEntity(deps: AppDeps, ctx: TenantContext, id: string, patch: UpdateEntityInput) {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const before = await repo.selectEntity(tx, id);
    if (!before) throw entityNotFound();
    await checkParent(tx, patch.parentId, id);
    const after = await repo.updateEntity(tx, ctx.tenant.id, id, {
      ...patch,
      ...(patch.legalName ? { normalizedName: normalizeName(patch.legalName) } : {}),
    });
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'entity.updated',
      objectType: 'entity',
      objectId: id,
      before,
      after,
    });
    return toEntityView(after!);
  });
}

export async function deleteEntity(deps: AppDeps, ctx: TenantContext, id: string) {
  await deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const before = await repo.selectEntity(tx, id);
    if (!before) throw entityNotFound();
    const uses = await repo.countEntriesOfEntity(tx, id);
    if (uses > 0) {
      throw new AppError(
        409,
        'ENTITY_IN_USE',
        `This entity is used by ${uses} list entr${uses === 1 ? 'y' : 'ies'}; remove those first.`,
      );
    }
    await repo.deleteEntity(tx, ctx.tenant.id, id);
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'entity.deleted',
      objectType: 'entity',
      objectId: id,
      before,
    });
  });
}

/** An entity with its parent's name, inside another feature's transaction (entries). */
export function findEntity(tx: TenantTx, id: string) {
  return repo.selectEntity(tx, id);
}

/** For the importer's apply, in its transaction: many entities at once (set-based). */
export type { EntityPatch, NewEntity } from './entities-bulk.repo.js';
export const entityIdsByNormalizedNameInTx = bulk.selectIdsByNormalizedName;
export const insertEntitiesInTx = bulk.bulkInsertEntities;
export const updateEntityFieldsInTx = bulk.updateEntityFields;
