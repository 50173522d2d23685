import { describe, expect, it } from 'vitest';
import { orderByDependencies, schemaDifferences } from '../../src/features/regions/tenant-tables.js';
import { describeResidency, residencySentence } from '../../src/features/regions/residency.js';
import { ConfigError, loadConfig } from '../../src/platform/config.js';

const base = { CONTROL_DATABASE_URL: 'postgres://u@h/control' };

describe('the region catalogue from the configuration', () => {
  it('defaults to eu-west (Netherlands) and us-central (United States) in the embedded server', () => {
    const c = loadConfig({ DATA_DIR: '/tmp/x' });
    expect(c.regions).toEqual([
      { id: 'eu-west', name: 'West Europe', provider: null, countries: ['NL'], databaseUrl: null },
      { id: 'us-central', name: 'Central US', provider: null, countries: ['US'], databaseUrl: null },
    ]);
  });

  it('adds a region from REGION_<ID>_* variables, with label, provider and countries', () => {
    const c = loadConfig({
      ...base,
      REGION_EU_WEST_DATABASE_URL: 'postgres://u@h/eu',
      REGION_AP_SOUTH_DATABASE_URL: 'postgres://u@h/ap',
      REGION_AP_SOUTH_NAME: 'South Asia',
      REGION_AP_SOUTH_PROVIDER: 'Microsoft Azure',
      REGION_AP_SOUTH_COUNTRIES: 'in, sg',
    });
    expect(c.regions.map((r) => [r.id, r.name, r.provider, r.countries])).toEqual([
      ['ap-south', 'South Asia', 'Microsoft Azure', ['IN', 'SG']],
      ['eu-west', 'West Europe', null, ['NL']],
    ]);
  });

  it('adds regions from REGIONS as JSON', () => {
    const c = loadConfig({
      ...base,
      REGIONS: JSON.stringify([
        {
          id: 'eu-north',
          label: 'North Europe',
          provider: 'Hetzner',
          countries: ['FI'],
          databaseUrl: 'postgres://u@h/n',
        },
      ]),
    });
    expect(c.regions).toEqual([
      {
        id: 'eu-north',
        name: 'North Europe',
        provider: 'Hetzner',
        countries: ['FI'],
        databaseUrl: 'postgres://u@h/n',
      },
    ]);
  });

  it('refuses what it cannot use, saying what to fix', () => {
    const bad = (env: NodeJS.ProcessEnv) => () =>
      loadConfig({ ...base, REGION_EU_WEST_DATABASE_URL: 'postgres://u@h/eu', ...env });
    expect(bad({ REGION_EU_WEST_COUNTRIES: 'Holland' })).toThrow(
      /REGION_EU_WEST_COUNTRIES is not valid .*ISO/,
    );
    expect(bad({ REGION_AP_EAST_PROVIDER: 'x' })).toThrow(
      /REGION_AP_EAST_PROVIDER describe a region that has no REGION_<ID>_DATABASE_URL/,
    );
    expect(bad({ REGION_AP_EAST_DATABASE_URL: 'not a url' })).toThrow(
      /REGION_AP_EAST_DATABASE_URL is not a URL/,
    );
    expect(() => loadConfig({ ...base, REGIONS: '[{"id":"x!","databaseUrl":"postgres://u@h/x"}]' })).toThrow(
      /REGIONS is not valid at 0.id/,
    );
    expect(() =>
      loadConfig({ ...base, REGIONS: '[{"id":"eu-x","countries":["ZZ"],"databaseUrl":"postgres://u@h/x"}]' }),
    ).toThrow(ConfigError);
    expect(() =>
      loadConfig({ ...base, REGION_EU_WEST_DATABASE_URL: 'postgres://u@h/eu', OPERATOR_TOKEN: 'short' }),
    ).toThrow(/OPERATOR_TOKEN: must be at least 32 characters/);
  });
});

describe('where is my data', () => {
  it('is one sentence from the region the tenant lives in', () => {
    const r = describeResidency(
      { regionId: 'eu-west', status: 'active' },
      { id: 'eu-west', name: 'West Europe', provider: 'Microsoft Azure', countries: ['NL'] },
    );
    expect(residencySentence(r)).toBe(
      "subreg keeps this workspace's data in West Europe (eu-west), Netherlands, hosted by Microsoft Azure: its own rows in a shared PostgreSQL database of the region, isolated by row-level security.",
    );
  });
});

describe('tenant tables', () => {
  it('are copied parents first, and two regions must agree on their columns', () => {
    const t = (name: string, dependsOn: string[] = [], signature = ['tenant_id uuid']) => ({
      name,
      dependsOn,
      signature,
      columns: [],
      key: [],
    });
    expect(
      orderByDependencies([
        t('entries', ['lists', 'entities']),
        t('lists'),
        t('entities', ['entities']),
        t('audit_events'),
      ]).map((x) => x.name),
    ).toEqual(['audit_events', 'entities', 'lists', 'entries']);
    expect(schemaDifferences([t('lists')], [t('lists', [], ['tenant_id uuid', 'x text'])])).toEqual([
      'table lists has columns (tenant_id uuid) here and (tenant_id uuid, x text) there',
    ]);
    expect(schemaDifferences([t('lists'), t('notices')], [t('lists')])).toEqual([
      'table notices is missing in the target',
    ]);
  });
});
