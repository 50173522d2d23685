import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { clientRequestIdOf, newRequestId } from '../../http/request-id.js';
import type { AppDeps } from '../../app/deps.js';
import type { Rendering } from './public-cache.js';
import { chooseEncoding } from './public-encoding.js';
import {
  type PublicAnswer,
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

type Latest = { number: number; listId: string };

/** The answer to a request for a rendering, through `publicAnswer` (the routes' own function). */
function answerFor(
  r: Rendering,
  acceptEncoding: string | string[] | undefined,
  ifNoneMatch: string | undefined,
  listSlug: string,
  latest: Latest,
  tenantId: string,
  format: string,
) {
  const a = publicAnswer(
    r,
    { acceptEncoding, ifNoneMatch },
    {
      cacheControl: REVALIDATE,
      fileName: downloadName(listSlug, latest.number, format),
      tags: [tenantTag(tenantId), listTag(tenantId, latest.listId)],
    },
  );
  a.headers['x-frame-options'] = 'DENY';
  if (a.body) a.headers['content-length'] = String(a.body.length);
  return a;
}

/**
 * A rendering's full answer without If-None-Match depends only on the encoding chosen: worked
 * out once per rendering and encoding, and kept with the rendering (gone when it is evicted).
 */
const prepared = new WeakMap<Rendering, Map<string, PublicAnswer>>();

function preparedAnswer(
  r: Rendering,
  acceptEncoding: string | string[] | undefined,
  listSlug: string,
  latest: Latest,
  tenantId: string,
  format: string,
): PublicAnswer {
  const encoding = chooseEncoding(acceptEncoding, r) ?? 'identity';
  let byEncoding = prepared.get(r);
  if (!byEncoding) {
    byEncoding = new Map();
    prepared.set(r, byEncoding);
  }
  let a = byEncoding.get(encoding);
  if (!a) {
    a = answerFor(r, encoding, undefined, listSlug, latest, tenantId, format);
    byEncoding.set(encoding, a);
  }
  return a;
}

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
  // The histogram's children for the fast path's few label sets, looked up once.
  const children = new Map<string, ReturnType<typeof deps.metrics.httpDuration.labels>>();
  const durationOf = (feed: boolean, status: number) => {
    const key = `${feed}${status}`;
    let child = children.get(key);
    if (!child) {
      child = deps.metrics.httpDuration.labels(
        'GET',
        feed ? '/t/:tenant/:list/:feedFile' : '/t/:tenant/:listFile',
        String(status),
      );
      children.set(key, child);
    }
    return child;
  };
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
    const ifNoneMatch = req.headers['if-none-match'];
    const a =
      ifNoneMatch === undefined
        ? preparedAnswer(r, req.headers['accept-encoding'], listSlug, latest, tenant.id, format)
        : answerFor(r, req.headers['accept-encoding'], ifNoneMatch, listSlug, latest, tenant.id, format);
    const headers: Record<string, string | number> = { ...a.headers, 'x-request-id': newRequestId() };
    const clientId = clientRequestIdOf(req);
    if (clientId) headers['x-client-request-id'] = clientId;
    if (opts.hsts) headers['strict-transport-security'] = HSTS;
    res.writeHead(a.status, headers);
    res.end(a.body ?? undefined);
    fastPathStats.hits++;
    durationOf(feed !== undefined, a.status).observe(Number(process.hrtime.bigint() - started) / 1e9);
    return true;
  };
  app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (answer(req, res)) return;
    for (const l of fastify) l.call(app.server, req, res);
  });
}
