import client from 'prom-client';

/** Prometheus metrics of this process, served at /metrics. */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const httpDuration = new client.Histogram({
    name: 'subreg_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const auditEvents = new client.Counter({
    name: 'subreg_audit_events_total',
    help: 'Audit events written',
    registers: [registry],
  });
  return { registry, httpDuration, auditEvents };
}

export type Metrics = ReturnType<typeof createMetrics>;
