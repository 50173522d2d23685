import type { AppDeps } from '../../app/deps.js';
import type { TenantTx } from '../../db/databases.js';
import { listNameInTx, publicListChoices } from '../lists/lists.service.js';
import { type TenantRecord, nowOf } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { appendAuditEvent } from '../audit/audit.service.js';
import { publicList } from '../publishing/public-read.js';
import { signLink, verifyLink } from './links.js';
import { baseUrlOf, linkInvalid, tenantDisplayName } from './subscribers.service.js';
import * as repo from './subscribers.repo.js';

/**
 * A subscriber's own preferences page, behind a personal signed link (kind `p`): the address,
 * organisation and scope (one list or every list of the workspace), changeable without an
 * account. The link expires (it sits in old emails); a bad, forged, other-kind or expired
 * token gets one generic refusal that tells nothing about the subscriber.
 */
export const PREFERENCES_DAYS = 90;
const DAY_MS = 86_400_000;

/** The page's path with a fresh token (the confirmation page links it relatively). */
export function preferencesPath(
  deps: AppDeps,
  tenant: { id: string; slug: string },
  subscriberId: string,
  now = nowOf(deps),
) {
  const exp = Math.floor((now.getTime() + PREFERENCES_DAYS * DAY_MS) / 1000);
  const token = signLink(deps, tenant.id, { kind: 'preferences', id: subscriberId, exp, nonce: '' });
  return `/t/${tenant.slug}/subscriptions/preferences?token=${token}`;
}

/** The link for a message's footer, next to unsubscribe (notice and withdrawal mails). */
export const preferencesUrl = (deps: AppDeps, tenant: { id: string; slug: string }, subscriberId: string) =>
  `${baseUrlOf(deps)}${preferencesPath(deps, tenant, subscriberId)}`;

/** The subscriber id of a sound, unexpired preferences token, or null. */
function subscriberOf(deps: AppDeps, tenant: TenantRecord, token: string): string | null {
  const claims = token ? verifyLink(deps, tenant.id, 'preferences', token) : null;
  if (!claims || claims.exp * 1000 < nowOf(deps).getTime()) return null;
  return claims.id;
}

export interface ListChoice {
  slug: string;
  title: string;
}

export interface PreferencesView {
  email: string;
  organisation: string | null;
  status: repo.SubscriberRow['status'];
  tenantName: string;
  /** null: every list of the workspace */
  list: ListChoice | null;
  /** the lists a workspace-wide subscriber may narrow to (public ones only) */
  lists: ListChoice[];
}

const publicLists = publicListChoices;

async function viewOf(tx: TenantTx, tenant: TenantRecord, row: repo.SubscriberRow): Promise<PreferencesView> {
  const own = row.listId ? await listNameInTx(tx, row.listId) : null;
  return {
    email: row.email,
    organisation: row.organisation,
    status: row.status,
    tenantName: await tenantDisplayName(tx, tenant),
    list: own ?? null,
    lists: row.listId ? [] : (await publicLists(tx)).map(({ slug, title }) => ({ slug, title })),
  };
}

/** What the page shows, or null for any token that is not a sound, current preferences link. */
export async function loadPreferences(deps: AppDeps, tenant: TenantRecord, token: string) {
  const id = subscriberOf(deps, tenant, token);
  if (!id) return null;
  return deps.dbs.withTenant(tenant, async (tx) => {
    const row = await repo.findById(tx, id);
    return row ? viewOf(tx, tenant, row) : null;
  });
}

export interface PreferencesChange {
  /** undefined: unchanged; null or '': cleared */
  organisation?: string | null | undefined;
  /** 'all': every list of the workspace; else a list's slug */
  scope?: string | undefined;
  unsubscribe?: boolean | undefined;
}

const notSubscribed = () =>
  new AppError(
    409,
    'NOT_SUBSCRIBED',
    'This address receives no notices; subscribe again on the list’s page.',
  );

/** Applies a change from the page, audited like unsubscribing; the page as it now stands. */
export async function applyPreferences(
  deps: AppDeps,
  tenant: TenantRecord,
  token: string,
  change: PreferencesChange,
): Promise<PreferencesView & { changed: string[] }> {
  const id = subscriberOf(deps, tenant, token);
  if (!id) throw linkInvalid();
  return deps.dbs.withTenant(tenant, async (tx) => {
    const row = await repo.findById(tx, id, true);
    if (!row) throw linkInvalid();
    if (row.status !== 'confirmed') throw notSubscribed();
    const set: Partial<repo.SubscriberRow> = {};
    if (change.unsubscribe) {
      Object.assign(set, { status: 'unsubscribed', unsubscribedAt: nowOf(deps), confirmNonceHash: null });
    } else {
      const organisation = change.organisation === undefined ? undefined : change.organisation || null;
      if (organisation !== undefined && organisation !== row.organisation) set.organisation = organisation;
      const listId = change.scope === undefined ? undefined : await scopeListId(tx, row, change.scope);
      if (listId !== undefined && listId !== row.listId) {
        // The same address under the target scope: a confirmed one makes this change pointless;
        // a pending or unsubscribed one is the subscriber's own leftover and gives way.
        const other = await repo.findByAddress(tx, listId, row.email);
        if (other?.status === 'confirmed')
          throw new AppError(
            409,
            'ALREADY_SUBSCRIBED',
            'This address already receives those notices; unsubscribe here if you want fewer.',
          );
        if (other) await repo.deleteSubscriber(tx, other.id);
        set.listId = listId;
      }
    }
    const changed = Object.keys(set).filter((k) => k !== 'confirmNonceHash' && k !== 'unsubscribedAt');
    if (changed.length === 0) return { ...(await viewOf(tx, tenant, row)), changed };
    const after = (await repo.updateSubscriber(tx, row.id, set))!;
    await appendAuditEvent(tx, {
      tenantId: tenant.id,
      actorType: 'system',
      actorId: `subscriber:${row.id}`,
      requestId: null,
      action: change.unsubscribe ? 'subscriber.unsubscribed' : 'subscriber.preferences_changed',
      objectType: 'subscriber',
      objectId: row.id,
      before: { email: row.email, listId: row.listId, organisation: row.organisation, status: row.status },
      after: {
        email: after.email,
        listId: after.listId,
        organisation: after.organisation,
        status: after.status,
      },
    });
    return { ...(await viewOf(tx, tenant, after)), changed };
  });
}

/** The list id a scope names: null for 'all'; the subscriber's own list or a public one. */
async function scopeListId(tx: TenantTx, row: repo.SubscriberRow, scope: string): Promise<string | null> {
  if (scope === 'all') return null;
  const list = await publicList(tx, scope);
  const allowed = list && (list.id === row.listId || list.visibility === 'public');
  if (!list || !allowed)
    throw new AppError(400, 'PREFERENCES_INVALID', 'Choose one of the lists shown on the page.');
  return list.id;
}
