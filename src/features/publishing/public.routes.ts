import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../../app/deps.js';
import { AppError, notFound } from '../../platform/errors.js';
import { listPageCount, renderTenantPage } from '../trust-page/index.js';
import { JSON_SCHEMA_PATH } from './exports/json-export.js';
import { PublicCache, type Rendering } from './public-cache.js';
import {
  IMMUTABLE,
  downloadName,
  REVALIDATE,
  listTag,
  publicAnswer,
  renderingKeys,
  tenantTag,
} from './public-response.js';
import { type ListFormat, precompress, renderFormat } from './public-render.js';
import {
  currentPublicVersion,
  loadPublicListView,
  loadPublicTenantView,
  publicTenant,
} from './public-read.js';
import type { ListFilters } from '../../domain/public-view.js';
import { publicRouteOptions as route } from './public.schemas.js';

// What is answered for a list that is not public (404s included) may be kept by no cache at all.
const NO_STORE = 'no-store';
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
  page: z.coerce
    .number({ message: 'page must be a whole number from 1 to 10000' })
    .int('page must be a whole number from 1 to 10000')
    .min(1, 'page must be a whole number from 1 to 10000')
    .max(10_000, 'page must be a whole number from 1 to 10000')
    .optional(),
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
    app.addHook('onSend', async (_req, reply, payload) => {
      if (reply.statusCode >= 400) reply.header('cache-control', NO_STORE);
      return payload;
    });
    const baseUrl = (req: FastifyRequest) =>
      deps.config.publicBaseUrl.replace(/\/$/, '') || `${req.protocol}://${req.host}`;

    const tenantOr404 = async (slug: string) => {
      const t = await publicTenant(deps, slug);
      if (!t) throw notFound('page', 'PAGE_NOT_FOUND');
      return t;
    };

    /**
     * Which version is current: from the cache for a few seconds, else one indexed query, one
     * at a time per list (when the few seconds end under load, one query, not one per request).
     */
    const asking = new Map<string, Promise<{ number: number; listId: string } | null>>();
    const current = (
      tenantId: string,
      tenant: Parameters<typeof loadPublicListView>[1],
      listSlug: string,
    ): Promise<{ number: number; listId: string } | null> => {
      const hit = cache.latest(tenantId, listSlug);
      if (hit) return Promise.resolve(hit);
      // By epoch: a request after a forget (list made private) never joins a read from before it.
      const epoch = cache.epoch;
      const k = `${tenantId}:${listSlug}:${epoch}`;
      let p = asking.get(k);
      if (!p) {
        p = currentPublicVersion(deps, tenant, listSlug)
          .then((found) => {
            if (found) cache.setLatest(tenantId, listSlug, found, Date.now(), epoch);
            return found;
          })
          .finally(() => asking.delete(k));
        asking.set(k, p);
      }
      return p;
    };

    // Requests for a rendering that is being made wait for it rather than each making their own.
    const making = new Map<string, Promise<Rendering>>();
    const renderOnce = (
      key: string,
      view: Parameters<typeof renderFormat>[1],
      previous: Parameters<typeof renderFormat>[2],
      format: ListFormat,
      filters: ListFilters,
    ): Promise<Rendering> => {
      let p = making.get(key);
      if (!p) {
        p = renderFormat(format, view, previous, filters)
          .then((r) => {
            cache.set(key, r);
            return r;
          })
          .finally(() => making.delete(key));
        making.set(key, p);
      }
      return p;
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
      const { viewKey, key } = renderingKeys(
        tenant.id,
        listSlug,
        shown,
        latest.number,
        baseUrl(req),
        format,
        filters,
      );
      let r: Rendering | undefined = cache.get(key);
      if (!r) {
        type Loaded = Awaited<ReturnType<typeof loadPublicListView>>;
        let loaded = cache.view<Loaded>(viewKey);
        if (!loaded) {
          loaded = await loadPublicListView(deps, tenant, listSlug, shown, baseUrl(req));
          if (!loaded) throw notFound('page', 'PAGE_NOT_FOUND');
          cache.setView(viewKey, loaded);
        }
        if (filters.page && filters.page > listPageCount(loaded.view, filters))
          throw notFound('page', 'PAGE_NOT_FOUND');
        r = await renderOnce(key, loaded.view, loaded.previous, format, filters);
      }
      // A superseded version's files (JSON, CSV, XLSX, PDF) never change again: immutable. Its
      // HTML page names the current version and the later history, so it revalidates (a 304
      // from memory); current pages and feeds change when a version is published.
      const immutable = number !== null && number < latest.number && IMMUTABLE_FORMATS.has(format);
      return send(req, reply, r, {
        cacheControl: immutable ? IMMUTABLE : REVALIDATE,
        fileName: downloadName(listSlug, shown, format),
        tags: [tenantTag(tenant.id), listTag(tenant.id, latest.listId)],
      });
    };

    app.get('/t/:tenant', route.trustPage, async (req, reply) => {
      const { tenant: slug } = req.params;
      const tenant = await tenantOr404(slug);
      const view = await loadPublicTenantView(deps, tenant, baseUrl(req));
      const r = await renderTenant(view);
      return send(req, reply, r, { cacheControl: REVALIDATE, fileName: null, tags: [tenantTag(tenant.id)] });
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

    app.get(JSON_SCHEMA_PATH, route.jsonSchema, async (_req, reply) =>
      reply
        .header('cache-control', 'public, max-age=86400')
        .type('application/schema+json')
        .send(fs.readFileSync(schemaFile, 'utf8')),
    );
  };

/**
 * Compressed forms of tenant pages by their ETag: the page is rendered per request (its lists
 * change with every publish), but the same bytes are compressed once.
 */
const tenantPageEncodings = new Map<string, Rendering['encoded']>();
const MAX_TENANT_PAGES = 500;

async function renderTenant(view: Parameters<typeof renderTenantPage>[0]): Promise<Rendering> {
  const body = Buffer.from(renderTenantPage(view));
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
  let encoded = tenantPageEncodings.get(etag);
  if (!encoded) {
    encoded = await precompress(body);
    if (tenantPageEncodings.size >= MAX_TENANT_PAGES) tenantPageEncodings.clear();
    tenantPageEncodings.set(etag, encoded);
  }
  return { body, contentType: 'text/html; charset=utf-8', etag, encoded };
}

function send(
  req: FastifyRequest,
  reply: FastifyReply,
  r: Rendering,
  opts: Parameters<typeof publicAnswer>[2],
) {
  // Precompressed forms, chosen by Accept-Encoding; caches keep one copy per encoding.
  const a = publicAnswer(
    r,
    { acceptEncoding: req.headers['accept-encoding'], ifNoneMatch: req.headers['if-none-match'] },
    opts,
  );
  reply.headers(a.headers);
  return a.status === 304 ? reply.code(304).send() : reply.send(a.body);
}

function splitExt(file: string): [string, string | null] {
  const dot = file.lastIndexOf('.');
  return dot > 0 ? [file.slice(0, dot), file.slice(dot + 1)] : [file, null];
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
  // Page 1 is the list's own URL: the same rendering, the same cache entry.
  const f = { ...parsed.data, page: parsed.data.page === 1 ? undefined : parsed.data.page };
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '')) as ListFilters;
}
