import client from 'prom-client';

/** A pool's counters, as pg.Pool keeps them. */
export interface PoolStats {
  database: string;
  total: number;
  idle: number;
  waiting: number;
}

/** Jobs waiting in one queue of one region. */
export interface QueueStats {
  region: string;
  queue: string;
  /** created or retrying, due or not */
  depth: number;
  /** how long the oldest due job has waited; 0 when none is due */
  oldestAgeSeconds: number;
}

/**
 * Counted where no dependencies reach (the audit repo, the public rendering cache): one per
 * process, registered in every registry createMetrics makes.
 */
export const processMetrics = {
  auditEvents: new client.Counter({
    name: 'subreg_audit_events_total',
    help: "Audit events appended (each in its change's transaction)",
    registers: [],
  }),
  publicCacheLookups: new client.Counter({
    name: 'subreg_public_cache_lookups_total',
    help: 'Lookups of public renderings (pages, exports, feeds) in the in-memory cache, by result',
    labelNames: ['result'] as const,
    registers: [],
  }),
};

/** Prometheus metrics of this process, served at /metrics. */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  for (const m of Object.values(processMetrics)) registry.registerMetric(m);
  const httpDuration = new client.Histogram({
    name: 'subreg_http_request_duration_seconds',
    help: 'HTTP request duration by route template and status (its _count is requests by route and status)',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const slowBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
  const publishDuration = new client.Histogram({
    name: 'subreg_publish_duration_seconds',
    help: 'Publishing a version (snapshot, change set, insert, audit), successful or not',
    buckets: slowBuckets,
    registers: [registry],
  });
  const importDuration = new client.Histogram({
    name: 'subreg_import_duration_seconds',
    help: 'Imports by operation: create (read the file, store it, preview) and apply (change the draft)',
    labelNames: ['operation'] as const,
    buckets: slowBuckets,
    registers: [registry],
  });

  // Read on scrape from whatever the process wires in (pools always, jobs where they run).
  const sources: { pools: (() => PoolStats[]) | null; queues: (() => Promise<QueueStats[]>) | null } = {
    pools: null,
    queues: null,
  };
  new client.Gauge({
    name: 'subreg_db_pool_connections',
    help: 'Connections of each database pool: total (open), idle, and waiting (callers queued for one)',
    labelNames: ['database', 'state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const p of sources.pools?.() ?? []) {
        this.set({ database: p.database, state: 'total' }, p.total);
        this.set({ database: p.database, state: 'idle' }, p.idle);
        this.set({ database: p.database, state: 'waiting' }, p.waiting);
      }
    },
  });
  // Both queue gauges come from one query per region per scrape.
  let queueScrape: { at: number; stats: Promise<QueueStats[]> } | null = null;
  const queueStats = () => {
    if (!sources.queues) return Promise.resolve([]);
    if (!queueScrape || Date.now() - queueScrape.at > 1_000)
      queueScrape = { at: Date.now(), stats: sources.queues().catch(() => []) };
    return queueScrape.stats;
  };
  new client.Gauge({
    name: 'subreg_job_queue_depth',
    help: 'Jobs waiting (created or retrying) per region and queue',
    labelNames: ['region', 'queue'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const q of await queueStats()) this.set({ region: q.region, queue: q.queue }, q.depth);
    },
  });
  new client.Gauge({
    name: 'subreg_job_queue_oldest_age_seconds',
    help: 'How long the oldest due job of each region and queue has waited',
    labelNames: ['region', 'queue'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const q of await queueStats()) this.set({ region: q.region, queue: q.queue }, q.oldestAgeSeconds);
    },
  });

  return {
    registry,
    httpDuration,
    auditEvents: processMetrics.auditEvents,
    publishDuration,
    importDuration,
    /** pool counters of the databases this process uses */
    watchPools(read: () => PoolStats[]) {
      sources.pools = read;
    },
    /** queue statistics of the job system, where it runs in this process */
    watchQueues(read: () => Promise<QueueStats[]>) {
      sources.queues = read;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
