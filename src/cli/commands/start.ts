import type { Command } from 'commander';
import { DEMO_PASSWORD, DEMO_TENANTS } from '../../demo/demo-tenants.js';
import { loadConfig } from '../../platform/config.js';
import { startServer } from '../../server.js';
import { fail } from '../output.js';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run the web server (embedded PostgreSQL unless CONTROL_DATABASE_URL is set)')
    .action(async () => {
      const opts = program.opts();
      try {
        const config = loadConfig();
        const log = (m: string) => process.stderr.write(`${m}\n`);
        const running = await startServer(config, log);
        if (config.loadDemoData) {
          log(`demo sign-in: ${DEMO_TENANTS.map((t) => t.ownerEmail).join(' or ')} / ${DEMO_PASSWORD}`);
        }
        const shutdown = (signal: string) => {
          log(`${signal}: draining requests and stopping`);
          const force = setTimeout(() => process.exit(1), 15_000);
          force.unref();
          running.stop().then(
            () => process.exit(0),
            () => process.exit(1),
          );
        };
        process.once('SIGINT', () => shutdown('SIGINT'));
        process.once('SIGTERM', () => shutdown('SIGTERM'));
      } catch (e) {
        fail(e, opts);
      }
    });
}
