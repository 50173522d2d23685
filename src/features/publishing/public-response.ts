import type { Rendering } from './public-cache.js';
import { type Encoding, chooseEncoding, encodedEtag } from './public-encoding.js';

export const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
// Every use revalidates (a 304 from memory); a CDN may keep a copy only until it is told to purge
// the Surrogate-Key / Cache-Tag named below, which a visibility change or a publish should do.
export const REVALIDATE = 'public, max-age=0, must-revalidate';
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** CDN purge keys: everything public of a tenant, and everything of one of its lists. */
export const tenantTag = (tenantId: string) => `subreg-t-${tenantId}`;
export const listTag = (tenantId: string, listId: string) => `subreg-l-${tenantId}-${listId}`;

/** The cache key of one rendering (the routes and the fast path must agree on it). */
export const renderingKeys = (
  tenantId: string,
  listSlug: string,
  shown: number,
  latest: number,
  baseUrl: string,
  format: string,
  filters: object,
) => {
  const viewKey = `${tenantId}:${listSlug}:${shown}:${latest}:${baseUrl}`;
  return { viewKey, key: `${viewKey}:${format}:${JSON.stringify(filters)}` };
};

export interface PublicAnswer {
  status: 200 | 304;
  headers: Record<string, string>;
  body: Buffer | null;
}

/**
 * Status, headers and bytes of a public rendering for a request (Accept-Encoding,
 * If-None-Match): one function, so Fastify's route and the fast path answer alike.
 */
export function publicAnswer(
  r: Rendering,
  req: { acceptEncoding: string | string[] | undefined; ifNoneMatch: string | undefined },
  opts: { cacheControl: string; fileName: string | null; tags: string[] },
): PublicAnswer {
  const encoding: Encoding | null = chooseEncoding(req.acceptEncoding, r);
  const etag = encodedEtag(r.etag, encoding);
  const headers: Record<string, string> = {
    etag,
    'cache-control': opts.cacheControl,
    'x-content-type-options': 'nosniff',
  };
  if (r.encoded) headers.vary = 'Accept-Encoding';
  if (opts.tags.length) {
    headers['surrogate-key'] = opts.tags.join(' ');
    headers['cache-tag'] = opts.tags.join(',');
  }
  if (r.contentType.startsWith('text/html')) {
    headers['content-security-policy'] = CSP;
    headers['referrer-policy'] = 'no-referrer';
  }
  if (opts.fileName) headers['content-disposition'] = `attachment; filename="${opts.fileName}"`;
  const inm = req.ifNoneMatch;
  if (inm?.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}`))
    return { status: 304, headers, body: null };
  headers['content-type'] = r.contentType;
  if (encoding) headers['content-encoding'] = encoding;
  return { status: 200, headers, body: (encoding ? r.encoded?.[encoding] : undefined) ?? r.body };
}

/** The file name of a download (CSV, XLSX, PDF); other formats show in the browser. */
export function downloadName(listSlug: string, n: number, format: string): string | null {
  const ext = ({ csv: 'csv', xlsx: 'xlsx', pdf: 'pdf' } as Record<string, string>)[format];
  return ext ? `${listSlug}-v${n}.${ext}` : null;
}
