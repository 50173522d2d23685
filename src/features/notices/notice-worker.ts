import { sql } from 'drizzle-orm';
import type { TenantRef, TenantTx } from '../../db/databases.js';
import { lists } from '../../db/schema/region.js';
import type { AppDeps } from '../../app/deps.js';
import { mailerOf, nowOf } from '../../platform/context.js';
import type { MailMessage } from '../../platform/mail/mailer.js';
import { diffSnapshots } from '../publishing/diff-snapshots.js';
import { findVersionInTx } from '../publishing/versions.service.js';
import type { TenantRecord } from '../../platform/context.js';
import { signLink } from './links.js';
import { inEffectMail, noticeMailFor, withdrawalMail } from './notice-mail.js';
import * as repo from './notices.repo.js';
import { preferencesUrl } from './preferences.service.js';
import { messageDomain } from './notices.service.js';
import { baseUrlOf, tenantDisplayName, unsubscribeUrl } from './subscribers.service.js';

/** Attempts per message before it is marked failed (the backoff reaches an hour: ~1.5 days). */
export const MAX_ATTEMPTS = 40;
export const BATCH = 200;
/** Messages handed to the SMTP server at once. */
export const PARALLEL = 16;

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
  const compose = noticeMailFor({
    tenantName,
    listTitle: list.title,
    listUrl,
    diffUrl: `${listUrl}/versions/${notice.versionNumber}`,
    versionNumber: notice.versionNumber,
    effectiveAt: notice.effectiveAt,
    emergencyReason: notice.emergencyReason,
    summary: version.summary,
    changes,
  });
  const objectBase = `${site}/t/${tenant.slug}/objections/new?token=`;
  const exp = Math.floor(notice.effectiveAt.getTime() / 1000);
  return {
    notice,
    render: (d) => {
      const unsubscribe = unsubscribeUrl(deps, tenant, d.subscriberId);
      const preferences = preferencesUrl(deps, tenant, d.subscriberId);
      if (d.kind === 'in_effect')
        return inEffectMail({
          to: d.email,
          messageId: d.messageId,
          tenantName,
          listTitle: list.title,
          versionNumber: notice.versionNumber,
          effectiveAt: notice.effectiveAt,
          listUrl,
          diffUrl: `${listUrl}/versions/${notice.versionNumber}`,
          unsubscribeUrl: unsubscribe,
          preferencesUrl: preferences,
        });
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
          preferencesUrl: preferences,
        });
      const objectToken = signLink(deps, tenant.id, { kind: 'object', id: d.id, exp, nonce: '' });
      return compose({
        to: d.email,
        messageId: d.messageId,
        objectUrl: `${objectBase}${objectToken}`,
        unsubscribeUrl: unsubscribe,
        preferencesUrl: preferences,
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

/** What tests (and a slow relay) may change; the defaults are the production ones. */
export interface WorkerOptions {
  /** how long a claim holds before another worker may take the message (default 5 min) */
  leaseMs?: number;
  /** the wait before the next attempt after a failed one (default: `retryDelayMs`) */
  retryDelay?: (attempt: number) => number;
  /** recipients per fan-out step (default FANOUT_CHUNK) */
  fanoutChunk?: number;
  /** told after each committed fan-out step (the fault tests kill the worker between steps) */
  onFanoutStep?: (step: repo.FanoutStep & { noticeId: string }) => void;
}

/**
 * Delivery rows a fan-out step makes in one transaction: big enough that 100,000 recipients
 * are a few dozen statements, small enough that a step holds the notice's row for a moment.
 */
export const FANOUT_CHUNK = 5000;

/**
 * Makes the delivery rows of every notice still fanning out, a step (one transaction) at a
 * time, telling `progress` after each. A notice locked by another worker (or a withdrawal) is
 * left to it; the minute sweep comes back to whatever is left.
 */
export async function fanOut(
  deps: AppDeps,
  tenant: TenantRecord,
  opts: WorkerOptions = {},
  progress: () => void = () => {},
): Promise<number> {
  const domain = messageDomain(deps);
  const chunk = opts.fanoutChunk ?? FANOUT_CHUNK;
  let made = 0;
  const pending = await deps.dbs.withTenant(tenant, (tx) => repo.selectFanningOut(tx));
  for (const noticeId of pending) {
    for (;;) {
      const step = await deps.dbs.withTenant(tenant, (tx) =>
        repo.fanoutStep(tx, { noticeId, domain, now: nowOf(deps), chunk }),
      );
      if (!step) break;
      made += step.made;
      opts.onFanoutStep?.({ ...step, noticeId });
      progress();
      if (step.done) break;
    }
  }
  return made;
}

/**
 * Results are recorded in groups of this many as they come, not once per batch: see below.
 * (16 made the one recording at a time, a commit each, the limit of a fan-out's rate on a
 * loaded machine: lanes stood waiting for it; 32 halves the commits for 32 more at risk.)
 */
export const RECORD_EVERY = 32;
/**
 * The most messages one killed worker can have had accepted without recording them (so the
 * most that can arrive twice per kill): the waiting group and the one being recorded (each at
 * most RECORD_EVERY plus what the lanes finished meanwhile), and the PARALLEL in flight.
 */
export const REPEAT_BOUND = 2 * (RECORD_EVERY + PARALLEL) + PARALLEL;

interface SendResult {
  d: repo.DeliveryRow;
  ok: boolean;
  response: string;
  at: Date;
}

/**
 * Makes the rows of notices still fanning out and sends the tenant's due messages until none
 * is due (and the fan-out is done). Messages are claimed (with a lease) in short transactions,
 * BATCH at a time and ahead of need, and sent by PARALLEL lanes; their results are recorded as
 * they come, RECORD_EVERY at a time, one transaction each. A worker killed in between leaves
 * the claims to lapse and those messages are sent again with the same Message-ID: a repeat can
 * only be a message the server accepted whose result was not yet recorded, at most
 * REPEAT_BOUND per killed worker (never the whole batch); claimed rows it had not yet sent go
 * once, to the next worker.
 */
export async function deliverDue(
  deps: AppDeps,
  tenant: TenantRecord,
  opts: WorkerOptions = {},
): Promise<DeliveryRun> {
  const run: DeliveryRun = { sent: 0, retrying: 0, failed: 0, skipped: 0 };
  // Notices that took effect since the last run, on lists that announce it: their "now in
  // effect" messages join the queue first (once per notice, whichever worker gets there).
  await deps.dbs.withTenant(tenant, (tx) =>
    repo.queueInEffectMessages(tx, { tenantId: tenant.id, now: nowOf(deps), domain: messageDomain(deps) }),
  );
  const contexts = new Map<string, NoticeContext | null>();
  const mailer = mailerOf(deps);
  const retryDelay = opts.retryDelay ?? retryDelayMs;
  const record = (results: SendResult[]) =>
    deps.dbs.withTenant(tenant, async (tx) => {
      const records = results.map((r): repo.AttemptRecord => {
        const giveUp = !r.ok && (r.d.attempts >= MAX_ATTEMPTS || !contexts.get(r.d.noticeId));
        const status = r.ok ? 'sent' : giveUp ? 'failed' : 'queued';
        return {
          deliveryId: r.d.id,
          at: r.at,
          ok: r.ok,
          response: r.response,
          next: {
            status,
            nextAttemptAt:
              status === 'queued' ? new Date(r.at.getTime() + retryDelay(r.d.attempts)) : undefined,
          },
        };
      });
      await repo.recordAttempts(tx, tenant.id, records);
      for (const r of records)
        run[r.next.status === 'sent' ? 'sent' : r.next.status === 'failed' ? 'failed' : 'retrying']++;
    });
  // The fan-out makes rows while the lanes send the first ones: a claim that finds nothing
  // waits for its next step (or its end) before the run may end.
  let fanning = true;
  let steps = 0;
  let stepped: () => void = () => {};
  let nextStep = new Promise<void>((r) => {
    stepped = r;
  });
  const progress = () => {
    steps++;
    const wake = stepped;
    nextStep = new Promise<void>((r) => {
      stepped = r;
    });
    wake();
  };
  const fanout = fanOut(deps, tenant, opts, progress).finally(() => {
    fanning = false;
    progress();
  });
  // its failure is thrown when the sending is done (below), not left unhandled meanwhile
  fanout.catch(() => {});
  // One recording at a time; lanes wait while a full group waits behind it, so what was
  // accepted and not yet recorded stays under REPEAT_BOUND. A failed recording stops the run
  // (the claims lapse, those messages go again: a repeat, never a loss).
  let waiting: SendResult[] = [];
  let active: Promise<void> | null = null;
  let broken: { error: unknown } | null = null;
  /** claimed by this run and not yet recorded: never claimed again by it, even with a lapsed lease */
  const held = new Set<string>();
  const flush = () => {
    if (active || broken || waiting.length === 0) return;
    const group = waiting;
    waiting = [];
    active = record(group).then(
      () => {
        for (const r of group) held.delete(r.d.id);
        active = null;
        if (waiting.length >= RECORD_EVERY) flush();
      },
      (error: unknown) => {
        broken = { error };
        active = null;
      },
    );
  };
  const done = (r: SendResult) => {
    waiting.push(r);
    if (waiting.length >= RECORD_EVERY) flush();
  };
  // Claims come ahead of the lanes: the next batch is claimed while the lanes still send the
  // last of the one before (the SMTP connections never wait for a claim's round trips).
  const queue: repo.DeliveryRow[] = [];
  let claiming: Promise<void> | null = null;
  let exhausted = false;
  const claimMore = (): Promise<void> =>
    (claiming ??= (async () => {
      try {
        for (;;) {
          const now = nowOf(deps);
          const waitForStep = nextStep;
          const stepsBefore = steps;
          const due = await deps.dbs.withTenant(tenant, async (tx) => {
            const due = await repo.claimDue(tx, now, BATCH, opts.leaseMs, [...held]);
            for (const d of due.rows)
              if (!contexts.has(d.noticeId))
                contexts.set(d.noticeId, await loadNoticeContext(deps, tx, tenant, d.noticeId));
            return due;
          });
          run.skipped += due.skipped;
          for (const d of due.rows) {
            held.add(d.id);
            queue.push(d);
          }
          if (due.rows.length > 0) return;
          if (due.skipped > 0) continue;
          // rows made since this claim began may not have been seen by it: claim again
          if (steps !== stepsBefore) continue;
          if (fanning) {
            await waitForStep;
            continue;
          }
          exhausted = true;
          return;
        }
      } catch (error) {
        broken ??= { error };
      } finally {
        claiming = null;
      }
    })());
  const lane = async () => {
    for (;;) {
      while (active && waiting.length >= RECORD_EVERY) await active;
      if (broken) break;
      if (queue.length <= BATCH && !exhausted) void claimMore();
      const d = queue.shift();
      if (!d) {
        if (exhausted) break;
        await claimMore();
        continue;
      }
      const ctx = contexts.get(d.noticeId);
      if (!ctx) {
        done({ d, ok: false, response: 'the notice or its version is gone', at: nowOf(deps) });
        continue;
      }
      try {
        const sent = await mailer.send({ ...ctx.render(d), tenantId: tenant.id });
        done({
          d,
          ok: true,
          response: sent.response || (sent.file ? `written to ${sent.file}` : 'accepted'),
          at: nowOf(deps),
        });
      } catch (err) {
        const cause = (err as { cause?: { response?: string; message?: string } }).cause;
        done({ d, ok: false, response: cause?.response ?? cause?.message ?? String(err), at: nowOf(deps) });
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  while (!broken && (active || waiting.length > 0)) {
    flush();
    if (active) await active;
  }
  if (broken) throw (broken as { error: unknown }).error;
  await fanout;
  return run;
}

/** The tenants of a region (the periodic sweep visits each; the directory is in the control database). */
export async function tenantsOfRegion(deps: AppDeps, regionId: string): Promise<TenantRef[]> {
  const { rows } = await deps.dbs.control.execute<{ id: string }>(
    sql`select id from tenants where region_id = ${regionId} and status <> 'suspended' order by id`,
  );
  return rows.map((r) => ({ id: r.id, regionId }));
}
