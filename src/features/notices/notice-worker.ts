import { sql } from 'drizzle-orm';
import type { TenantRef, TenantTx } from '../../db/databases.js';
import { lists } from '../../db/schema/region.js';
import { type AppDeps, mailerOf, nowOf } from '../../platform/context.js';
import type { MailMessage } from '../../platform/mail/mailer.js';
import { diffSnapshots } from '../publishing/diff-snapshots.js';
import { findVersionInTx } from '../publishing/versions.service.js';
import type { TenantRecord } from '../tenants/tenant-directory.js';
import { signLink } from './links.js';
import { noticeMail, withdrawalMail } from './notice-mail.js';
import * as repo from './notices.repo.js';
import { baseUrlOf, tenantDisplayName, unsubscribeUrl } from './subscribers.service.js';

/** Attempts per message before it is marked failed (the backoff reaches an hour: ~1.5 days). */
export const MAX_ATTEMPTS = 40;
const BATCH = 200;
const PARALLEL = 8;

/** 1, 2, 4 ... minutes, at most an hour, with up to 20 % jitter (so retries do not march in step). */
export function retryDelayMs(attempt: number): number {
  const base = Math.min(60, 2 ** Math.max(0, attempt - 1)) * 60_000;
  return Math.round(base * (1 + Math.random() * 0.2));
}

interface NoticeContext {
  notice: repo.NoticeRow;
  render: (d: repo.DeliveryRow) => MailMessage;
}

/** Everything a notice's messages share, loaded once per notice per run. */
async function loadNoticeContext(
  deps: AppDeps,
  tx: TenantTx,
  tenant: TenantRecord,
  noticeId: string,
): Promise<NoticeContext | null> {
  const notice = await repo.selectNotice(tx, noticeId);
  if (!notice) return null;
  const [list] = await tx
    .select({ slug: lists.slug, title: lists.title })
    .from(lists)
    .where(sql`${lists.id} = ${notice.listId}`);
  const version = await findVersionInTx(tx, notice.listId, notice.versionNumber);
  const base = await findVersionInTx(tx, notice.listId, notice.baseVersion);
  if (!list || !version || !base) return null;
  const tenantName = await tenantDisplayName(tx, tenant);
  const changes =
    base.number === notice.versionNumber - 1
      ? version.changes
      : diffSnapshots(base.snapshot, version.snapshot);
  const site = baseUrlOf(deps);
  const listUrl = `${site}/t/${tenant.slug}/${list.slug}`;
  return {
    notice,
    render: (d) => {
      const unsubscribe = unsubscribeUrl(deps, tenant, d.subscriberId);
      if (d.kind === 'withdrawal')
        return withdrawalMail({
          to: d.email,
          messageId: d.messageId,
          tenantName,
          listTitle: list.title,
          versionNumber: notice.versionNumber,
          effectiveAt: notice.effectiveAt,
          reason: notice.withdrawnReason,
          listUrl,
          unsubscribeUrl: unsubscribe,
        });
      const objectToken = signLink(deps, tenant.id, {
        kind: 'object',
        id: d.id,
        exp: Math.floor(notice.effectiveAt.getTime() / 1000),
        nonce: '',
      });
      return noticeMail({
        to: d.email,
        messageId: d.messageId,
        tenantName,
        listTitle: list.title,
        listUrl,
        diffUrl: `${listUrl}/versions/${notice.versionNumber}`,
        versionNumber: notice.versionNumber,
        effectiveAt: notice.effectiveAt,
        emergencyReason: notice.emergencyReason,
        summary: version.summary,
        changes,
        objectUrl: `${site}/t/${tenant.slug}/objections/new?token=${objectToken}`,
        unsubscribeUrl: unsubscribe,
      });
    },
  };
}

export interface DeliveryRun {
  sent: number;
  retrying: number;
  failed: number;
  /** not sent: the subscriber was no longer confirmed when the message came due */
  skipped: number;
}

/**
 * Sends the tenant's due messages until none is due. Each message is claimed (with a lease) in
 * one short transaction, sent, and its result recorded in another: a worker killed in between
 * leaves the claim to lapse and the message is sent again, with the same Message-ID, so the
 * window for a repeat is the time between the server's 250 and the recording of it.
 */
export async function deliverDue(deps: AppDeps, tenant: TenantRecord): Promise<DeliveryRun> {
  const run: DeliveryRun = { sent: 0, retrying: 0, failed: 0, skipped: 0 };
  const contexts = new Map<string, NoticeContext | null>();
  const mailer = mailerOf(deps);
  for (;;) {
    const now = nowOf(deps);
    const { rows: claimed, skipped } = await deps.dbs.withTenant(tenant, async (tx) => {
      const due = await repo.claimDue(tx, now, BATCH);
      for (const d of due.rows)
        if (!contexts.has(d.noticeId))
          contexts.set(d.noticeId, await loadNoticeContext(deps, tx, tenant, d.noticeId));
      return due;
    });
    run.skipped += skipped;
    if (claimed.length === 0) {
      if (skipped > 0) continue;
      return run;
    }
    const results: { d: repo.DeliveryRow; ok: boolean; response: string; at: Date }[] = [];
    let next = 0;
    const lane = async () => {
      while (next < claimed.length) {
        const d = claimed[next++]!;
        const ctx = contexts.get(d.noticeId);
        if (!ctx) {
          results.push({ d, ok: false, response: 'the notice or its version is gone', at: nowOf(deps) });
          continue;
        }
        try {
          const sent = await mailer.send({ ...ctx.render(d), tenantId: tenant.id });
          results.push({
            d,
            ok: true,
            response: sent.response || (sent.file ? `written to ${sent.file}` : 'accepted'),
            at: nowOf(deps),
          });
        } catch (err) {
          const cause = (err as { cause?: { response?: string; message?: string } }).cause;
          results.push({
            d,
            ok: false,
            response: cause?.response ?? cause?.message ?? String(err),
            at: nowOf(deps),
          });
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, lane));
    await deps.dbs.withTenant(tenant, async (tx) => {
      for (const r of results) {
        const give_up = !r.ok && (r.d.attempts >= MAX_ATTEMPTS || !contexts.get(r.d.noticeId));
        const status = r.ok ? 'sent' : give_up ? 'failed' : 'queued';
        await repo.recordAttempt(tx, {
          tenantId: tenant.id,
          deliveryId: r.d.id,
          at: r.at,
          ok: r.ok,
          response: r.response,
          next: {
            status,
            nextAttemptAt:
              status === 'queued' ? new Date(r.at.getTime() + retryDelayMs(r.d.attempts)) : undefined,
          },
        });
        run[status === 'sent' ? 'sent' : status === 'failed' ? 'failed' : 'retrying']++;
      }
    });
  }
}

/** The tenants of a region (the periodic sweep visits each; the directory is in the control database). */
export async function tenantsOfRegion(deps: AppDeps, regionId: string): Promise<TenantRef[]> {
  const { rows } = await deps.dbs.control.execute<{ id: string }>(
    sql`select id from tenants where region_id = ${regionId} and status <> 'suspended' order by id`,
  );
  return rows.map((r) => ({ id: r.id, regionId }));
}
