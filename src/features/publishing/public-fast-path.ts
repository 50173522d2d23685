import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { clientRequestIdOf, newRequestId } from '../../http/request-id.js';
import type { AppDeps } from '../../platform/context.js';
import {
  REVALIDATE,
  downloadName,
  listTag,
  publicAnswer,
  renderingKeys,
  tenantTag,
} from './public-response.js';

const PAGE = /^\/t\/([a-z0-9-]{1,48})\/([a-z0-9-]{1,64})(?:\.(json|csv|xlsx|pdf)|\/feed\.(atom|rss|json))?$/;
const FEED_FORMATS: Record<string, string> = { atom: 'atom', rss: 'rss', json: 'feed-json' };
const HSTS = 'max-age=31536000; includeSubDomains';

/** How many answers the fast path gave (tests check that it is used). */
export const fastPathStats = { hits: 0 };

/**
 * The current version of a public list, its exports and feeds, answered straight from the
 * rendering cache when everything is already in memory (tenant, current version, rendering):
 * no routing, hooks or serialisation, so a page costs about what a static file server's does.
 * Anything else (a query string, a miss, a refused connection, another method) goes to Fastify,
 * which answers through the same `publicAnswer`, so the bytes and headers are the same.
 * Not logged per request (Fastify's request log is off the hot path); counted in the metrics.
 */
export function installPublicFastPath(
  app: FastifyInstance,
  deps: AppDeps,
  opts: { hsts: boolean; isRefused: (socket: Socket) => boolean },
): void {
  const base = deps.config.publicBaseUrl.replace(/\/$/, '');
  if (!base) return; // renderings then depend on the request's host: leave them to the routes
  const fastify = app.server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  app.server.removeAllListeners('request');
  const answer = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET' || !req.url?.startsWith('/t/')) return false;
    const m = PAGE.exec(req.url);
    const cache = deps.publicCache;
    if (!m || !cache || opts.isRefused(req.socket)) return false;
    const [, tenantSlug, listSlug, ext, feed] = m as unknown as [string, string, string, string?, string?];
    const tenant = deps.directory.cached(tenantSlug);
    if (!tenant || tenant.status === 'suspended') return false;
    const latest = cache.latest(tenant.id, listSlug);
    if (!latest) return false;
    const format = feed ? FEED_FORMATS[feed]! : (ext ?? 'html');
    const { key } = renderingKeys(tenant.id, listSlug, latest.number, latest.number, base, format, {});
    const r = cache.get(key);
    if (!r) return false;
    const started = process.hrtime.bigint();
    const a = publicAnswer(
      r,
      { acceptEncoding: req.headers['accept-encoding'], ifNoneMatch: req.headers['if-none-match'] },
      {
        cacheControl: REVALIDATE,
        fileName: downloadName(listSlug, latest.number, format),
        tags: [tenantTag(tenant.id), listTag(tenant.id, latest.listId)],
      },
    );
    const headers: Record<string, string | number> = {
      ...a.headers,
      'x-request-id': newRequestId(),
      'x-frame-options': 'DENY',
    };
    const clientId = clientRequestIdOf(req);
    if (clientId) headers['x-client-request-id'] = clientId;
    if (opts.hsts) headers['strict-transport-security'] = HSTS;
    if (a.body) headers['content-length'] = a.body.length;
    res.writeHead(a.status, headers);
    res.end(a.body ?? undefined);
    fastPathStats.hits++;
    deps.metrics.httpDuration
      .labels('GET', feed ? '/t/:tenant/:list/:feedFile' : '/t/:tenant/:listFile', String(a.status))
      .observe(Number(process.hrtime.bigint() - started) / 1e9);
    return true;
  };
  app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (answer(req, res)) return;
    for (const l of fastify) l.call(app.server, req, res);
  });
}
