import type { FastifyInstance } from 'fastify';

const HSTS = 'max-age=31536000; includeSubDomains';
/** JSON needs no resources and no framing. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Headers every response carries: no MIME sniffing, no framing, HSTS once served over HTTPS. */
export function registerSecurityHeaders(app: FastifyInstance, opts: { hsts: boolean }): void {
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    if (opts.hsts) reply.header('strict-transport-security', HSTS);
    return payload;
  });
}

/**
 * Inside /api/v1: answers are private (a workspace's data, a new token, a session's CSRF token),
 * so no cache may keep them, shared or not.
 */
export function registerApiHeaders(api: FastifyInstance): void {
  api.addHook('onSend', async (_req, reply, payload) => {
    reply.header('cache-control', 'private, no-store');
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', API_CSP);
    return payload;
  });
}

/**
 * Swagger UI's own CSP (hashes of its inline scripts, from @fastify/swagger-ui), made
 * stricter: never framed, and no upgrade-insecure-requests (it breaks plain-HTTP deployments on
 * a LAN; HSTS does that job where HTTPS is on).
 */
export function docsCsp(header: string): string {
  return header
    .replace(/frame-ancestors [^;]*;?/, "frame-ancestors 'none';")
    .replace(/\s*upgrade-insecure-requests;?/, '')
    .trim();
}
