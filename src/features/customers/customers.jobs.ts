import type { AppDeps } from '../../app/deps.js';
import type { Jobs } from '../../platform/jobs.js';
import { tenantsOfRegion } from '../notices/notice-worker.js';
import type { TenantRecord } from '../../platform/context.js';
import { sendApprovalRequests } from './approvals.service.js';

export const APPROVALS_MAIL_QUEUE = 'subreg.approvals.mail';
/** Every five minutes, every region: requests whose mail failed (SMTP down) are tried again. */
export const APPROVALS_MAIL_CRON = '*/5 * * * *';

/**
 * Approval requests go out right after the publish commits (a kick) and on a periodic sweep
 * (retries, and a process that stopped before the kick ran). A tenant's run is never started
 * twice in one process.
 */
export function registerCustomerJobs(jobs: Jobs, deps: AppDeps, log: (msg: string) => void): void {
  const running = new Map<string, Promise<void>>();
  const runFor = (tenant: TenantRecord) => {
    if (running.has(tenant.id)) return running.get(tenant.id)!;
    const p = sendApprovalRequests(deps, tenant)
      .then((r) => {
        if (r.sent || r.failed)
          log(`approvals (${tenant.slug}): ${r.sent} requests sent, ${r.failed} failed`);
      })
      .catch((err: Error) => log(`approvals (${tenant.slug}): ${err.message}`))
      .finally(() => running.delete(tenant.id));
    running.set(tenant.id, p);
    return p;
  };
  deps.approvalKick = (tenant) => void runFor(tenant);
  jobs.handle(
    APPROVALS_MAIL_QUEUE,
    async (data) => {
      const regionId = String(data.regionId);
      if (!deps.dbs.hasRegion(regionId)) return;
      for (const ref of await tenantsOfRegion(deps, regionId)) {
        const tenant = await deps.directory.byId(ref.id);
        if (tenant && tenant.regionId === regionId) await runFor(tenant);
      }
    },
    { cron: APPROVALS_MAIL_CRON },
  );
}
