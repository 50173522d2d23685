import { and, eq, ne, sql } from 'drizzle-orm';
import type { TenantTx } from '../../db/databases.js';
import { listVersions } from '../../db/schema/region-versions.js';
import { lists, tenantProfiles } from '../../db/schema/region.js';
import type { AppDeps } from '../../app/deps.js';
import { describeResidency, residencySentence } from '../regions/residency.js';
import type { TenantRecord } from '../../platform/context.js';
import type {
  FormerEntry,
  PublicListView,
  PublicTenant,
  PublicTenantView,
  PublishedVersion,
} from '../../domain/public-view.js';
import * as repo from './versions.repo.js';
import { toPublishedVersion, toVersionSummary } from './versions.service.js';

/** A live tenant by slug, or null (suspended tenants have no public pages). */
export async function publicTenant(deps: AppDeps, slug: string): Promise<TenantRecord | null> {
  if (!/^[a-z0-9-]{1,48}$/.test(slug)) return null;
  const t = await deps.directory.bySlug(slug);
  return t && t.status !== 'suspended' ? t : null;
}

async function tenantHeader(deps: AppDeps, tx: TenantTx, t: TenantRecord): Promise<PublicTenant> {
  const [p] = await tx.select().from(tenantProfiles);
  const region = deps.dbs.regionInfo(t.regionId);
  return {
    slug: t.slug,
    name: p?.displayName ?? t.name,
    hosting: p
      ? {
          provider: p.hostingProvider,
          region: p.hostingRegion,
          segregation: p.segregation,
          dataStored: p.dataStored,
          regionMoveInfo: p.regionMoveInfo,
          contactEmail: p.contactEmail,
        }
      : null,
    dataRegion: { id: t.regionId, name: region?.name ?? t.regionId },
    residency: residencySentence(describeResidency(t, deps.dbs.regionInfo(t.regionId))),
  };
}

/** The list row a public URL names: public or unlisted (a private list does not exist publicly). */
export async function publicList(tx: TenantTx, listSlug: string, includePrivate = false) {
  if (!/^[a-z0-9-]{1,64}$/.test(listSlug)) return null;
  const [l] = await tx
    .select({ id: lists.id, slug: lists.slug, visibility: lists.visibility })
    .from(lists)
    .where(
      includePrivate
        ? eq(lists.slug, listSlug)
        : and(eq(lists.slug, listSlug), ne(lists.visibility, 'private')),
    );
  return l ?? null;
}

/** The number of the current published version of a public list, with the list's id; null if none. */
export async function currentPublicVersion(
  deps: AppDeps,
  tenant: TenantRecord,
  listSlug: string,
): Promise<{ number: number; listId: string } | null> {
  return deps.dbs.withTenant(tenant, async (tx) => {
    const list = await publicList(tx, listSlug);
    if (!list) return null;
    const number = await repo.selectLatestNumber(tx, list.id);
    return number > 0 ? { number, listId: list.id } : null;
  });
}

export async function loadPublicTenantView(
  deps: AppDeps,
  t: TenantRecord,
  baseUrl: string,
): Promise<PublicTenantView> {
  return deps.dbs.withTenant(t, async (tx) => {
    const tenant = await tenantHeader(deps, tx, t);
    // Listed lists that have been published, with their latest version's date and size.
    const rows = await tx.execute(sql`
      select l.slug, l.title, v.published_at, jsonb_array_length(v.snapshot->'entries')::int as entry_count
      from ${lists} l
      join lateral (select published_at, snapshot from ${listVersions} lv
                    where lv.tenant_id = l.tenant_id and lv.list_id = l.id
                    order by number desc limit 1) v on true
      where l.visibility = 'public'
      order by l.title`);
    return {
      tenant,
      baseUrl,
      lists: (
        rows.rows as { slug: string; title: string; published_at: Date | string; entry_count: number }[]
      ).map((r) => ({
        slug: r.slug,
        title: r.title,
        lastUpdated: new Date(r.published_at).toISOString(),
        entryCount: r.entry_count,
      })),
    };
  });
}

/**
 * Everything a public list page (current or past version) needs, or null when the list is not
 * public, has no version yet, or has no such version.
 */
export async function loadPublicListView(
  deps: AppDeps,
  t: TenantRecord,
  listSlug: string,
  number: number | null,
  baseUrl: string,
  /** the operator's CLI may export a private list; the public routes never pass this */
  opts: { includePrivate?: boolean } = {},
): Promise<{ view: PublicListView; previous: PublishedVersion | null } | null> {
  return deps.dbs.withTenant(t, async (tx) => {
    const list = await publicList(tx, listSlug, opts.includePrivate);
    if (!list) return null;
    const latestNumber = await repo.selectLatestNumber(tx, list.id);
    if (latestNumber === 0) return null;
    const shown = number ?? latestNumber;
    // One connection, one query at a time (pg queues concurrent ones, and will refuse them).
    const row = await repo.selectVersion(tx, list.id, shown);
    const before = shown > 1 ? await repo.selectVersion(tx, list.id, shown - 1) : null;
    const history = await repo.selectVersionHistory(tx, list.id);
    const tenant = await tenantHeader(deps, tx, t);
    if (!row) return null;
    const version = toPublishedVersion(row);
    return {
      view: {
        tenant,
        version,
        latestNumber,
        history: history.map((h) => ({ ...toVersionSummary(h), changes: h.changes })),
        former: formerEntries(history, version),
        baseUrl,
      },
      previous: before ? toPublishedVersion(before) : null,
    };
  });
}

/** Entries some version up to the shown one removed and that the shown version does not list. */
function formerEntries(
  history: Awaited<ReturnType<typeof repo.selectVersionHistory>>,
  shown: PublishedVersion,
): FormerEntry[] {
  const present = new Set(shown.snapshot.entries.map((e) => e.key));
  const presentNames = new Set(shown.snapshot.entries.map((e) => `${e.group}|${e.legalName}`));
  const former = new Map<string, FormerEntry>();
  for (const v of [...history].reverse()) {
    if (v.number > shown.number) break;
    for (const e of v.changes.removed) {
      if (present.has(e.key) || presentNames.has(`${e.group}|${e.legalName}`)) continue;
      former.set(e.key, { entry: e, removedInVersion: v.number, leftAt: v.effectiveAt.toISOString() });
    }
    for (const e of v.changes.added) former.delete(e.key);
  }
  return [...former.values()].sort((a, b) => b.leftAt.localeCompare(a.leftAt));
}
