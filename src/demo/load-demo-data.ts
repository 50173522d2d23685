import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { tenants } from '../db/schema/control.js';
import { tenantProfiles } from '../db/schema/region.js';
import { applyImport, createImport } from '../features/imports/imports.service.js';
import { publishList } from '../features/publishing/versions.service.js';
import { createList } from '../features/lists/lists.service.js';
import { createTenant } from '../features/tenants/tenants.service.js';
import type { AppDeps } from '../app/deps.js';
import type { TenantContext } from '../platform/context.js';
import { DEMO_TENANTS, type DemoTenant, demoDocument } from './demo-tenants.js';

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
  for (const l of demo.lists) {
    const list = await createList(deps, ctx, l.meta);
    const bytes = await readFile(demoDocument(l.document));
    const imported = await createImport(deps, ctx, list.id, { fileName: l.document, bytes });
    const wanted = imported.records.flatMap((r, i) => (!l.group || r.group === l.group ? [i] : []));
    await applyImport(deps, ctx, list.id, imported.id, { records: wanted });
    // Published at once, so the trust page has something to show on first start.
    await publishList(deps, ctx, list.id, {
      summary: 'First version, imported from the published document',
      effectiveAt: new Date().toISOString(),
    });
  }
}
