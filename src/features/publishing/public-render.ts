import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { renderListPage, renderVersionPage } from '../trust-page/index.js';
import { csvExport } from './exports/csv-export.js';
import { jsonExport } from './exports/json-export.js';
import { pdfExport } from './exports/pdf-export.js';
import { xlsxExport } from './exports/xlsx-export.js';
import { atomFeed, jsonFeed, rssFeed } from './feeds/feeds.js';
import type { Rendering } from './public-cache.js';
import type { ListFilters, PublicListView, PublishedVersion } from '../../domain/public-view.js';

export type ListFormat =
  | 'html'
  | 'version-html'
  | 'json'
  | 'csv'
  | 'xlsx'
  | 'pdf'
  | 'atom'
  | 'rss'
  | 'feed-json';

export const CONTENT_TYPES: Record<ListFormat, string> = {
  html: 'text/html; charset=utf-8',
  'version-html': 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
  atom: 'application/atom+xml; charset=utf-8',
  rss: 'application/rss+xml; charset=utf-8',
  'feed-json': 'application/feed+json; charset=utf-8',
};

/** Renders one format of one version: a pure function of the (immutable) view. */
export async function renderFormat(
  format: ListFormat,
  view: PublicListView,
  previous: PublishedVersion | null,
  filters: ListFilters,
): Promise<Rendering> {
  let body: Buffer;
  // Files show a version as of its publication, never what came later: a past version's
  // exports are then the same bytes for ever (and immutable for HTTP caches).
  const asPublished = { ...view, history: view.history.filter((h) => h.number <= view.version.number) };
  switch (format) {
    case 'html':
      body = Buffer.from(renderListPage(view, filters));
      break;
    case 'version-html':
      body = Buffer.from(renderVersionPage(view, previous, filters));
      break;
    case 'json':
      body = jsonExport(asPublished);
      break;
    case 'csv':
      body = csvExport(asPublished);
      break;
    case 'xlsx':
      body = await xlsxExport(asPublished);
      break;
    case 'pdf':
      body = await pdfExport(asPublished);
      break;
    case 'atom':
      body = atomFeed(view);
      break;
    case 'rss':
      body = rssFeed(view);
      break;
    case 'feed-json':
      body = jsonFeed(view);
      break;
  }
  // A strong validator: the same bytes give the same tag, in every process.
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
  const encoded = COMPRESSIBLE.has(format) ? await precompress(body) : {};
  return { body, contentType: CONTENT_TYPES[format], etag, encoded };
}

/** Text formats; XLSX is a zip already and PDF streams are deflated. */
const COMPRESSIBLE = new Set<ListFormat>(['html', 'version-html', 'json', 'csv', 'atom', 'rss', 'feed-json']);
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * Brotli and gzip of a rendering, made once (off the main thread) and kept with it, so that
 * serving a page compressed costs no compression. Only what is smaller than the original.
 */
export async function precompress(body: Buffer): Promise<{ br?: Buffer; gzip?: Buffer }> {
  if (body.length < 512) return {};
  const [br, gz] = await Promise.all([
    brotli(body, {
      params: {
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
    gzip(body, { level: 9 }),
  ]);
  return { ...(br.length < body.length && { br }), ...(gz.length < body.length && { gzip: gz }) };
}
const BROTLI_QUALITY = 10;
