import type { TenantRecord } from '../../platform/context.js';
import { eq } from 'drizzle-orm';
import type { ControlDb } from '../../db/databases.js';
import { tenants } from '../../db/schema/control.js';

const TTL_MS = 5_000;

/**
 * tenant slug -> tenant (and its region). Cached briefly: the directory changes only on
 * sign-up, suspension and region moves, and every request needs it.
 */
export class TenantDirectory {
  private cache = new Map<string, { at: number; value: TenantRecord | null }>();
  private generation = 0;

  constructor(private readonly control: ControlDb) {}

  private asking = new Map<string, Promise<TenantRecord | null>>();

  /** One query at a time per slug: when an entry expires under load, one query refreshes it. */
  async bySlug(slug: string): Promise<TenantRecord | null> {
    const hit = this.cache.get(slug);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    // By generation: a request after a forget never joins a read from before it.
    const generation = this.generation;
    const key = `${generation}:${slug}`;
    let p = this.asking.get(key);
    if (!p) {
      p = this.control
        .select()
        .from(tenants)
        .where(eq(tenants.slug, slug))
        .limit(1)
        .then((rows) => {
          const value = (rows[0] as TenantRecord | undefined) ?? null;
          if (this.cache.size > 10_000) this.cache.clear();
          // Not when forgotten meanwhile: the row read may predate the change.
          if (generation === this.generation) this.cache.set(slug, { at: Date.now(), value });
          return value;
        })
        .finally(() => this.asking.delete(key));
      this.asking.set(key, p);
    }
    return p;
  }

  /** The cached entry if fresh, without a query (undefined: not known now). */
  cached(slug: string): TenantRecord | null | undefined {
    const hit = this.cache.get(slug);
    return hit && Date.now() - hit.at < TTL_MS ? hit.value : undefined;
  }

  async byId(id: string): Promise<TenantRecord | null> {
    const rows = await this.control.select().from(tenants).where(eq(tenants.id, id)).limit(1);
    return (rows[0] as TenantRecord | undefined) ?? null;
  }

  forget(slug: string): void {
    this.generation++;
    this.cache.delete(slug);
  }
}
