import type { Command } from 'commander';
import { createList, listLists, resolveListRef } from '../../features/lists/lists.service.js';
import { createListBody } from '../../features/lists/lists.schemas.js';
import { listVersions } from '../../features/publishing/versions.service.js';
import { badRequest } from '../../platform/errors.js';
import { cliTenantContext } from '../cli-context.js';
import { fail, printResult } from '../output.js';
import { withRuntime } from '../with-runtime.js';

interface CreateOptions {
  tenant: string;
  slug: string;
  title: string;
  noticePeriodDays?: string;
  visibility?: string;
  classification?: string;
}

export function registerListCommands(program: Command): void {
  const list = program
    .command('list')
    .description("manage a workspace's lists (one per platform or product)");

  list
    .command('create')
    .description('create a list (its draft starts empty; import or add entries, then publish)')
    .requiredOption('--tenant <slug>', 'workspace slug')
    .requiredOption('--slug <slug>', 'URL name of the list, e.g. platform')
    .requiredOption('--title <title>', 'title of the document, e.g. "Platform sub-processors"')
    .option('--notice-period-days <n>', 'days of notice customers get before a change applies (default 30)')
    .option('--visibility <v>', 'public | unlisted | private (default public)')
    .option('--classification <text>', 'e.g. Confidential')
    .action(async (o: CreateOptions) => {
      const opts = program.opts();
      try {
        const parsed = createListBody.safeParse({
          slug: o.slug,
          title: o.title,
          ...(o.noticePeriodDays !== undefined && { noticePeriodDays: Number(o.noticePeriodDays) }),
          ...(o.visibility !== undefined && { visibility: o.visibility }),
          ...(o.classification !== undefined && { classification: o.classification }),
        });
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          const flag = String(issue.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
          throw badRequest('LIST_INVALID', `--${flag}: ${issue.message}`);
        }
        const view = await withRuntime(async (deps) =>
          createList(deps, await cliTenantContext(deps, o.tenant), parsed.data),
        );
        printResult(
          view,
          opts,
          `created list ${o.tenant}/${view.slug} (${view.visibility}, ${view.noticePeriodDays} days' notice)\n` +
            `next: subreg import FILE --tenant ${o.tenant} --list ${view.slug}`,
        );
      } catch (e) {
        fail(e, opts);
      }
    });

  list
    .command('list')
    .description("the workspace's lists")
    .requiredOption('--tenant <slug>', 'workspace slug')
    .action(async (o: { tenant: string }) => {
      const opts = program.opts();
      try {
        const page = await withRuntime(async (deps) =>
          listLists(deps, await cliTenantContext(deps, o.tenant), { limit: 200, offset: 0 }),
        );
        const lines = page.items.map(
          (l) =>
            `${l.slug.padEnd(24)} ${String(l.entryCount).padStart(4)} entries  ${l.visibility.padEnd(8)} ${l.title}`,
        );
        printResult(
          page.items,
          opts,
          lines.length ? lines.join('\n') : `${o.tenant} has no lists yet: subreg list create`,
        );
      } catch (e) {
        fail(e, opts);
      }
    });

  list
    .command('show')
    .description("a list's document metadata, draft and published versions")
    .requiredOption('--tenant <slug>', 'workspace slug')
    .requiredOption('--list <slug-or-id>', 'list slug or id')
    .action(async (o: { tenant: string; list: string }) => {
      const opts = program.opts();
      try {
        const shown = await withRuntime(async (deps) => {
          const ctx = await cliTenantContext(deps, o.tenant);
          const view = await resolveListRef(deps, ctx, o.list);
          const versions = await listVersions(deps, ctx, view.id, { limit: 5, offset: 0 });
          return { ...view, versions: versions.items };
        });
        const latest = shown.versions[0];
        printResult(
          shown,
          opts,
          [
            `${shown.title} (${o.tenant}/${shown.slug}, id ${shown.id})`,
            `visibility: ${shown.visibility}; notice period: ${shown.noticePeriodDays} days`,
            `draft: ${shown.entryCount} entries`,
            latest
              ? `latest version: ${latest.number}, published ${latest.publishedAt}, in effect from ${latest.effectiveAt}`
              : 'not published yet: subreg publish --tenant ' + `${o.tenant} --list ${shown.slug}`,
          ].join('\n'),
        );
      } catch (e) {
        fail(e, opts);
      }
    });
}
