import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { evidenceCsv } from '../../features/notices/evidence-csv.js';
import { evidencePdf, recipientCounts } from '../../features/notices/evidence-pdf.js';
import { noticeEvidence } from '../../features/notices/evidence.service.js';
import { listDeliveries, listNotices } from '../../features/notices/notices.service.js';
import { emailField, organisationField } from '../../features/notices/subscriber-fields.js';
import {
  addSubscriber,
  listSubscribers,
  removeSubscriber,
} from '../../features/notices/subscribers.service.js';
import { badRequest } from '../../platform/errors.js';
import { cliListId, cliTenantContext } from '../cli-context.js';
import { fail, printResult } from '../output.js';
import { withRuntime } from '../with-runtime.js';

const ALL = { limit: 10_000, offset: 0 };
const STATUSES = ['pending', 'confirmed', 'unsubscribed'] as const;

function parsed<T>(
  r: { success: true; data: T } | { success: false; error: { issues: { message: string }[] } },
  flag: string,
): T {
  if (!r.success)
    throw badRequest('OPTION_INVALID', `${flag}: ${r.error.issues.map((i) => i.message).join('; ')}`);
  return r.data;
}

/** `subreg subscribers list|add|remove`, `subreg notices list|evidence`, `subreg deliveries list --failed`. */
export function registerNoticeCommands(program: Command): void {
  const subs = program.command('subscribers').description('who is told of changes by email');
  subs
    .command('list')
    .description('subscribers of a workspace (or of one list), by address')
    .requiredOption('--tenant <slug>', 'workspace slug')
    .option('--list <slug-or-id>', 'only this list')
    .option('--status <status>', 'pending | confirmed | unsubscribed')
    .action(async (o: { tenant: string; list?: string; status?: string }) => {
      const opts = program.opts();
      try {
        if (o.status && !STATUSES.includes(o.status as (typeof STATUSES)[number]))
          throw badRequest(
            'OPTION_INVALID',
            `--status must be one of ${STATUSES.join(', ')}, not "${o.status}".`,
          );
        const page = await withRuntime(async (deps) => {
          const ctx = await cliTenantContext(deps, o.tenant);
          const listId = o.list ? await cliListId(deps, ctx, o.list) : undefined;
          return listSubscribers(
            deps,
            ctx,
            { listId, status: o.status as (typeof STATUSES)[number] | undefined },
            ALL,
          );
        });
        const text = page.items.length
          ? page.items
              .map(
                (s) =>
                  `${s.email}  ${s.status}  ${s.addedBy}${s.organisation ? `  ${s.organisation}` : ''}${s.listId ? `  list ${s.listId}` : '  all lists'}  ${s.id}`,
              )
              .join('\n')
          : 'no subscribers';
        printResult(page, opts, text);
      } catch (e) {
        fail(e, opts);
      }
    });
  subs
    .command('add')
    .description("add a customer's contact: confirmed at once, marked as added by staff")
    .requiredOption('--tenant <slug>', 'workspace slug')
    .requiredOption('--email <address>', 'the address to tell')
    .option('--organisation <name>', 'the customer')
    .option('--list <slug-or-id>', 'only this list (default: every list of the workspace)')
    .action(async (o: { tenant: string; email: string; organisation?: string; list?: string }) => {
      const opts = program.opts();
      try {
        const email = parsed(emailField.safeParse(o.email), '--email');
        const organisation = o.organisation
          ? parsed(organisationField.safeParse(o.organisation), '--organisation')
          : undefined;
        const view = await withRuntime(async (deps) => {
          const ctx = await cliTenantContext(deps, o.tenant);
          const listId = o.list ? await cliListId(deps, ctx, o.list) : null;
          return addSubscriber(deps, ctx, { email, organisation, listId });
        });
        printResult(
          view,
          opts,
          `added ${view.email} (confirmed, by staff) to ${view.listId ? `list ${view.listId}` : 'every list'} of ${o.tenant}: ${view.id}`,
        );
      } catch (e) {
        fail(e, opts);
      }
    });
  subs
    .command('remove')
    .description('remove a subscriber (past deliveries keep the address they went to)')
    .requiredOption('--tenant <slug>', 'workspace slug')
    .requiredOption('--id <subscriber-id>', 'from `subreg subscribers list`')
    .action(async (o: { tenant: string; id: string }) => {
      const opts = program.opts();
      try {
        if (!/^[0-9a-f-]{36}$/i.test(o.id))
          throw badRequest('OPTION_INVALID', '--id must be a subscriber id (a UUID).');
        await withRuntime(async (deps) =>
          removeSubscriber(deps, await cliTenantContext(deps, o.tenant), o.id),
        );
        printResult({ removed: o.id }, opts, `removed subscriber ${o.id}`);
      } catch (e) {
        fail(e, opts);
      }
    });

  const notices = program.command('notices').description('change notices (created by publishing)');
  notices
    .command('list')
    .description('notices, newest first, with their delivery counts')
    .requiredOption('--tenant <slug>', 'workspace slug')
    .option('--list <slug-or-id>', 'only this list')
    .action(async (o: { tenant: string; list?: string }) => {
      const opts = program.opts();
      try {
        const page = await withRuntime(async (deps) => {
          const ctx = await cliTenantContext(deps, o.tenant);
          const listId = o.list ? await cliListId(deps, ctx, o.list) : undefined;
          return listNotices(deps, ctx, listId, ALL);
        });
        const text = page.items.length
          ? page.items
              .map(
                (n) =>
                  `${n.id}  version ${n.version}  ${n.status}  effective ${n.effectiveAt}  ${n.deliveries.sent}/${n.deliveries.recipients} sent, ${n.deliveries.failed} failed${n.fanout === 'pending' ? '  (fanning out)' : ''}${n.emergencyReason ? '  EMERGENCY' : ''}`,
              )
              .join('\n')
          : 'no notices';
        printResult(page, opts, text);
      } catch (e) {
        fail(e, opts);
      }
    });

  notices
    .command('evidence')
    .description("a notice's evidence (notice, messages and attempts, objections) as CSV or PDF")
    .requiredOption('--tenant <slug>', 'workspace slug')
    .requiredOption('--list <slug-or-id>', 'the list the notice belongs to')
    .requiredOption('--notice <id>', 'the notice (from `subreg notices list`)')
    .requiredOption('--format <format>', 'csv | pdf')
    .requiredOption('--out <file>', 'where to write it')
    .action(async (o: { tenant: string; list: string; notice: string; format: string; out: string }) => {
      const opts = program.opts();
      try {
        if (!/^[0-9a-f-]{36}$/i.test(o.notice))
          throw badRequest(
            'OPTION_INVALID',
            '--notice must be a notice id (a UUID, from `subreg notices list`).',
          );
        if (o.format !== 'csv' && o.format !== 'pdf')
          throw badRequest('OPTION_INVALID', `--format must be csv or pdf, not "${o.format}".`);
        const format = o.format;
        const evidence = await withRuntime(async (deps) => {
          const ctx = await cliTenantContext(deps, o.tenant);
          return noticeEvidence(deps, ctx, await cliListId(deps, ctx, o.list), o.notice, format);
        });
        const bytes = format === 'csv' ? evidenceCsv(evidence) : await evidencePdf(evidence);
        await writeFile(o.out, bytes);
        const c = recipientCounts(evidence);
        printResult(
          { file: o.out, format, bytes: bytes.length, ...c, objections: evidence.objections.length },
          opts,
          `wrote ${o.out} (${format}, ${bytes.length} bytes): ${c.recipients} recipients, ${c.sent} sent, ${c.failed} failed, ${evidence.objections.length} objection(s)`,
        );
      } catch (e) {
        fail(e, opts);
      }
    });

  program
    .command('deliveries')
    .description('the messages of change notices')
    .command('list')
    .description('messages, newest first: who, status, attempts, the last error')
    .requiredOption('--tenant <slug>', 'workspace slug')
    .option('--notice <id>', 'only this notice')
    .option('--failed', 'only messages that failed or are waiting for a retry')
    .action(async (o: { tenant: string; notice?: string; failed?: boolean }) => {
      const opts = program.opts();
      try {
        if (o.notice && !/^[0-9a-f-]{36}$/i.test(o.notice))
          throw badRequest(
            'OPTION_INVALID',
            '--notice must be a notice id (a UUID, from `subreg notices list`).',
          );
        const page = await withRuntime(async (deps) =>
          listDeliveries(
            deps,
            await cliTenantContext(deps, o.tenant),
            { noticeId: o.notice, failed: o.failed },
            ALL,
          ),
        );
        const text = page.items.length
          ? page.items
              .map(
                (d) =>
                  `${d.email}  ${d.kind}  ${d.status}  ${d.attempts} attempt(s)${d.lastError ? `  last error: ${d.lastError}` : ''}`,
              )
              .join('\n')
          : o.failed
            ? 'no failed deliveries'
            : 'no deliveries';
        printResult(page, opts, text);
      } catch (e) {
        fail(e, opts);
      }
    });
}
