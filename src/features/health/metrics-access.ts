import http from 'node:http';
import type { MetricsAccess } from '../../platform/config.js';
import { AppError } from '../../platform/errors.js';
import { safeEqual } from '../../platform/ids.js';
import type { Metrics } from '../../platform/metrics.js';

export const isLoopback = (address: string | undefined) =>
  !!address && (/^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address));

/** Headers a reverse proxy adds: such a request came from further away than loopback. */
const FORWARDED = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

/**
 * Who may read /metrics: with METRICS_TOKEN, whoever sends it as a bearer token; without, only
 * loopback addresses (a scraper on the same host), and not through a proxy on this host that
 * says it forwarded the request. Throws 401/403 problem+json otherwise.
 */
export function checkMetricsAccess(
  access: MetricsAccess,
  authorization: string | undefined,
  remoteAddress: string | undefined,
  headers: Record<string, unknown> = {},
): void {
  if (access.token) {
    const sent = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
    if (!safeEqual(sent, access.token))
      throw new AppError(
        401,
        'METRICS_TOKEN_REQUIRED',
        'Send the metrics token as Authorization: Bearer <METRICS_TOKEN>.',
      );
    return;
  }
  if (!isLoopback(remoteAddress) || FORWARDED.some((h) => headers[h] !== undefined)) {
    throw new AppError(
      403,
      'METRICS_LOOPBACK_ONLY',
      'Metrics are served to loopback addresses only. Set METRICS_TOKEN (bearer) or METRICS_PORT (a separate listener) to scrape from elsewhere.',
    );
  }
}

/**
 * METRICS_PORT: /metrics on a listener of its own (loopback unless METRICS_HOST says otherwise),
 * apart from the public port. The token, when set, is required there too.
 */
export async function startMetricsListener(
  access: MetricsAccess,
  metrics: Metrics,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    try {
      if (req.method !== 'GET' || path !== '/metrics')
        throw new AppError(404, 'ROUTE_NOT_FOUND', 'This listener serves GET /metrics only.');
      if (access.token) checkMetricsAccess(access, req.headers.authorization, '127.0.0.1');
      const body = await metrics.registry.metrics();
      res.writeHead(200, {
        'content-type': metrics.registry.contentType,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      res.end(body);
    } catch (err) {
      const e =
        err instanceof AppError ? err : new AppError(500, 'INTERNAL', 'Metrics could not be collected.');
      res.writeHead(e.status, {
        'content-type': 'application/problem+json',
        'x-content-type-options': 'nosniff',
      });
      res.end(JSON.stringify({ title: e.code, status: e.status, code: e.code, detail: e.message }));
    }
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(access.port ?? 0, access.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : (access.port ?? 0),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
