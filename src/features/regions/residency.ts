import type { RegionInfo } from '../../db/databases.js';
import { COUNTRY_DISPLAY } from '../../domain/locations/index.js';
import type { TenantRecord } from '../../platform/context.js';

/** How subreg keeps tenants apart in a region: true of every region, by construction. */
export const SEGREGATION =
  'its own rows in a shared PostgreSQL database of the region, isolated by row-level security';

/** What the control plane keeps about every tenant, outside its region. */
export const CONTROL_PLANE_DATA =
  "the workspace directory (id, slug, name, region, status), user accounts, memberships, invitations, sign-in sessions and API tokens (hashed), kept in subreg's control database";

export interface Residency {
  region: { id: string; label: string; provider: string | null; countries: { code: string; name: string }[] };
  segregation: string;
  controlPlane: string;
  status: TenantRecord['status'];
}

const countryName = (code: string) => COUNTRY_DISPLAY.get(code) ?? code;

/**
 * Where subreg keeps a tenant's data, derived from the directory (the region the tenant's rows
 * are in) and the region catalogue (the configuration): never from anything typed per tenant.
 */
export function describeResidency(
  tenant: Pick<TenantRecord, 'regionId' | 'status'>,
  region: RegionInfo | null,
): Residency {
  return {
    region: {
      id: tenant.regionId,
      label: region?.name ?? tenant.regionId,
      provider: region?.provider ?? null,
      countries: (region?.countries ?? []).map((code) => ({ code, name: countryName(code) })),
    },
    segregation: SEGREGATION,
    controlPlane: CONTROL_PLANE_DATA,
    status: tenant.status,
  };
}

/** One sentence for the trust page: "West Europe (eu-west), Netherlands, hosted by X: ...". */
export function residencySentence(r: Residency): string {
  const where = [
    `${r.region.label} (${r.region.id})`,
    r.region.countries.map((c) => c.name).join(', ') || null,
  ].filter(Boolean);
  return `subreg keeps this workspace's data in ${where.join(', ')}${r.region.provider ? `, hosted by ${r.region.provider}` : ''}: ${r.segregation}.`;
}
