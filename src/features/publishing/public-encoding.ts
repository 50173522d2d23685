import type { Rendering } from './public-cache.js';

export type Encoding = 'br' | 'gzip';

/**
 * The precompressed form a client accepts (RFC 9110 Accept-Encoding with q-values), Brotli
 * before gzip when both are as welcome; null for the original bytes. Hostile or absurd headers
 * just get the original.
 */
export function chooseEncoding(header: string | string[] | undefined, r: Rendering): Encoding | null {
  if (!r.encoded || header === undefined) return null;
  const raw = Array.isArray(header) ? header.join(',') : header;
  if (raw.length > 1_000) return null;
  const q = new Map<string, number>();
  for (const part of raw.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/.exec(p);
      if (m) weight = Number(m[1]);
    }
    q.set(name === 'x-gzip' ? 'gzip' : name, weight);
  }
  const weightOf = (e: Encoding) => q.get(e) ?? q.get('*') ?? 0;
  const candidates = (['br', 'gzip'] as const)
    .filter((e) => r.encoded?.[e] && weightOf(e) > 0)
    .sort((a, b) => weightOf(b) - weightOf(a));
  return candidates[0] ?? null;
}

/** Each encoding is its own representation: its own strong ETag. */
export const encodedEtag = (etag: string, e: Encoding | null) => (e ? `${etag.slice(0, -1)}-${e}"` : etag);
