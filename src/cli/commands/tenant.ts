import type { Command } from 'commander';
import { createTenant } from '../../features/tenants/tenants.service.js';
import { issueToken } from '../../features/tokens/tokens.service.js';
import { fail, printResult } from '../output.js';
import { withRuntime } from '../with-runtime.js';

export function registerTenantCommands(program: Command): void {
  const tenant = program.command('tenant').description('manage workspaces (tenants)');
  tenant
    .command('create')
    .description('create a workspace in a region with its owner; prints a new write API token')
    .requiredOption('--slug <slug>', 'URL name, e.g. acme')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--region <region>', 'home region id, e.g. eu-west')
    .requiredOption('--owner-email <email>', "owner's email")
    .option(
      '--owner-password <password>',
      "owner's password (otherwise the owner signs in after an invitation)",
    )
    .action(
      async (o: {
        slug: string;
        name: string;
        region: string;
        ownerEmail: string;
        ownerPassword?: string;
      }) => {
        const opts = program.opts();
        try {
          if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(o.ownerEmail))
            throw new Error(`"${o.ownerEmail}" is not an email address.`);
          if (o.ownerPassword !== undefined && o.ownerPassword.length < 10)
            throw new Error('--owner-password must be at least 10 characters.');
          const result = await withRuntime(async (deps) => {
            const { tenant: t, ownerId } = await createTenant(deps, {
              slug: o.slug,
              name: o.name,
              regionId: o.region,
              owner: { email: o.ownerEmail, password: o.ownerPassword ?? null },
            });
            const token = await issueToken(
              deps,
              {
                tenantId: t.id,
                regionId: t.regionId,
                name: 'created by subreg tenant create',
                scope: 'write',
                createdBy: ownerId,
              },
              { actorType: 'system', actorId: 'cli', requestId: null },
            );
            return {
              tenant: { id: t.id, slug: t.slug, name: t.name, region: t.regionId, status: t.status },
              ownerId,
              token: token.token,
              tokenId: token.id,
            };
          });
          printResult(
            result,
            opts,
            `created workspace ${result.tenant.slug} in ${result.tenant.region}\nwrite API token (shown once): ${result.token}`,
          );
        } catch (e) {
          fail(e, opts);
        }
      },
    );
}
