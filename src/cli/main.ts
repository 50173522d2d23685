import fs from 'node:fs';
import { Command, Option } from 'commander';
import { registerAuditCommands } from './commands/audit.js';
import { registerCustomerCommands } from './commands/customers.js';
import { registerImportCommand } from './commands/import.js';
import { registerListCommands } from './commands/list.js';
import { registerMailCommands } from './commands/mail.js';
import { registerNoticeCommands } from './commands/notices.js';
import { registerPublishCommands } from './commands/publish.js';
import { registerRegionCommands } from './commands/region.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerStartCommand } from './commands/start.js';
import { registerTenantCommands } from './commands/tenant.js';
import { registerTokenCommands } from './commands/token.js';
import { registerWebhookCommands } from './commands/webhooks.js';
import { cliFlags } from './output.js';

// The server and every CLI command read the same configuration: the environment, and a .env file
// in the current directory for what the environment does not set.
if (fs.existsSync('.env')) process.loadEnvFile('.env');

const program = new Command()
  .name('subreg')
  .description('subreg: sub-processor registry and trust page')
  .addOption(new Option('--json', 'print machine-readable JSON'))
  .addOption(new Option('--data-dir <dir>', 'data directory of the embedded database (as DATA_DIR)'))
  .hook('preAction', () => {
    const o = program.opts<{ json?: boolean; dataDir?: string }>();
    cliFlags.json = !!o.json;
    if (o.dataDir) process.env.DATA_DIR = o.dataDir;
  })
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
registerListCommands(program);
registerImportCommand(program);
registerPublishCommands(program);
registerRegionCommands(program);
registerMailCommands(program);
registerWebhookCommands(program);
registerNoticeCommands(program);
registerCustomerCommands(program);

await program.parseAsync(process.argv);
