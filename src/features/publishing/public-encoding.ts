import type { Rendering } from './public-cache.js';

export type Encoding = 'br' | 'gzip';

/** The weights an Accept-Encoding header gives (what matters here: br, gzip and *). */
interface Weights {
  br: number;
  gzip: number;
}

/** Parsed headers by their text: clients send the same few (`gzip, deflate, br`), so parse once. */
const parsed = new Map<string, Weights>();
const MAX_PARSED = 256;

function weightsOf(raw: string): Weights {
  const hit = parsed.get(raw);
  if (hit) return hit;
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
  const any = q.get('*') ?? 0;
  const w = { br: q.get('br') ?? any, gzip: q.get('gzip') ?? any };
  if (parsed.size >= MAX_PARSED) parsed.clear();
  parsed.set(raw, w);
  return w;
}

/**
 * The precompressed form a client accepts (RFC 9110 Accept-Encoding with q-values), Brotli
 * before gzip when both are as welcome; null for the original bytes. Hostile or absurd headers
 * just get the original.
 */
export function chooseEncoding(header: string | string[] | undefined, r: Rendering): Encoding | null {
  if (!r.encoded || header === undefined) return null;
  const raw = Array.isArray(header) ? header.join(',') : header;
  if (raw.length > 1_000) return null;
  const w = weightsOf(raw);
  const br = r.encoded.br && w.br > 0 ? w.br : 0;
  const gzip = r.encoded.gzip && w.gzip > 0 ? w.gzip : 0;
  if (br === 0 && gzip === 0) return null;
  return br >= gzip ? 'br' : 'gzip';
}

/** Each encoding is its own representation: its own strong ETag. */
export const encodedEtag = (etag: string, e: Encoding | null) => (e ? `${etag.slice(0, -1)}-${e}"` : etag);
