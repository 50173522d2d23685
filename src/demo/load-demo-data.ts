import { eq } from 'drizzle-orm';
import { tenants } from '../db/schema/control.js';
import { tenantProfiles } from '../db/schema/region.js';
import { createEntry } from '../features/entries/entries.service.js';
import { createList } from '../features/lists/lists.service.js';
import { createTenant } from '../features/tenants/tenants.service.js';
import type { AppDeps, TenantContext } from '../platform/context.js';
import { DEMO_TENANTS, type DemoTenant } from './demo-tenants.js';

/** Loads the demo workspaces once (skips those that exist). Returns the slugs it created. */
export async function loadDemoData(deps: AppDeps): Promise<string[]> {
  const created: string[] = [];
  for (const demo of DEMO_TENANTS) {
    const exists = await deps.dbs.control
      .select({ id: tenants.id })
      .from(tenants)
      .where(eq(tenants.slug, demo.slug));
    if (exists[0]) continue;
    await loadOne(deps, demo);
    created.push(demo.slug);
  }
  return created;
}

async function loadOne(deps: AppDeps, demo: DemoTenant): Promise<void> {
  const { tenant, ownerId } = await createTenant(deps, {
    slug: demo.slug,
    name: demo.name,
    regionId: demo.regionId,
    owner: { email: demo.ownerEmail, name: 'Demo owner', password: demo.ownerPassword },
  });
  const ctx: TenantContext = {
    tenant,
    actor: { type: 'user', id: ownerId, userId: ownerId },
    role: 'owner',
    requestId: null,
  };
  if (demo.profile) {
    await deps.dbs.withTenant(tenant, (tx) =>
      tx.update(tenantProfiles).set(demo.profile!).where(eq(tenantProfiles.tenantId, tenant.id)),
    );
  }
  // An entity exists once per tenant, however many entries use it.
  const entityIds = new Map<string, string>();
  for (const l of demo.lists) {
    const list = await createList(deps, ctx, l.meta);
    for (const r of l.records) {
      const known = entityIds.get(r.legalName);
      const entry = await createEntry(deps, ctx, list.id, {
        ...(known ? { entityId: known } : {}),
        entity: known
          ? undefined
          : {
              legalName: r.legalName,
              tradingNames: r.tradingNames,
              formerNames: r.formerNames,
              kind: r.type,
              corporateCountry: null,
              website: null,
              parentId: null,
            },
        group: r.group,
        purpose: r.purpose,
        dataCategories: r.dataCategories,
        dataCategoryTags: [],
        dataSubjects: [],
        locations: r.locations,
        transferMechanism: null,
        optional: /^optional\b/i.test(r.purpose ?? ''),
      });
      entityIds.set(r.legalName, entry.entity.id);
    }
  }
}
