import type { AppDeps } from '../../app/deps.js';
import type { Jobs } from '../../platform/jobs.js';
import type { TenantRecord } from '../../platform/context.js';
import { deliverDue, tenantsOfRegion } from './notice-worker.js';

export const NOTICES_DELIVER_QUEUE = 'subreg.notices.deliver';
/** Every minute, every region: due messages (new, retries, lapsed claims) go out. */
export const NOTICES_DELIVER_CRON = '* * * * *';

/**
 * The notice worker: a periodic sweep of every tenant of every region (retries and the messages
 * of a killed worker), and a kick right after a publish commits (so notices leave at once). A
 * tenant's run is never started twice in one process.
 */
export function registerNoticeJobs(jobs: Jobs, deps: AppDeps, log: (msg: string) => void): void {
  const running = new Map<string, Promise<void>>();
  const runFor = (tenant: TenantRecord) => {
    if (running.has(tenant.id)) return running.get(tenant.id)!;
    const p = deliverDue(deps, tenant)
      .then((r) => {
        if (r.sent || r.failed || r.retrying || r.skipped)
          log(
            `notices (${tenant.slug}): ${r.sent} sent, ${r.retrying} to retry, ${r.failed} failed, ${r.skipped} skipped (unsubscribed)`,
          );
      })
      .catch((err: Error) => log(`notices (${tenant.slug}): ${err.message}`))
      .finally(() => running.delete(tenant.id));
    running.set(tenant.id, p);
    return p;
  };
  deps.noticeKick = (tenant) => void runFor(tenant);
  jobs.handle(
    NOTICES_DELIVER_QUEUE,
    async (data) => {
      const regionId = String(data.regionId);
      if (!deps.dbs.hasRegion(regionId)) return;
      for (const ref of await tenantsOfRegion(deps, regionId)) {
        const tenant = await deps.directory.byId(ref.id);
        if (tenant && tenant.regionId === regionId) await runFor(tenant);
      }
    },
    { cron: NOTICES_DELIVER_CRON },
  );
}
