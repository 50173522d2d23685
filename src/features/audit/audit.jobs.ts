import type { AppDeps } from '../../app/deps.js';
import type { Jobs } from '../../platform/jobs.js';
import { AUDIT_SEAL_CRON, AUDIT_SEAL_QUEUE, sealAuditChains } from './audit-checkpoints.service.js';

/** Every region's worker advances lagging audit heads and signs checkpoints periodically. */
export function registerAuditJobs(jobs: Jobs, deps: AppDeps, log: (msg: string) => void): void {
  jobs.handle(
    AUDIT_SEAL_QUEUE,
    async (data) => {
      const regionId = String(data.regionId);
      if (!deps.dbs.hasRegion(regionId)) return;
      const r = await sealAuditChains(deps, regionId, log);
      if (r.broken.length)
        log(`audit (${regionId}): ${r.broken.length} broken chain(s): ${r.broken.join(', ')}`);
    },
    { cron: AUDIT_SEAL_CRON },
  );
}
