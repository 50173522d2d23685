import type { TenantTx } from '../../db/databases.js';
import { pageFrom } from '../../platform/paging.js';
import type { AppDeps } from '../../app/deps.js';
import { type TenantContext, auditActor, nowOf } from '../../platform/context.js';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import { userNames } from '../auth/auth.service.js';
import { tokenName } from '../tokens/tokens.service.js';
import { claimIdempotencyKey, recordIdempotentResponse } from '../idempotency/idempotency.service.js';
import { diffSnapshots, isEmptyChangeSet } from './diff-snapshots.js';
import type { ChangeSet, PublishedVersion, VersionSummary } from '../../domain/public-view.js';
import { buildSnapshot, snapshotHash } from './snapshot.js';
import * as repo from './versions.repo.js';
import { queueVersionPublishedWebhooks } from '../webhooks/webhook-enqueue.js';
import {
  announcesChange,
  createNotice,
  noticeOfVersion,
  withdrawNoticeInTx,
} from '../notices/notices.service.js';
import { requestApprovals } from '../customers/approvals.service.js';
import { type NoticePeriod, longestNoticePeriod } from '../customers/customers.service.js';

const listNotFound = () => notFound('list', 'LIST_NOT_FOUND');
const versionNotFound = () => notFound('version', 'VERSION_NOT_FOUND');
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PublishInput {
  summary?: string | undefined;
  /** ISO 8601; default: now + the list's notice period */
  effectiveAt?: string | undefined;
  /** an effective date inside the notice period needs a written reason, stored and shown */
  emergency?: { reason: string } | undefined;
  /** publishing while a version is still to take effect replaces it (it never takes effect) */
  replacePending?: boolean | undefined;
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
  > & {
    authorDisplay?: string | null;
    emergencyReason?: string | null;
    replacesVersion?: number | null;
  },
): VersionSummary {
  return {
    number: v.number,
    publishedAt: v.publishedAt.toISOString(),
    effectiveAt: v.effectiveAt.toISOString(),
    author: v.authorId ? `${v.authorType}:${v.authorId}` : v.authorType,
    authorName: v.authorDisplay ?? null,
    summary: v.summary,
    emergencyReason: v.emergencyReason ?? null,
    replacesVersion: v.replacesVersion ?? null,
    counts: countsOf(v.changes),
  };
}

export function toPublishedVersion(v: repo.VersionRow): PublishedVersion {
  return { ...toVersionSummary(v), snapshot: v.snapshot, changes: v.changes };
}

/**
 * One rule for every version: it takes effect at least the notice period after it is
 * published (the longest of the list's and of its customers' contracts), unless it is an
 * emergency notice with a written reason; never in the past.
 */
export function effectiveDate(period: NoticePeriod | number, publishedAt: Date, input: PublishInput): Date {
  const p = typeof period === 'number' ? { days: period, customer: null } : period;
  const earliest = new Date(publishedAt.getTime() + p.days * DAY_MS);
  if (!input.effectiveAt) return earliest;
  const wanted = new Date(input.effectiveAt);
  if (wanted.getTime() < publishedAt.getTime() - 60_000) {
    throw badRequest(
      'EFFECTIVE_IN_PAST',
      'effectiveAt must not be in the past: customers need notice before a change applies.',
    );
  }
  // A minute of slack for clocks and for a client that computed the date just before sending.
  if (wanted.getTime() < earliest.getTime() - 60_000 && !input.emergency) {
    const who = p.customer
      ? `The contract with the customer "${p.customer.organisation}" requires ${p.days} days' notice (longer than the list's)`
      : `This list promises ${p.days} days' notice`;
    throw new AppError(
      422,
      'NOTICE_TOO_SHORT',
      `${who}, so the earliest effective date is ${earliest.toISOString()}. Choose that date or later, or publish an emergency notice with a written reason ("emergency": {"reason": "..."}), which recipients are shown.`,
      {
        earliestEffectiveAt: earliest.toISOString(),
        noticePeriodDays: p.days,
        ...(p.customer ? { customer: p.customer } : {}),
      },
    );
  }
  return wanted;
}

/** Who published, in words, frozen with the version (a user may be renamed or leave later). */
async function authorName(deps: AppDeps, ctx: TenantContext): Promise<string | null> {
  const { actor } = ctx;
  if (!/^[0-9a-f-]{36}$/i.test(actor.id)) return actor.type === 'system' ? 'system' : null;
  if (actor.type === 'user') {
    const u = await userNames(deps, actor.id);
    return u ? u.name || u.email : null;
  }
  if (actor.type === 'token') {
    const name = await tokenName(deps, actor.id);
    return name !== null ? `API token "${name}"` : 'API token';
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
    const period = await longestNoticePeriod(tx, listId, list.noticePeriodDays);
    return {
      latestVersion: latest?.number ?? null,
      entryCount: snapshot.entries.length,
      noticePeriodDays: period.days,
      effectiveAt: new Date(Date.now() + period.days * DAY_MS).toISOString(),
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
    const publishedAt = nowOf(deps);
    // The first version is the list's baseline: it announces no change to anyone, so it is in
    // force from its publication (or the date given); every later one keeps the notice period.
    const period = latest ? await longestNoticePeriod(tx, listId, list.noticePeriodDays) : 0;
    const effectiveAt = effectiveDate(period, publishedAt, input);
    // Versions take effect in order: one still pending is never superseded before its date,
    // unless this version replaces it on purpose (it then never takes effect; its notice is
    // withdrawn).
    const pending = latest && latest.effectiveAt > publishedAt ? latest : null;
    if (pending && !input.replacePending && effectiveAt <= pending.effectiveAt) {
      throw new AppError(
        422,
        'VERSION_PENDING',
        `Version ${pending.number} takes effect on ${pending.effectiveAt.toISOString()}, so this version must take effect after that date. Choose a later effectiveAt, or publish with "replacePending": true to replace version ${pending.number} (it never takes effect and its notice is withdrawn).`,
        { pendingVersion: pending.number, pendingEffectiveAt: pending.effectiveAt.toISOString() },
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
      emergencyReason: input.emergency?.reason ?? null,
      replacesVersion: input.replacePending && pending ? pending.number : null,
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
        emergencyReason: row.emergencyReason,
        replacesVersion: row.replacesVersion,
      },
    });
    const queued = await noticeFor(
      deps,
      tx,
      ctx,
      row,
      latest,
      pending && input.replacePending ? pending : null,
    );
    const view = toPublishedVersion(row);
    await recordIdempotentResponse(tx, ctx, view);
    return { view, slug: list.slug, queued: queued.messages, approvals: queued.approvals };
  });
  const published = await publishing.finally(observeDuration);
  deps.publicCache?.published(ctx.tenant.id, published.slug, listId, published.view.number);
  if (published.queued) deps.noticeKick?.(ctx.tenant);
  if (published.approvals) deps.approvalKick?.(ctx.tenant);
  return published.view;
}

/**
 * The notice a version owes (in the publish's transaction): a replaced pending version's notice
 * is withdrawn, and the new one announces the changes against the version before that.
 * Returns whether the notice worker has work (a fan-out or withdrawal messages), and how many
 * customers' approvals were asked for.
 */
async function noticeFor(
  deps: AppDeps,
  tx: TenantTx,
  ctx: TenantContext,
  row: repo.VersionRow,
  latest: repo.VersionRow | null,
  replaced: repo.VersionRow | null,
): Promise<{ messages: boolean; approvals: number }> {
  if (!latest) return { messages: false, approvals: 0 };
  let queued = 0;
  let base = latest;
  if (replaced) {
    const old = await noticeOfVersion(tx, row.listId, replaced.number);
    if (old && old.status !== 'withdrawn')
      queued += await withdrawNoticeInTx(deps, tx, ctx, old, `Replaced by version ${row.number}.`);
    base = (await repo.selectVersionBefore(tx, row.listId, replaced.number)) ?? latest;
  }
  const changes = base === latest ? row.changes : diffSnapshots(base.snapshot, row.snapshot);
  if (!announcesChange(changes)) return { messages: queued > 0, approvals: 0 };
  const { notice } = await createNotice(deps, tx, ctx, {
    listId: row.listId,
    number: row.number,
    baseVersion: base.number,
    publishedAt: row.publishedAt,
    effectiveAt: row.effectiveAt,
    emergencyReason: row.emergencyReason,
    counts: countsOf(changes),
  });
  const approvals = await requestApprovals(tx, ctx, notice);
  // the notice's fan-out is the worker's: it is kicked whatever the number of subscribers
  return { messages: true, approvals };
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

/** One published version of a list, in the caller's transaction. */
export function findVersionInTx(tx: TenantTx, listId: string, number: number) {
  return repo.selectVersion(tx, listId, number);
}
