import { eq } from 'drizzle-orm';
import type { ControlDb } from '../../db/databases.js';
import { tenants } from '../../db/schema/control.js';

export interface TenantRecord {
  id: string;
  slug: string;
  name: string;
  regionId: string;
  status: 'active' | 'moving' | 'suspended';
}

const TTL_MS = 5_000;

/**
 * tenant slug -> tenant (and its region). Cached briefly: the directory changes only on
 * sign-up, suspension and region moves, and every request needs it.
 */
export class TenantDirectory {
  private cache = new Map<string, { at: number; value: TenantRecord | null }>();

  constructor(private readonly control: ControlDb) {}

  async bySlug(slug: string): Promise<TenantRecord | null> {
    const hit = this.cache.get(slug);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    const rows = await this.control.select().from(tenants).where(eq(tenants.slug, slug)).limit(1);
    const value = (rows[0] as TenantRecord | undefined) ?? null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(slug, { at: Date.now(), value });
    return value;
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
    this.cache.delete(slug);
  }
}
