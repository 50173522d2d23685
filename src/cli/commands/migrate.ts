import type { Command } from 'commander';
import { prepareDatabases, resolveTargets } from '../../db/bootstrap.js';
import { loadConfig } from '../../platform/config.js';
import { fail, printResult } from '../output.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('create missing databases and apply migrations to the control and every region database')
    .action(async () => {
      const opts = program.opts();
      try {
        const config = loadConfig();
        const { targets, embedded } = await resolveTargets(config, (m) => process.stderr.write(`${m}\n`));
        try {
          await prepareDatabases(targets);
        } finally {
          await embedded?.stop();
        }
        printResult(
          { migrated: ['control', ...targets.regions.map((r) => r.id)] },
          opts,
          `migrated: control, ${targets.regions.map((r) => r.id).join(', ')}`,
        );
      } catch (e) {
        fail(e, opts);
      }
    });
}
