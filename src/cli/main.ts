import { Command, Option } from 'commander';
import { registerAuditCommands } from './commands/audit.js';
import { registerImportCommand } from './commands/import.js';
import { registerMailCommands } from './commands/mail.js';
import { registerPublishCommands } from './commands/publish.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerStartCommand } from './commands/start.js';
import { registerTenantCommands } from './commands/tenant.js';
import { registerTokenCommands } from './commands/token.js';

const program = new Command()
  .name('subreg')
  .description('subreg: sub-processor registry and trust page')
  .addOption(new Option('--json', 'print machine-readable JSON'))
  .showHelpAfterError()
  .exitOverride((err) => {
    // Help and version are not errors; everything else (bad flags) exits 2.
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

registerStartCommand(program);
registerMigrateCommand(program);
registerTenantCommands(program);
registerTokenCommands(program);
registerAuditCommands(program);
registerImportCommand(program);
registerPublishCommands(program);
registerMailCommands(program);

await program.parseAsync(process.argv);
