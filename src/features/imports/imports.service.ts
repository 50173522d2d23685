import type { TenantTx } from '../../db/databases.js';
import { pageFrom } from '../../platform/paging.js';
import type { AppDeps } from '../../app/deps.js';
import { type TenantContext, auditActor } from '../../platform/context.js';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors.js';
import { createHash } from 'node:crypto';
import { newId } from '../../platform/ids.js';
import { stripUnsafeChars } from '../../platform/unsafe-chars.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import { claimIdempotencyKey, recordIdempotentResponse } from '../idempotency/idempotency.service.js';
import { normalizeName } from '../entities/normalize-name.js';
import { nextEntryPosition } from '../entries/entries.service.js';
import { toStoredLocations } from '../entries/stored-locations.js';
import { listExists } from '../lists/lists.service.js';
import { importDocument } from './import-document.js';
import {
  type EntityPatch,
  type NewEntity,
  entityIdsByNormalizedNameInTx,
  insertEntitiesInTx,
  updateEntityFieldsInTx,
} from '../entities/entities.service.js';
import {
  type EntryPatch,
  type NewEntry,
  deleteEntriesInTx,
  draftRowsInTx,
  insertEntriesInTx,
  updateEntryFieldsInTx,
} from '../entries/entries.service.js';
import * as repo from './imports.repo.js';
import { ImportError } from './model.js';
import { type DraftEntry, type Preview, type PreviewItem, previewImport } from './preview.js';

const importNotFound = () => notFound('import', 'IMPORT_NOT_FOUND');
const listNotFound = () => notFound('list', 'LIST_NOT_FOUND');

export interface ImportUpload {
  fileName: string;
  bytes: Uint8Array;
}

/** Reads the file (outside any transaction: parsing can take a while), stores it, previews it. */
export async function createImport(deps: AppDeps, ctx: TenantContext, listId: string, upload: ImportUpload) {
  const observeDuration = deps.metrics.importDuration.startTimer({ operation: 'create' });
  let result: Awaited<ReturnType<typeof importDocument>>;
  try {
    result = await importDocument(upload);
  } catch (err) {
    if (err instanceof ImportError)
      throw new AppError(err.code === 'FILE_TOO_LARGE' ? 413 : 422, err.code, err.message);
    throw err;
  }
  const id = newId();
  const records: repo.StoredImportRecord[] = result.records;
  const fileName = stripUnsafeChars(upload.fileName).slice(0, 255);
  const storing = deps.dbs.withTenant(ctx.tenant, async (tx) => {
    await claimIdempotencyKey(tx, ctx);
    if (!(await listExists(tx, listId))) throw listNotFound();
    await repo.insertImport(tx, {
      tenantId: ctx.tenant.id,
      id,
      listId,
      fileName,
      format: result.format,
      sizeBytes: upload.bytes.length,
      sha256: createHash('sha256').update(upload.bytes).digest('hex'),
      source: Buffer.from(upload.bytes),
      records,
      warnings: result.warnings,
      createdBy: ctx.actor.id,
    });
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'import.created',
      objectType: 'import',
      objectId: id,
      after: { listId, fileName, format: result.format, records: records.length },
    });
    const preview = previewImport(records, await selectDraft(tx, listId));
    const row = await repo.selectImportSummary(tx, listId, id);
    if (!row) throw importNotFound();
    const view = { ...summary(row), records, preview };
    await recordIdempotentResponse(tx, ctx, view);
    return view;
  });
  return storing.finally(observeDuration);
}

async function importView(tx: TenantTx, listId: string, id: string) {
  const row = await repo.selectImport(tx, listId, id);
  if (!row) throw importNotFound();
  const preview =
    row.status === 'previewed' ? previewImport(row.records, await selectDraft(tx, listId)) : null;
  return { ...summary(row), records: row.records, preview };
}

function summary(row: Omit<NonNullable<Awaited<ReturnType<typeof repo.selectImport>>>, 'records'>) {
  return {
    id: row.id,
    listId: row.listId,
    fileName: row.fileName,
    format: row.format,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    status: row.status,
    warnings: row.warnings,
    recordCount: row.recordCount,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    appliedAt: row.appliedAt?.toISOString() ?? null,
    appliedSummary: (row.appliedSummary as Record<string, number> | null) ?? null,
  };
}

export async function getImport(deps: AppDeps, ctx: TenantContext, listId: string, id: string) {
  return deps.dbs.withTenant(ctx.tenant, (tx) => importView(tx, listId, id));
}

export async function listImports(
  deps: AppDeps,
  ctx: TenantContext,
  listId: string,
  page: { limit: number; offset: number },
) {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    if (!(await listExists(tx, listId))) throw listNotFound();
    const rows = await repo.selectImports(tx, listId, page.limit, page.offset);
    return pageFrom(rows, summary, page);
  });
}

export async function getImportSource(deps: AppDeps, ctx: TenantContext, listId: string, id: string) {
  const row = await deps.dbs.withTenant(ctx.tenant, (tx) => repo.selectImportSource(tx, listId, id));
  if (!row) throw importNotFound();
  return row;
}

export interface ApplySelection {
  /** indexes of the records to add or change; all of them when absent */
  records?: number[];
  /** draft entries the document no longer lists, to remove; none when absent */
  removals?: string[];
}

/**
 * Applies the chosen part of the preview to the draft, in one transaction and with set-based
 * writes (an import of 10,000 rows is a handful of statements). The draft stays a draft.
 */
export async function applyImport(
  deps: AppDeps,
  ctx: TenantContext,
  listId: string,
  id: string,
  selection: ApplySelection,
) {
  const observeDuration = deps.metrics.importDuration.startTimer({ operation: 'apply' });
  const applying = deps.dbs.withTenant(ctx.tenant, async (tx) => {
    await claimIdempotencyKey(tx, ctx);
    const row = await repo.selectImport(tx, listId, id, true);
    if (!row) throw importNotFound();
    if (row.status !== 'previewed') {
      throw conflict(
        'IMPORT_NOT_PENDING',
        `This import was already ${row.status}; upload the file again to import it anew.`,
      );
    }
    const preview = previewImport(row.records, await selectDraft(tx, listId));
    const chosen = choose(preview, selection, row.records.length);
    const applied = await writeChanges(tx, ctx, listId, chosen);
    await repo.markImport(tx, id, { status: 'applied', appliedAt: new Date(), appliedSummary: applied });
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'import.applied',
      objectType: 'import',
      objectId: id,
      after: { listId, ...applied, records: selection.records ?? 'all', removals: selection.removals ?? [] },
    });
    const done = await repo.selectImportSummary(tx, listId, id);
    if (!done) throw importNotFound();
    const view = summary(done);
    await recordIdempotentResponse(tx, ctx, view);
    return view;
  });
  return applying.finally(observeDuration);
}

export async function discardImport(deps: AppDeps, ctx: TenantContext, listId: string, id: string) {
  await deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const row = await repo.selectImport(tx, listId, id, true);
    if (!row) throw importNotFound();
    if (row.status !== 'previewed')
      throw conflict('IMPORT_NOT_PENDING', `This import was already ${row.status}.`);
    await repo.markImport(tx, id, { status: 'discarded' });
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'import.discarded',
      objectType: 'import',
      objectId: id,
    });
  });
}

interface Chosen {
  adds: Extract<PreviewItem, { action: 'add' }>[];
  changes: Extract<PreviewItem, { action: 'change' }>[];
  removals: Extract<PreviewItem, { action: 'remove' }>[];
}

function choose(preview: Preview, selection: ApplySelection, recordCount: number): Chosen {
  const wanted = selection.records ? new Set(selection.records) : null;
  for (const i of selection.records ?? []) {
    if (i < 0 || i >= recordCount)
      throw badRequest(
        'RECORD_INDEX_INVALID',
        `Record ${i} does not exist: this import has ${recordCount} records (0-${recordCount - 1}).`,
      );
  }
  const removable = new Map(
    preview.items.flatMap((i) => (i.action === 'remove' ? [[i.entryId, i] as const] : [])),
  );
  const removals = (selection.removals ?? []).map((entryId) => {
    const item = removable.get(entryId);
    if (!item)
      throw badRequest(
        'REMOVAL_INVALID',
        `Entry ${entryId} is not one the preview would remove (it is not in the draft, or the document lists it).`,
      );
    return item;
  });
  const picked = (i: PreviewItem) => i.action !== 'remove' && (!wanted || wanted.has(i.recordIndex));
  return {
    adds: preview.items.filter((i): i is Chosen['adds'][number] => i.action === 'add' && picked(i)),
    changes: preview.items.filter((i): i is Chosen['changes'][number] => i.action === 'change' && picked(i)),
    removals,
  };
}

async function writeChanges(tx: TenantTx, ctx: TenantContext, listId: string, chosen: Chosen) {
  const tenantId = ctx.tenant.id;
  // Entities: reuse the workspace's entity of the same normalised legal name, else create one.
  const names = [...new Set(chosen.adds.map((a) => normalizeName(a.record.legalName)))];
  const existing = new Map(
    (await entityIdsByNormalizedNameInTx(tx, names)).map((e) => [e.normalizedName, e.id]),
  );
  const newEntities: NewEntity[] = [];
  for (const { record } of chosen.adds) {
    const key = normalizeName(record.legalName);
    if (existing.has(key)) continue;
    const id = newId();
    existing.set(key, id);
    newEntities.push({
      tenantId,
      id,
      legalName: record.legalName,
      normalizedName: key,
      tradingNames: record.tradingNames,
      formerNames: record.formerNames,
      kind: record.type,
    });
  }
  await insertEntitiesInTx(tx, newEntities);

  let position = await nextEntryPosition(tx, listId);
  const newEntries: NewEntry[] = chosen.adds.map(({ record }) => ({
    tenantId,
    id: newId(),
    listId,
    entityId: existing.get(normalizeName(record.legalName)) ?? '',
    groupName: record.group,
    purpose: record.purpose,
    dataCategories: record.dataCategories,
    ...toStoredLocations(record.locations),
    position: position++,
  }));
  await insertEntriesInTx(tx, newEntries);

  for (const change of chosen.changes) await applyChange(tx, change);
  await deleteEntriesInTx(
    tx,
    listId,
    chosen.removals.map((r) => r.entryId),
  );
  return {
    added: newEntries.length,
    changed: chosen.changes.length,
    removed: chosen.removals.length,
    entitiesCreated: newEntities.length,
  };
}

async function applyChange(tx: TenantTx, change: Extract<PreviewItem, { action: 'change' }>) {
  const entryPatch: EntryPatch = { updatedAt: new Date() };
  const entityPatch: EntityPatch = {};
  for (const c of change.changes) {
    if (c.field === 'locations') Object.assign(entryPatch, toStoredLocations(c.after as string[]));
    else if (c.field === 'purpose') entryPatch.purpose = c.after as string;
    else if (c.field === 'dataCategories') entryPatch.dataCategories = c.after as string;
    else if (c.field === 'type') entityPatch.kind = c.after as repo.StoredImportRecord['type'];
    else entityPatch[c.field] = c.after as string[];
  }
  const entityId = await updateEntryFieldsInTx(tx, change.entryId, entryPatch);
  if (entityId && Object.keys(entityPatch).length > 0)
    await updateEntityFieldsInTx(tx, entityId, entityPatch);
}

/** The list's draft entries in document order, as the preview compares them. */
async function selectDraft(tx: TenantTx, listId: string): Promise<DraftEntry[]> {
  const rows = await draftRowsInTx(tx, listId);
  return rows.map(({ entry, entity }) => ({
    entryId: entry.id,
    entityId: entity.id,
    legalName: entity.legalName,
    tradingNames: entity.tradingNames,
    formerNames: entity.formerNames,
    type: entity.kind,
    group: entry.groupName,
    locations: entry.locations.map((l) => l.written),
    purpose: entry.purpose,
    dataCategories: entry.dataCategories,
  }));
}
