import type { AppDeps } from '../app/deps.js';
import { loadConfig } from '../platform/config.js';
import { createMetrics } from '../platform/metrics.js';
import { buildApp } from './app.js';

/**
 * The OpenAPI document exactly as the server serves it at /api/openapi.json, built from the
 * route schemas alone: no database is opened (routes only read their deps when called).
 */
export async function servedOpenApiDocument(): Promise<Record<string, unknown>> {
  const deps = {
    config: { ...loadConfig({ DATA_DIR: '/nonexistent', LOG_LEVEL: 'silent' }), embedded: false },
    dbs: { poolStats: () => [] },
    directory: {},
    metrics: createMetrics(),
  } as unknown as AppDeps;
  const app = await buildApp(deps, { logger: false });
  try {
    const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    return res.json();
  } finally {
    await app.close();
  }
}

/** Keys sorted at every depth (arrays keep their order), 2-space JSON, one final newline. */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  return value;
}
