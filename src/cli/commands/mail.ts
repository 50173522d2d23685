import type { Command } from 'commander';
import { loadConfig } from '../../platform/config.js';
import { listOutbox, outboxDir } from '../../platform/mail/outbox.js';
import { fail, printResult } from '../output.js';

export function registerMailCommands(program: Command): void {
  const mail = program.command('mail').description('email written or sent by subreg');
  mail
    .command('outbox')
    .description('list the messages written to DATA_DIR/outbox (when SMTP_URL is not set), newest first')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (o: { limit: string }) => {
      const opts = program.opts();
      try {
        const limit = Number(o.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new Error('--limit must be a positive whole number.');
        const config = loadConfig();
        // the CLI's JSON keeps its four fields (scripts read them)
        const items = (await listOutbox(config.dataDir, limit)).map(({ date, to, subject, file }) => ({
          date,
          to,
          subject,
          file,
        }));
        const dir = outboxDir(config.dataDir);
        const text = items.length
          ? items.map((m) => `${m.date}  ${m.to}  ${m.subject}\n  ${m.file}`).join('\n')
          : `no messages in ${dir}${config.smtpUrl ? ' (SMTP_URL is set: mail goes to the SMTP server)' : ''}`;
        printResult({ outbox: dir, items }, opts, text);
      } catch (e) {
        fail(e, opts);
      }
    });
}
