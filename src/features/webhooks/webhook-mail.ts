import { and, eq } from 'drizzle-orm';
import { memberships, users } from '../../db/schema/control.js';
import type { AppDeps } from '../../app/deps.js';
import { mailerOf } from '../../platform/context.js';

/** The workspace's owners' addresses (directory data in the control database). */
async function ownerEmails(deps: AppDeps, tenantId: string): Promise<string[]> {
  const rows = await deps.dbs.control
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.role, 'owner')));
  return rows.map((r) => r.email);
}

/**
 * Tells each owner that an endpoint was disabled, why, and how to turn it back on. Runs after
 * the disabling committed; a mail that cannot be sent is logged, the endpoint stays disabled.
 */
export async function notifyOwnersOfDisabling(
  deps: AppDeps,
  tenant: { id: string; slug: string; name: string },
  endpoint: { id: string; url: string; reason: string },
): Promise<void> {
  const base = deps.config.publicBaseUrl.replace(/\/+$/, '');
  const text = [
    `A webhook endpoint of the workspace "${tenant.name}" (${tenant.slug}) was disabled:`,
    '',
    `  ${endpoint.url}`,
    '',
    endpoint.reason,
    '',
    'No more events are sent to it. Deliveries it missed are kept with every attempt and its',
    'answer, in the delivery log of the endpoint. Once the receiver works again, enable the',
    'endpoint (PATCH .../webhooks/<id> with {"enabled": true}) and re-send what it missed.',
    '',
    `Endpoint id: ${endpoint.id}`,
    `Workspace: ${base}/t/${tenant.slug}`,
  ].join('\n');
  for (const to of await ownerEmails(deps, tenant.id)) {
    try {
      await mailerOf(deps).send({
        to,
        subject: `Webhook endpoint disabled: ${hostOf(endpoint.url)}`,
        text,
        tenantId: tenant.id,
      });
    } catch (err) {
      process.emitWarning(`webhook disabling mail to an owner failed: ${(err as Error).message}`);
    }
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'endpoint';
  }
}
