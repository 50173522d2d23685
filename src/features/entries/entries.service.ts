import type { TenantTx } from '../../db/databases.js';
import type { AppDeps } from '../../app/deps.js';
import { type TenantContext, auditActor } from '../../platform/context.js';
import { badRequest, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import { claimIdempotencyKey, recordIdempotentResponse } from '../idempotency/idempotency.service.js';
import { findEntity, insertEntityInTx } from '../entities/entities.service.js';
import { listExists } from '../lists/lists.service.js';
import { decodeCursor, encodeCursor } from './entries-cursor.js';
import * as page from './entries-page.repo.js';
import * as bulk from './entries-bulk.repo.js';
import * as repo from './entries.repo.js';
import type { CreateEntryInput, EntriesQuery, EntryView, UpdateEntryInput } from './entries.schemas.js';
import { toStoredLocations } from './stored-locations.js';

const entryNotFound = () => notFound('entry', 'ENTRY_NOT_FOUND');
const listNotFound = () => notFound('list', 'LIST_NOT_FOUND');

/** An entry as the API shows it, from the page query's columns. */
export function toEntryView(r: page.EntryViewRow): EntryView {
  return {
    id: r.id,
    listId: r.listId,
    entity: {
      id: r.entityId,
      legalName: r.legalName,
      tradingNames: r.tradingNames,
      formerNames: r.formerNames,
      kind: r.kind,
    },
    group: r.group,
    purpose: r.purpose,
    dataCategories: r.dataCategories,
    dataCategoryTags: r.dataCategoryTags,
    dataSubjects: r.dataSubjects,
    locations: r.locations,
    transferMechanism: r.transferMechanism,
    optional: r.optional,
    position: r.position,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** The same view from the ORM's rows (after an insert or update). */
function rowsToView(entry: repo.EntryRow, entity: repo.EntityRow): EntryView {
  return toEntryView({
    ...entry,
    createdAt: entry.createdAt.toISOString(),
    updatedAt: entry.updatedAt.toISOString(),
    group: entry.groupName,
    entityId: entity.id,
    legalName: entity.legalName,
    tradingNames: entity.tradingNames,
    formerNames: entity.formerNames,
    kind: entity.kind,
  });
}

export async function listEntries(deps: AppDeps, ctx: TenantContext, listId: string, q: EntriesQuery) {
  if (q.cursor !== undefined && q.offset !== undefined)
    throw badRequest(
      'CURSOR_WITH_OFFSET',
      'Give cursor or offset, not both: follow `next` with cursor alone.',
    );
  const cursor = q.cursor === undefined ? null : decodeCursor(q.cursor, q.sort);
  return deps.dbs.withTenantRead(ctx.tenant, async (tx) => {
    const rows = await page.selectEntriesPage(tx, listId, q, cursor);
    // An empty page of a list that does not exist is a 404, not an empty list.
    if (rows.length === 0 && !(await listExists(tx, listId))) throw listNotFound();
    const more = rows.length > q.limit;
    const items = more ? rows.slice(0, q.limit) : rows;
    const offset = q.offset ?? 0;
    return {
      items: items.map(toEntryView),
      limit: q.limit,
      next: more ? encodeCursor(page.cursorOf(q.sort, items[items.length - 1]!)) : null,
      ...(q.total && { total: await page.countEntries(tx, listId, q) }),
      offset,
      nextOffset: more && cursor === null ? offset + q.limit : null,
    };
  });
}

export async function getEntry(deps: AppDeps, ctx: TenantContext, listId: string, id: string) {
  const row = await deps.dbs.withTenantRead(ctx.tenant, (tx) => page.selectEntryView(tx, listId, id));
  if (!row) throw entryNotFound();
  return toEntryView(row);
}

export async function createEntry(
  deps: AppDeps,
  ctx: TenantContext,
  listId: string,
  input: CreateEntryInput,
) {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    await claimIdempotencyKey(tx, ctx);
    if (!(await listExists(tx, listId))) throw listNotFound();
    const entity = input.entityId
      ? await findEntity(tx, input.entityId)
      : await insertEntityInTx(tx, ctx, input.entity!);
    if (!entity) throw badRequest('ENTITY_NOT_FOUND', 'entityId names no entity of this workspace.');
    const { entityId: _e, entity: _n, locations, ...fields } = input;
    const row = await repo.insertEntry(tx, {
      ...fields,
      ...toStoredLocations(locations),
      groupName: input.group,
      position: input.position ?? (await repo.nextPosition(tx, listId)),
      tenantId: ctx.tenant.id,
      id: newId(),
      listId,
      entityId: entity.id,
    });
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'entry.created',
      objectType: 'entry',
      objectId: row.id,
      after: row,
    });
    const view = rowsToView(row, entity);
    await recordIdempotentResponse(tx, ctx, view);
    return view;
  });
}

export async function updateEntry(
  deps: AppDeps,
  ctx: TenantContext,
  listId: string,
  id: string,
  patch: UpdateEntryInput,
) {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const before = await repo.selectEntry(tx, listId, id);
    if (!before) throw entryNotFound();
    const entity = patch.entityId ? await findEntity(tx, patch.entityId) : before.entity;
    if (!entity) throw badRequest('ENTITY_NOT_FOUND', 'entityId names no entity of this workspace.');
    const { locations, group, ...fields } = patch;
    const after = await repo.updateEntry(tx, ctx.tenant.id, id, {
      ...fields,
      ...(group !== undefined ? { groupName: group } : {}),
      ...(locations ? toStoredLocations(locations) : {}),
    });
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'entry.updated',
      objectType: 'entry',
      objectId: id,
      before: before.entry,
      after,
    });
    return rowsToView(after!, entity);
  });
}

export async function deleteEntry(deps: AppDeps, ctx: TenantContext, listId: string, id: string) {
  await deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const before = await repo.selectEntry(tx, listId, id);
    if (!before) throw entryNotFound();
    await repo.deleteEntry(tx, ctx.tenant.id, id);
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'entry.deleted',
      objectType: 'entry',
      objectId: id,
      before: before.entry,
    });
  });
}

/** Where the next entry of a list goes, inside another feature's transaction (imports). */
export function nextEntryPosition(tx: TenantTx, listId: string): Promise<number> {
  return repo.nextPosition(tx, listId);
}

/** For the importer's preview and apply, in its transaction: a list's entries at once (set-based). */
export type { EntryPatch, NewEntry } from './entries-bulk.repo.js';
export const draftRowsInTx = bulk.selectDraftRows;
export const insertEntriesInTx = bulk.bulkInsertEntries;
export const deleteEntriesInTx = bulk.deleteEntriesByIds;
export const updateEntryFieldsInTx = bulk.updateEntryFields;
