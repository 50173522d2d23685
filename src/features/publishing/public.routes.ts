import fs from 'node:fs';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../platform/context.js';
import { AppError, notFound } from '../../platform/errors.js';
import { renderTenantPage } from '../trust-page/index.js';
import { JSON_SCHEMA_PATH } from './exports/json-export.js';
import { PublicCache, type Rendering } from './public-cache.js';
import { type ListFormat, renderFormat } from './public-render.js';
import {
  currentPublicVersion,
  loadPublicListView,
  loadPublicTenantView,
  publicTenant,
} from './public-read.js';
import type { ListFilters } from './public-view.js';
import { publicRouteOptions as route } from './public.schemas.js';

const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'public, max-age=0, s-maxage=30, must-revalidate';

const IMMUTABLE_FORMATS = new Set<ListFormat>(['json', 'csv', 'xlsx', 'pdf']);
const EXPORTS: Record<string, ListFormat> = { json: 'json', csv: 'csv', xlsx: 'xlsx', pdf: 'pdf' };
const FEEDS: Record<string, ListFormat> = {
  'feed.atom': 'atom',
  'feed.rss': 'rss',
  'feed.json': 'feed-json',
};

const filtersSchema = z.object({
  type: z
    .enum(['affiliate', 'infrastructure', 'third_party'], {
      message: 'type must be affiliate, infrastructure or third_party',
    })
    .optional(),
  group: z.string().max(200).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'country must be an ISO 3166-1 alpha-2 code such as DE')
    .optional(),
  q: z.string().max(100, 'q must be at most 100 characters').optional(),
});

const schemaFile = path.resolve(import.meta.dirname, '../../../schemas/list-version-v1.json');

/**
 * The public trust page, exports and feeds: no authentication, only lists whose visibility is
 * public or unlisted, and only published versions. Renderings are cached in memory and carry
 * strong ETags; past versions are immutable for HTTP caches too.
 */
export const publicRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    // Shared with publishing (through deps), so a publish in this process shows at once.
    deps.publicCache ??= new PublicCache();
    const cache = deps.publicCache;
    const baseUrl = (req: FastifyRequest) =>
      deps.config.publicBaseUrl.replace(/\/$/, '') || `${req.protocol}://${req.host}`;

    const tenantOr404 = async (slug: string) => {
      const t = await publicTenant(deps, slug);
      if (!t) throw notFound('page', 'PAGE_NOT_FOUND');
      return t;
    };

    /** Which version is current: from the cache for a few seconds, else one indexed query. */
    const current = async (
      tenantId: string,
      tenant: Parameters<typeof loadPublicListView>[1],
      listSlug: string,
    ) => {
      const hit = cache.latest(tenantId, listSlug);
      if (hit) return hit;
      const found = await currentPublicVersion(deps, tenant, listSlug);
      if (found) cache.setLatest(tenantId, listSlug, found);
      return found;
    };

    const serve = async (
      req: FastifyRequest,
      reply: FastifyReply,
      tenantSlug: string,
      listSlug: string,
      number: number | null,
      format: ListFormat,
      filters: ListFilters,
    ) => {
      const tenant = await tenantOr404(tenantSlug);
      const latest = await current(tenant.id, tenant, listSlug);
      if (!latest || (number !== null && number > latest.number)) throw notFound('page', 'PAGE_NOT_FOUND');
      const shown = number ?? latest.number;
      const viewKey = `${tenant.id}:${listSlug}:${shown}:${latest.number}:${baseUrl(req)}`;
      const key = `${viewKey}:${format}:${JSON.stringify(filters)}`;
      let r: Rendering | undefined = cache.get(key);
      if (!r) {
        type Loaded = Awaited<ReturnType<typeof loadPublicListView>>;
        let loaded = cache.view<Loaded>(viewKey);
        if (!loaded) {
          loaded = await loadPublicListView(deps, tenant, listSlug, shown, baseUrl(req));
          if (!loaded) throw notFound('page', 'PAGE_NOT_FOUND');
          cache.setView(viewKey, loaded);
        }
        r = await renderFormat(format, loaded.view, loaded.previous, filters);
        cache.set(key, r);
      }
      // A superseded version's files (JSON, CSV, XLSX, PDF) never change again: immutable. Its
      // HTML page names the current version and the later history, so it revalidates (a 304
      // from memory); current pages and feeds change when a version is published.
      const immutable = number !== null && number < latest.number && IMMUTABLE_FORMATS.has(format);
      return send(req, reply, r, immutable ? IMMUTABLE : REVALIDATE, downloadName(listSlug, shown, format));
    };

    app.get('/t/:tenant', route.trustPage, async (req, reply) => {
      const { tenant: slug } = req.params;
      const tenant = await tenantOr404(slug);
      const view = await loadPublicTenantView(deps, tenant, baseUrl(req));
      const r = await renderTenant(view);
      return send(req, reply, r, REVALIDATE, null);
    });

    app.get('/t/:tenant/:listFile', route.listFile, async (req, reply) => {
      const { tenant, listFile } = req.params;
      const [listSlug, ext] = splitExt(listFile);
      if (ext !== null && !EXPORTS[ext]) throw notFound('page', 'PAGE_NOT_FOUND');
      const filters = ext === null ? parseFilters(req.query) : {};
      return serve(req, reply, tenant, listSlug, null, ext ? (EXPORTS[ext] as ListFormat) : 'html', filters);
    });

    app.get('/t/:tenant/:list/versions/:versionFile', route.versionFile, async (req, reply) => {
      const { tenant, list, versionFile } = req.params;
      const [n, ext] = splitExt(versionFile);
      if (!/^[1-9]\d{0,6}$/.test(n) || (ext !== null && !EXPORTS[ext]))
        throw notFound('page', 'PAGE_NOT_FOUND');
      const filters = ext === null ? parseFilters(req.query) : {};
      return serve(
        req,
        reply,
        tenant,
        list,
        Number(n),
        ext ? (EXPORTS[ext] as ListFormat) : 'version-html',
        filters,
      );
    });

    app.get('/t/:tenant/:list/:feedFile', route.feedFile, async (req, reply) => {
      const { tenant, list, feedFile } = req.params;
      const format = FEEDS[feedFile];
      if (!format) throw notFound('page', 'PAGE_NOT_FOUND');
      return serve(req, reply, tenant, list, null, format, {});
    });

    app.post('/t/:tenant/:list/subscribe', route.subscribe, async (_req, reply) => {
      reply.header('content-security-policy', CSP);
      return reply
        .code(501)
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Subscriptions are coming</title></head><body><main><h1>Subscriptions are not open yet</h1><p>Email notices of changes arrive with the next release of this service. Until then, follow the list with its Atom, RSS or JSON feed.</p></main></body></html>',
        );
    });

    app.get(JSON_SCHEMA_PATH, route.jsonSchema, async (_req, reply) =>
      reply
        .header('cache-control', 'public, max-age=86400')
        .type('application/schema+json')
        .send(fs.readFileSync(schemaFile, 'utf8')),
    );
  };

async function renderTenant(view: Parameters<typeof renderTenantPage>[0]): Promise<Rendering> {
  const { createHash } = await import('node:crypto');
  const body = Buffer.from(renderTenantPage(view));
  return {
    body,
    contentType: 'text/html; charset=utf-8',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`,
  };
}

function send(
  req: FastifyRequest,
  reply: FastifyReply,
  r: Rendering,
  cacheControl: string,
  fileName: string | null,
) {
  reply
    .header('etag', r.etag)
    .header('cache-control', cacheControl)
    .header('x-content-type-options', 'nosniff');
  if (r.contentType.startsWith('text/html'))
    reply.header('content-security-policy', CSP).header('referrer-policy', 'no-referrer');
  if (fileName) reply.header('content-disposition', `attachment; filename="${fileName}"`);
  const inm = req.headers['if-none-match'];
  if (inm?.split(',').some((t) => t.trim() === r.etag || t.trim() === `W/${r.etag}`))
    return reply.code(304).send();
  return reply.type(r.contentType).send(r.body);
}

function splitExt(file: string): [string, string | null] {
  const dot = file.lastIndexOf('.');
  return dot > 0 ? [file.slice(0, dot), file.slice(dot + 1)] : [file, null];
}

function downloadName(listSlug: string, n: number, format: ListFormat): string | null {
  const ext = { csv: 'csv', xlsx: 'xlsx', pdf: 'pdf' }[format as string];
  return ext ? `${listSlug}-v${n}.${ext}` : null;
}

function parseFilters(query: unknown): ListFilters {
  // A form sends every field; an empty one ("All types") means no filter.
  const present = Object.fromEntries(
    Object.entries((query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== ''),
  );
  const parsed = filtersSchema.safeParse(present);
  if (!parsed.success) {
    throw new AppError(400, 'FILTER_INVALID', parsed.error.issues.map((i) => i.message).join('; '));
  }
  const f = parsed.data;
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '')) as ListFilters;
}
