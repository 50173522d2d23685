import type { Command } from 'commander';
import { createCustomer, listCustomers, removeCustomer } from '../../features/customers/customers.service.js';
import { customerFields } from '../../features/customers/customer-fields.js';
import { badRequest } from '../../platform/errors.js';
import { cliTenantContext } from '../cli-context.js';
import { fail, printResult } from '../output.js';
import { withRuntime } from '../with-runtime.js';

const ALL = { limit: 200, offset: 0 };

function parsed<T>(
  r: { success: true; data: T } | { success: false; error: { issues: { message: string }[] } },
  flag: string,
): T {
  if (!r.success)
    throw badRequest('OPTION_INVALID', `${flag}: ${r.error.issues.map((i) => i.message).join('; ')}`);
  return r.data;
}

/** `subreg customers list|add|remove`: the provider's customers and the terms of their contracts. */
export function registerCustomerCommands(program: Command): void {
  const cmd = program.command('customers').description("customers and their contracts' terms");
  cmd
    .command('list')
    .description('customers of a workspace, by name, with their terms')
    .requiredOption('--tenant <slug>', 'workspace slug')
    .action(async (o: { tenant: string }) => {
      const opts = program.opts();
      try {
        const items = await withRuntime(async (deps) => {
          const ctx = await cliTenantContext(deps, o.tenant);
          const out = [];
          for (let offset = 0; ; offset += ALL.limit) {
            const page = await listCustomers(deps, ctx, { ...ALL, offset });
            out.push(...page.items);
            if (page.nextOffset === null) return out;
          }
        });
        const text = items.length
          ? items
              .map(
                (c) =>
                  `${c.organisation}  ${c.authorisation} authorisation  ${c.noticePeriodDays === null ? "lists' notice" : `${c.noticePeriodDays} days' notice`}  by ${c.notifyBy}  ${c.contacts} contact(s)${c.contractReference ? `  contract ${c.contractReference}` : ''}  ${c.id}`,
              )
              .join('\n')
          : 'no customers';
        printResult({ items }, opts, text);
      } catch (e) {
        fail(e, opts);
      }
    });
  cmd
    .command('add')
    .description('record a customer and the terms of its contract')
    .requiredOption('--tenant <slug>', 'workspace slug')
    .requiredOption('--organisation <name>', "the customer's name")
    .option('--contract <reference>', 'contract reference')
    .option(
      '--authorisation <kind>',
      'general (told, may object) | specific (each change needs approval)',
      'general',
    )
    .option(
      '--notice-days <days>',
      "notice period in days (default: the lists'); may be longer than a list's",
    )
    .option('--notify-by <how>', 'email | webhook | both', 'email')
    .option('--notes <text>', 'free notes')
    .action(
      async (o: {
        tenant: string;
        organisation: string;
        contract?: string;
        authorisation: string;
        noticeDays?: string;
        notifyBy: string;
        notes?: string;
      }) => {
        const opts = program.opts();
        try {
          if (o.noticeDays !== undefined && !/^\d{1,3}$/.test(o.noticeDays))
            throw badRequest('OPTION_INVALID', '--notice-days must be a whole number of days (0 to 365).');
          const input = {
            organisation: parsed(customerFields.organisation.safeParse(o.organisation), '--organisation'),
            contractReference:
              o.contract === undefined
                ? null
                : parsed(customerFields.contractReference.safeParse(o.contract), '--contract'),
            authorisation: parsed(customerFields.authorisation.safeParse(o.authorisation), '--authorisation'),
            noticePeriodDays:
              o.noticeDays === undefined
                ? null
                : parsed(customerFields.noticePeriodDays.safeParse(Number(o.noticeDays)), '--notice-days'),
            notifyBy: parsed(customerFields.notifyBy.safeParse(o.notifyBy), '--notify-by'),
            notes: o.notes === undefined ? null : parsed(customerFields.notes.safeParse(o.notes), '--notes'),
          };
          const view = await withRuntime(async (deps) =>
            createCustomer(deps, await cliTenantContext(deps, o.tenant), input),
          );
          printResult(
            view,
            opts,
            `added customer ${view.organisation} (${view.authorisation} authorisation): ${view.id}`,
          );
        } catch (e) {
          fail(e, opts);
        }
      },
    );
  cmd
    .command('remove')
    .description('remove a customer (its contacts stay subscribed); refused when approvals are on record')
    .requiredOption('--tenant <slug>', 'workspace slug')
    .requiredOption('--id <customer-id>', 'from `subreg customers list`')
    .action(async (o: { tenant: string; id: string }) => {
      const opts = program.opts();
      try {
        if (!/^[0-9a-f-]{36}$/i.test(o.id))
          throw badRequest('OPTION_INVALID', '--id must be a customer id (a UUID).');
        await withRuntime(async (deps) => removeCustomer(deps, await cliTenantContext(deps, o.tenant), o.id));
        printResult({ removed: o.id }, opts, `removed customer ${o.id}`);
      } catch (e) {
        fail(e, opts);
      }
    });
}
