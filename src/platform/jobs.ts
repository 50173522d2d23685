import PgBoss from 'pg-boss';
import type { QueueStats } from './metrics.js';

export type JobHandler = (data: Record<string, unknown>) => Promise<void>;

/** The queue every region's worker answers: it proves the queue round-trips. */
export const HEARTBEAT_QUEUE = 'subreg.heartbeat';

/**
 * Background jobs: one pg-boss per region, in the region's own database (schema `pgboss`), so
 * a region's jobs live and move with its data. Later stages add their queues (notices,
 * webhooks, effective dates, region moves); `send` is what services call.
 */
export class Jobs {
  private bosses = new Map<string, PgBoss>();
  private handlers = new Map<string, JobHandler>();
  /** queues run on a cron schedule in every region, with `{ regionId }` as their data */
  private schedules = new Map<string, string>();
  /** jobs of a queue fetched and run together (concurrently), where more than one */
  private batchSizes = new Map<string, number>();
  readonly lastHeartbeat = new Map<string, Date>();

  constructor(
    private readonly regions: readonly { id: string; url: string }[],
    private readonly log: (msg: string) => void,
  ) {
    this.handlers.set(HEARTBEAT_QUEUE, async (data) => {
      this.lastHeartbeat.set(String(data.regionId), new Date());
    });
  }

  /**
   * Adds a queue's handler (with `cron`, also run periodically in every region; with
   * `batchSize`, that many jobs run at once, for handlers that mostly wait); call before start().
   */
  handle(queue: string, handler: JobHandler, opts: { cron?: string; batchSize?: number } = {}): void {
    this.handlers.set(queue, handler);
    if (opts.cron) this.schedules.set(queue, opts.cron);
    if (opts.batchSize) this.batchSizes.set(queue, opts.batchSize);
  }

  async start(opts: { work: boolean } = { work: true }): Promise<void> {
    for (const region of this.regions) {
      const boss = new PgBoss({
        connectionString: region.url,
        schema: 'pgboss',
        application_name: `subreg-jobs-${region.id}`,
        max: 3,
      });
      boss.on('error', (err) => this.log(`jobs (${region.id}): ${err.message}`));
      await boss.start();
      this.bosses.set(region.id, boss);
      for (const [queue, handler] of this.handlers) {
        await boss.createQueue(queue);
        if (opts.work) {
          const batchSize = this.batchSizes.get(queue) ?? 1;
          await boss.work<Record<string, unknown>>(
            queue,
            { pollingIntervalSeconds: 1, batchSize },
            async (jobs) => {
              await Promise.all(jobs.map((job) => handler(job.data ?? {})));
            },
          );
        }
      }
      if (opts.work) await boss.schedule(HEARTBEAT_QUEUE, '* * * * *', { regionId: region.id });
      if (opts.work)
        for (const [queue, cron] of this.schedules) await boss.schedule(queue, cron, { regionId: region.id });
    }
  }

  async send(regionId: string, queue: string, data: Record<string, unknown>): Promise<string | null> {
    const boss = this.bosses.get(regionId);
    if (!boss) throw new Error(`jobs are not running for region ${regionId}`);
    return boss.send(queue, data);
  }

  /**
   * Waiting jobs per region and queue, for /metrics. One query per region on pg-boss's index of
   * waiting jobs, capped in rows, so a backlog of millions costs a bounded scan.
   */
  async queueStats(): Promise<QueueStats[]> {
    const out: QueueStats[] = [];
    for (const [region, boss] of this.bosses) {
      const { rows } = await boss.getDb().executeSql(
        `select q.name as queue, count(w.start_after)::int as depth,
                coalesce(extract(epoch from now() - min(w.start_after) filter (where w.start_after <= now())), 0)::float8 as age
         from pgboss.queue q
         left join lateral (
           select j.start_after from pgboss.job j where j.name = q.name and j.state < 'active' limit 100000
         ) w on true
         group by q.name`,
        [],
      );
      for (const r of rows as { queue: string; depth: number; age: number }[])
        out.push({ region, queue: r.queue, depth: r.depth, oldestAgeSeconds: r.age });
    }
    return out;
  }

  get running(): boolean {
    return this.bosses.size > 0;
  }

  /** Graceful: stops fetching, lets running jobs finish (up to timeoutMs), then closes. */
  async stop(timeoutMs = 10_000): Promise<void> {
    const bosses = [...this.bosses.values()];
    this.bosses.clear();
    await Promise.all(bosses.map((b) => b.stop({ graceful: true, wait: true, timeout: timeoutMs })));
  }
}
