import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../src/demo/load-demo-data.js';
import { normalizeName } from '../src/features/entities/normalize-name.js';
import { listEntries } from '../src/features/entries/entries.service.js';
import { selectListBySlug } from '../src/features/lists/lists.repo.js';
import type { TenantContext } from '../src/platform/context.js';
import { type Harness, createHarness } from './support/harness.js';

const SEEDS = path.resolve(import.meta.dirname, 'fixtures/seeds');
const expected = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(SEEDS, `${name}.expected.json`), 'utf8')).records;

const normalised = (records: { legalName: string }[]) =>
  records.map((r) => ({ ...r, legalName: normalizeName(r.legalName) }));

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

async function draft(slug: string, listSlug: string) {
  const tenant = await h.deps.directory.bySlug(slug);
  if (!tenant) throw new Error(`no demo tenant ${slug}`);
  const ctx: TenantContext = {
    tenant,
    actor: { type: 'system', id: 'test', userId: null },
    role: 'viewer',
    requestId: null,
  };
  const list = await h.deps.dbs.withTenant(tenant, (tx) => selectListBySlug(tx, listSlug));
  if (!list) throw new Error(`no list ${listSlug}`);
  const page = await listEntries(h.deps, ctx, list.list.id, {
    limit: 200,
    offset: 0,
    sort: 'position',
  } as never);
  return page.items.map((e) => ({
    legalName: e.entity.legalName,
    tradingNames: e.entity.tradingNames,
    formerNames: e.entity.formerNames,
    type: e.entity.kind,
    group: e.group,
    locations: e.locations.map((l) => l.written),
    purpose: e.purpose,
    dataCategories: e.dataCategories,
  }));
}

describe('demo data', () => {
  it('loads through the importer: each demo list holds its seed document exactly, once', async () => {
    await loadDemoData(h.deps);
    expect(await loadDemoData(h.deps)).toEqual([]); // a second start creates nothing
    const platform = expected('000_af4bd0f1fa75d2e0');
    expect(await draft('northwind-cloud', 'commerce')).toEqual(
      platform.filter((r: { group: string }) => r.group === 'Commerce'),
    );
    // One entity per company and tenant: "Ingram Micro European Services, S.L.U." (Connect) is the
    // entity first written "... Services S.L.U." (Commerce), so names compare normalised here.
    expect(normalised(await draft('northwind-cloud', 'connect'))).toEqual(
      normalised(platform.filter((r: { group: string }) => r.group === 'Connect')),
    );
    expect(await draft('harbour-telecom', 'sub-processors')).toEqual(expected('004_28bb4da9730773a7'));
  });
});
