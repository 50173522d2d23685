import { processMetrics } from '../../platform/metrics.js';

/**
 * In-memory cache of public renderings. A published version never changes, so a rendering of
 * (tenant, list, version, format, filters) is valid forever; the only question a current page
 * asks is "which version is current?", answered from `latest` for a few seconds and otherwise
 * by one indexed query. Publishing in this process updates `latest` at once; other processes
 * see the new version within LATEST_TTL_MS. A list that stops being public (visibility, slug,
 * deletion) is forgotten at once here and, through NOTIFY on the directory channel, in every
 * listening process (public-invalidation.ts); LATEST_TTL_MS bounds a listener that reconnects.
 */
export const LATEST_TTL_MS = 5_000;
const MAX_ENTRIES = 2_000;
const MAX_BYTES = 64 * 1024 * 1024;
const MAX_VIEWS = 200;

export interface Rendering {
  body: Buffer;
  contentType: string;
  etag: string;
  /** the same bytes compressed, made with the rendering (public-render.ts) */
  encoded?: { br?: Buffer; gzip?: Buffer };
}

/** What a rendering holds in memory, compressed forms included. */
const sizeOf = (r: Rendering) =>
  r.body.length + (r.encoded?.br?.length ?? 0) + (r.encoded?.gzip?.length ?? 0);

export class PublicCache {
  private latestBySlug = new Map<string, { number: number; listId: string; at: number }>();
  private renderings = new Map<string, Rendering>();
  private views = new Map<string, unknown>();
  private bytes = 0;
  /**
   * Bumped by every forget: a `latest` read from the database before a forget must not be
   * stored after it (the read may have seen the list still public).
   */
  epoch = 0;

  /** The current version of a public list, by slug, if known for less than LATEST_TTL_MS. */
  latest(tenantId: string, listSlug: string, now = Date.now()): { number: number; listId: string } | null {
    const hit = this.latestBySlug.get(`${tenantId}:${listSlug}`);
    return hit && now - hit.at < LATEST_TTL_MS ? hit : null;
  }

  setLatest(
    tenantId: string,
    listSlug: string,
    value: { number: number; listId: string },
    now = Date.now(),
    readAtEpoch = this.epoch,
  ): void {
    if (readAtEpoch !== this.epoch) return;
    if (this.latestBySlug.size > MAX_ENTRIES * 5) this.latestBySlug.clear();
    this.latestBySlug.set(`${tenantId}:${listSlug}`, { ...value, at: now });
  }

  /** Called after a publish in this process: the new version shows at once. */
  published(tenantId: string, listSlug: string, listId: string, number: number): void {
    this.setLatest(tenantId, listSlug, { number, listId });
  }

  /**
   * Loaded views (one version of one list, as of one latest version), so that renderings with
   * new filters or formats cost rendering only, not another round of queries.
   */
  view<T>(key: string): T | undefined {
    const hit = this.views.get(key);
    if (hit !== undefined) {
      this.views.delete(key);
      this.views.set(key, hit);
    }
    return hit as T | undefined;
  }

  setView(key: string, value: unknown): void {
    this.views.set(key, value);
    for (const k of this.views.keys()) {
      if (this.views.size <= MAX_VIEWS) break;
      this.views.delete(k);
    }
  }

  /** Drops everything cached for one list slug of a tenant (it may no longer be public). */
  forgetList(tenantId: string, listSlug: string): void {
    this.forgetWhere((k) => k === `${tenantId}:${listSlug}` || k.startsWith(`${tenantId}:${listSlug}:`));
  }

  /** Drops everything cached for a tenant (its directory entry changed, e.g. a region move). */
  forgetTenant(tenantId: string): void {
    this.forgetWhere((k) => k.startsWith(`${tenantId}:`));
  }

  private forgetWhere(mine: (key: string) => boolean): void {
    this.epoch++;
    for (const k of [...this.latestBySlug.keys()]) if (mine(k)) this.latestBySlug.delete(k);
    for (const k of [...this.views.keys()]) if (mine(k)) this.views.delete(k);
    for (const [k, v] of [...this.renderings]) {
      if (!mine(k)) continue;
      this.renderings.delete(k);
      this.bytes -= sizeOf(v);
    }
  }

  get(key: string): Rendering | undefined {
    const hit = this.renderings.get(key);
    processMetrics.publicCacheLookups.inc({ result: hit ? 'hit' : 'miss' });
    if (hit) {
      // Least recently used goes first: re-insert to move to the end.
      this.renderings.delete(key);
      this.renderings.set(key, hit);
    }
    return hit;
  }

  set(key: string, r: Rendering): void {
    if (sizeOf(r) > MAX_BYTES / 8) return;
    const old = this.renderings.get(key);
    if (old) this.bytes -= sizeOf(old);
    this.renderings.set(key, r);
    this.bytes += sizeOf(r);
    for (const [k, v] of this.renderings) {
      if (this.renderings.size <= MAX_ENTRIES && this.bytes <= MAX_BYTES) break;
      this.renderings.delete(k);
      this.bytes -= sizeOf(v);
    }
  }
}
