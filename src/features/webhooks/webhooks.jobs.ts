import type { AppDeps } from '../../app/deps.js';
import type { Jobs } from '../../platform/jobs.js';
import { deliverWebhook } from './webhook-delivery.js';
import {
  DELIVER_QUEUE,
  enqueueDeliveryJob,
  requeueOverdueDeliveries,
  selectOverdueTenants,
} from './webhooks.repo.js';

export const SWEEP_QUEUE = 'subreg.webhooks.sweep';

/** A delivery this late past its time lost its job (or its worker): the sweep queues it again. */
const OVERDUE_MS = 2 * 60_000;
/** No tenant's rows are read through this id: it only lets the sweep ask which tenants to visit. */
const NO_TENANT = '00000000-0000-0000-0000-000000000000';

export function registerWebhookJobs(jobs: Jobs, deps: AppDeps, log: (msg: string) => void): void {
  // Calls mostly wait on receivers (up to the timeout each): several at once per region.
  jobs.handle(
    DELIVER_QUEUE,
    async (data) => {
      await deliverWebhook(deps, { tenantId: String(data.tenantId), deliveryId: String(data.deliveryId) });
    },
    { batchSize: 10 },
  );
  jobs.handle(
    SWEEP_QUEUE,
    async (data) => {
      const n = await sweepOverdueDeliveries(deps, String(data.regionId));
      if (n > 0) log(`webhooks: ${n} overdue deliveries queued again in ${String(data.regionId)}`);
    },
    { cron: '* * * * *' },
  );
}

/**
 * Nothing lost: a delivery whose job never ran (pg-boss was not running when it was queued, a
 * job was lost) or whose worker died mid-attempt is queued again, with a new job.
 */
export async function sweepOverdueDeliveries(
  deps: AppDeps,
  regionId: string,
  now = new Date(),
): Promise<number> {
  if (!deps.dbs.hasRegion(regionId)) return 0;
  const before = new Date(now.getTime() - OVERDUE_MS);
  const tenants = await deps.dbs.withTenant({ id: NO_TENANT, regionId }, (tx) =>
    selectOverdueTenants(tx, before, 200),
  );
  let queued = 0;
  for (const tenantId of tenants) {
    queued += await deps.dbs.withTenant({ id: tenantId, regionId }, async (tx) => {
      const ids = await requeueOverdueDeliveries(tx, before, now, 1000);
      for (const deliveryId of ids) await enqueueDeliveryJob(tx, { tenantId, deliveryId }, now);
      return ids.length;
    });
  }
  return queued;
}
