import type { Command } from 'commander';
import { issueToken } from '../../features/tokens/tokens.service.js';
import { AppError } from '../../platform/errors.js';
import { fail, printResult } from '../output.js';
import { withRuntime } from '../with-runtime.js';

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('manage API tokens');
  token
    .command('create')
    .description('create an API token for a workspace (the secret is printed once)')
    .requiredOption('--tenant <slug>', 'workspace slug')
    .option('--name <name>', 'what the token is for', 'cli token')
    .option('--scope <scope>', 'read or write', 'read')
    .action(async (o: { tenant: string; name: string; scope: string }) => {
      const opts = program.opts();
      try {
        if (o.scope !== 'read' && o.scope !== 'write') throw new Error('--scope must be read or write.');
        const scope = o.scope;
        const result = await withRuntime(async (deps) => {
          const t = await deps.directory.bySlug(o.tenant);
          if (!t) throw new AppError(404, 'TENANT_NOT_FOUND', `No workspace "${o.tenant}" exists.`);
          return issueToken(
            deps,
            { tenantId: t.id, regionId: t.regionId, name: o.name, scope, createdBy: null },
            { actorType: 'system', actorId: 'cli', requestId: null },
          );
        });
        printResult(result, opts, `${result.scope} token for ${o.tenant} (shown once): ${result.token}`);
      } catch (e) {
        fail(e, opts);
      }
    });
}
