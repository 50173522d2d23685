import type { TenantTx } from '../../db/databases.js';
import { eq } from 'drizzle-orm';
import { apiTokens, users } from '../../db/schema/control.js';
import { pageFrom } from '../../platform/paging.js';
import { type AppDeps, type TenantContext, auditActor, requireRole } from '../../platform/context.js';
import { badRequest, conflict, notFound } from '../../platform/errors.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import { claimIdempotencyKey, recordIdempotentResponse } from '../idempotency/idempotency.service.js';
import { diffSnapshots, isEmptyChangeSet } from './diff-snapshots.js';
import type { ChangeSet, PublishedVersion, VersionSummary } from './public-view.js';
import { buildSnapshot, snapshotHash } from './snapshot.js';
import * as repo from './versions.repo.js';
import { queueVersionPublishedWebhooks } from '../webhooks/webhook-enqueue.js';

const listNotFound = () => notFound('list', 'LIST_NOT_FOUND');
const versionNotFound = () => notFound('version', 'VERSION_NOT_FOUND');
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PublishInput {
  summary?: string | undefined;
  /** ISO 8601; default: now + the list's notice period */
  effectiveAt?: string | undefined;
}

export const countsOf = (c: ChangeSet) => ({
  added: c.added.length,
  removed: c.removed.length,
  changed: c.changed.length,
});

export function toVersionSummary(
  v: Pick<
    repo.VersionRow,
    'number' | 'publishedAt' | 'effectiveAt' | 'authorType' | 'authorId' | 'summary' | 'changes'
  > & { authorDisplay?: string | null },
): VersionSummary {
  return {
    number: v.number,
    publishedAt: v.publishedAt.toISOString(),
    effectiveAt: v.effectiveAt.toISOString(),
    author: v.authorId ? `${v.authorType}:${v.authorId}` : v.authorType,
    authorName: v.authorDisplay ?? null,
    summary: v.summary,
    counts: countsOf(v.changes),
  };
}

export function toPublishedVersion(v: repo.VersionRow): PublishedVersion {
  return { ...toVersionSummary(v), snapshot: v.snapshot, changes: v.changes };
}

/** Who published, in words, frozen with the version (a user may be renamed or leave later). */
async function authorName(deps: AppDeps, ctx: TenantContext): Promise<string | null> {
  const { actor } = ctx;
  if (!/^[0-9a-f-]{36}$/i.test(actor.id)) return actor.type === 'system' ? 'system' : null;
  if (actor.type === 'user') {
    const [u] = await deps.dbs.control
      .select({ name: users.name, email: users.email })
      .from(users)
      .where(eq(users.id, actor.id));
    return u ? u.name || u.email : null;
  }
  if (actor.type === 'token') {
    const [t] = await deps.dbs.control
      .select({ name: apiTokens.name })
      .from(apiTokens)
      .where(eq(apiTokens.id, actor.id));
    return t ? `API token "${t.name}"` : 'API token';
  }
  return 'system';
}

/**
 * What publishing now would do: the draft's change set against the latest version, and the
 * effective date the list's notice period gives. Nothing is written.
 */
export async function draftChanges(deps: AppDeps, ctx: TenantContext, listId: string) {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const list = await repo.selectList(tx, listId);
    if (!list) throw listNotFound();
    const snapshot = buildSnapshot(list, await repo.selectDraftRows(tx, listId));
    const latest = await repo.selectLatestVersion(tx, listId);
    const changes = diffSnapshots(latest?.snapshot ?? null, snapshot);
    return {
      latestVersion: latest?.number ?? null,
      entryCount: snapshot.entries.length,
      noticePeriodDays: list.noticePeriodDays,
      effectiveAt: new Date(Date.now() + list.noticePeriodDays * DAY_MS).toISOString(),
      changes,
      counts: countsOf(changes),
      publishable: latest ? !isEmptyChangeSet(changes) : snapshot.entries.length > 0,
    };
  });
}

/**
 * Freezes the draft into version n+1 with its change set against version n, in one
 * transaction with the list row locked (two concurrent publishes get n+1 and n+2). A draft
 * identical to the latest version is not published again.
 */
export async function publishList(deps: AppDeps, ctx: TenantContext, listId: string, input: PublishInput) {
  requireRole(ctx, 'editor');
  const observeDuration = deps.metrics.publishDuration.startTimer();
  const authorDisplay = await authorName(deps, ctx);
  const publishing = deps.dbs.withTenant(ctx.tenant, async (tx) => {
    await claimIdempotencyKey(tx, ctx);
    const list = await repo.lockList(tx, listId);
    if (!list) throw listNotFound();
    const snapshot = buildSnapshot(list, await repo.selectDraftRows(tx, listId));
    const latest = await repo.selectLatestVersion(tx, listId);
    const changes = diffSnapshots(latest?.snapshot ?? null, snapshot);
    if (latest && isEmptyChangeSet(changes)) {
      throw conflict(
        'NOTHING_TO_PUBLISH',
        `The draft is the same as version ${latest.number}; change it before publishing.`,
      );
    }
    if (!latest && snapshot.entries.length === 0) {
      throw badRequest('LIST_EMPTY', 'The list has no entries yet; add or import some before publishing.');
    }
    const publishedAt = new Date();
    const effectiveAt = input.effectiveAt
      ? new Date(input.effectiveAt)
      : new Date(publishedAt.getTime() + list.noticePeriodDays * DAY_MS);
    if (effectiveAt.getTime() < publishedAt.getTime() - 60_000) {
      throw badRequest(
        'EFFECTIVE_IN_PAST',
        'effectiveAt must not be in the past: customers need notice before a change applies.',
      );
    }
    const row = await repo.insertVersion(tx, {
      tenantId: ctx.tenant.id,
      listId,
      number: (latest?.number ?? 0) + 1,
      publishedAt,
      effectiveAt,
      authorType: ctx.actor.type,
      authorId: ctx.actor.id,
      authorDisplay,
      summary: input.summary ?? null,
      snapshot,
      changes,
      contentHash: snapshotHash(snapshot),
    });
    await queueVersionPublishedWebhooks(tx, deps, ctx.tenant, list, row);
    await appendAuditEvent(tx, {
      ...auditActor(ctx),
      action: 'list.published',
      objectType: 'list_version',
      objectId: `${listId}/${row.number}`,
      after: {
        listId,
        number: row.number,
        effectiveAt: row.effectiveAt,
        counts: countsOf(changes),
        contentHash: row.contentHash,
      },
    });
    const view = toPublishedVersion(row);
    await recordIdempotentResponse(tx, ctx, view);
    return { view, slug: list.slug };
  });
  const published = await publishing.finally(observeDuration);
  deps.publicCache?.published(ctx.tenant.id, published.slug, listId, published.view.number);
  return published.view;
}

export async function listVersions(
  deps: AppDeps,
  ctx: TenantContext,
  listId: string,
  page: { limit: number; offset: number },
) {
  return deps.dbs.withTenant(ctx.tenant, async (tx) => {
    const rows = await repo.selectVersionHistory(tx, listId, page.limit, page.offset);
    if (rows.length === 0 && !(await repo.selectListById(tx, listId))) throw listNotFound();
    return pageFrom(rows, toVersionSummary, page);
  });
}

export async function getVersion(deps: AppDeps, ctx: TenantContext, listId: string, number: number) {
  const row = await deps.dbs.withTenant(ctx.tenant, (tx) => repo.selectVersion(tx, listId, number));
  if (!row) throw versionNotFound();
  return toPublishedVersion(row);
}

/** The change set between any two versions (a before b, or b before a: always old -> new). */
export async function diffVersions(deps: AppDeps, ctx: TenantContext, listId: string, a: number, b: number) {
  const [from, to] = a <= b ? [a, b] : [b, a];
  const rows = await deps.dbs.withTenant(ctx.tenant, async (tx) => [
    await repo.selectVersion(tx, listId, from),
    await repo.selectVersion(tx, listId, to),
  ]);
  if (!rows[0] || !rows[1]) throw versionNotFound();
  return { from, to, changes: diffSnapshots(rows[0].snapshot, rows[1].snapshot) };
}

/** The number of the list's latest version (0: never published), in another feature's transaction. */
export function latestVersionNumber(tx: TenantTx, listId: string): Promise<number> {
  return repo.selectLatestNumber(tx, listId);
}
