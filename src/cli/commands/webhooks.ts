import type { Command } from 'commander';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../../features/webhooks/webhook-events.js';
import { createEndpoint, deleteEndpoint, listEndpoints } from '../../features/webhooks/webhooks.service.js';
import { badRequest } from '../../platform/errors.js';
import { cliTenantContext } from '../cli-context.js';
import { fail, printResult } from '../output.js';
import { withRuntime } from '../with-runtime.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseEvents(value: string): WebhookEvent[] {
  const events = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const unknown = events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (events.length === 0 || unknown.length > 0)
    throw badRequest(
      'EVENTS_INVALID',
      `--events must name events separated by commas, from: ${WEBHOOK_EVENTS.join(', ')}${unknown.length ? ` (not ${unknown.join(', ')})` : ''}.`,
    );
  return events as WebhookEvent[];
}

export function registerWebhookCommands(program: Command): void {
  const webhooks = program.command('webhooks').description("manage a workspace's webhook endpoints");
  webhooks
    .command('list')
    .description('the endpoints of a workspace (never their secrets)')
    .requiredOption('--tenant <slug>', 'workspace slug')
    .action(async (o: { tenant: string }) => {
      const opts = program.opts();
      try {
        const items = await withRuntime(async (deps) =>
          listEndpoints(deps, await cliTenantContext(deps, o.tenant)),
        );
        const lines = items.map(
          (e) =>
            `${e.id}  ${e.enabled ? 'enabled ' : 'disabled'}  ${e.events.join(',')}  ${e.url}${e.disabledReason ? `  (${e.disabledReason})` : ''}`,
        );
        printResult({ items }, opts, lines.length ? lines.join('\n') : `no webhook endpoints in ${o.tenant}`);
      } catch (e) {
        fail(e, opts);
      }
    });
  webhooks
    .command('add')
    .description('add an endpoint (its signing secret is printed once)')
    .requiredOption('--tenant <slug>', 'workspace slug')
    .requiredOption('--url <url>', 'https URL that receives the calls')
    .option(
      '--events <list>',
      `events, comma-separated (${WEBHOOK_EVENTS.join(', ')})`,
      WEBHOOK_EVENTS.join(','),
    )
    .option('--description <text>', 'what the endpoint is for')
    .action(async (o: { tenant: string; url: string; events: string; description?: string }) => {
      const opts = program.opts();
      try {
        const events = parseEvents(o.events);
        const created = await withRuntime(async (deps) =>
          createEndpoint(deps, await cliTenantContext(deps, o.tenant), {
            url: o.url,
            events,
            description: o.description ?? null,
          }),
        );
        printResult(
          created,
          opts,
          `webhook ${created.id} added for ${created.events.join(',')} -> ${created.url}\nsigning secret (shown once): ${created.secret}`,
        );
      } catch (e) {
        fail(e, opts);
      }
    });
  webhooks
    .command('remove')
    .description('delete an endpoint with its delivery log')
    .requiredOption('--tenant <slug>', 'workspace slug')
    .requiredOption('--id <uuid>', 'endpoint id (from `subreg webhooks list`)')
    .action(async (o: { tenant: string; id: string }) => {
      const opts = program.opts();
      try {
        if (!UUID_RE.test(o.id))
          throw badRequest('ID_INVALID', `--id must be an endpoint id (a UUID), not "${o.id}".`);
        const removed = await withRuntime(async (deps) =>
          deleteEndpoint(deps, await cliTenantContext(deps, o.tenant), o.id),
        );
        printResult(removed, opts, `webhook ${removed.id} (${removed.url}) removed`);
      } catch (e) {
        fail(e, opts);
      }
    });
}
