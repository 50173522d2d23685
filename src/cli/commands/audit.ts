import type { Command } from 'commander';
import { verifyAuditChain } from '../../features/audit/audit.service.js';
import { AppError } from '../../platform/errors.js';
import { fail, printResult } from '../output.js';
import { withRuntime } from '../with-runtime.js';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the audit log');
  audit
    .command('verify')
    .description("recompute a workspace's audit hash chain; exits 1 if it is broken")
    .requiredOption('--tenant <slug>', 'workspace slug')
    .action(async (o: { tenant: string }) => {
      const opts = program.opts();
      try {
        const verdict = await withRuntime(async (deps) => {
          const t = await deps.directory.bySlug(o.tenant);
          if (!t) throw new AppError(404, 'TENANT_NOT_FOUND', `No workspace "${o.tenant}" exists.`);
          return verifyAuditChain(deps, t);
        });
        printResult(
          { tenant: o.tenant, ...verdict },
          opts,
          verdict.ok
            ? `audit chain of ${o.tenant} is intact (${verdict.checked} events)`
            : `audit chain of ${o.tenant} is BROKEN at event ${verdict.brokenAtSeq}: ${verdict.reason}`,
        );
        if (!verdict.ok) process.exit(1);
      } catch (e) {
        fail(e, opts);
      }
    });
}
