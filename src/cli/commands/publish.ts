import fs from 'node:fs/promises';
import type { Command } from 'commander';
import { loadPublicListView } from '../../features/publishing/public-read.js';
import { type ListFormat, renderFormat } from '../../features/publishing/public-render.js';
import { publishList } from '../../features/publishing/versions.service.js';
import { AppError, badRequest } from '../../platform/errors.js';
import { cliListId, cliTenantContext } from '../cli-context.js';
import { fail, printResult } from '../output.js';
import { withProgress } from '../progress.js';
import { withRuntime } from '../with-runtime.js';

interface PublishOptions {
  tenant: string;
  list: string;
  summary?: string;
  effectiveAt?: string;
  emergencyReason?: string;
  replacePending?: boolean;
}

export function registerPublishCommands(program: Command): void {
  program
    .command('publish')
    .description("publish a list's draft as its next immutable version")
    .requiredOption('--tenant <slug>', 'workspace slug')
    .requiredOption('--list <slug-or-id>', 'list slug or id')
    .option('--summary <text>', 'what changed, for the version history')
    .option(
      '--effective-at <iso>',
      "when it takes effect (default and earliest: now + the list's notice period)",
    )
    .option(
      '--emergency-reason <text>',
      'an emergency notice: allows --effective-at inside the notice period',
    )
    .option(
      '--replace-pending',
      'replace the version that has not taken effect yet (its notice is withdrawn)',
    )
    .action(async (o: PublishOptions) => {
      const opts = program.opts();
      try {
        if (o.effectiveAt && Number.isNaN(Date.parse(o.effectiveAt))) {
          throw badRequest(
            'EFFECTIVE_AT_INVALID',
            `--effective-at "${o.effectiveAt}" is not a date; use ISO 8601, e.g. 2026-12-31T00:00:00Z.`,
          );
        }
        const v = await withRuntime(async (deps) => {
          const ctx = await cliTenantContext(deps, o.tenant);
          const listId = await cliListId(deps, ctx, o.list);
          return withProgress(`publishing ${o.tenant}/${o.list}`, opts, () =>
            publishList(deps, ctx, listId, {
              summary: o.summary,
              effectiveAt: o.effectiveAt,
              emergency: o.emergencyReason ? { reason: o.emergencyReason } : undefined,
              replacePending: o.replacePending,
            }),
          );
        });
        const { snapshot: _s, changes: _c, ...summary } = v;
        printResult(
          summary,
          opts,
          `published ${o.tenant}/${o.list} version ${v.number}: ${v.counts.added} added, ${v.counts.removed} removed, ${v.counts.changed} changed; in effect from ${v.effectiveAt}`,
        );
      } catch (e) {
        fail(e, opts);
      }
    });

  program
    .command('export')
    .description('write a published version as csv, json, xlsx or pdf (to stdout or --output)')
    .requiredOption('--tenant <slug>', 'workspace slug')
    .requiredOption('--list <slug>', 'list slug')
    .requiredOption('--format <format>', 'csv | json | xlsx | pdf')
    .option('--version <n>', 'version number (default: the latest)')
    .option('--output <file>', 'file to write (default: stdout)')
    .action(
      async (o: { tenant: string; list: string; format: string; version?: string; output?: string }) => {
        const opts = program.opts();
        try {
          if (!['csv', 'json', 'xlsx', 'pdf'].includes(o.format)) {
            throw badRequest('FORMAT_INVALID', `--format must be csv, json, xlsx or pdf, not "${o.format}".`);
          }
          if (o.version !== undefined && !/^[1-9]\d{0,6}$/.test(o.version)) {
            throw badRequest(
              'VERSION_INVALID',
              `--version must be a version number (1, 2, ...), not "${o.version}".`,
            );
          }
          const body = await withRuntime(async (deps) => {
            const tenant = await deps.directory.bySlug(o.tenant);
            if (!tenant) throw new AppError(404, 'TENANT_NOT_FOUND', `No workspace "${o.tenant}" exists.`);
            const loaded = await loadPublicListView(
              deps,
              tenant,
              o.list,
              o.version ? Number(o.version) : null,
              deps.config.publicBaseUrl,
              { includePrivate: true },
            );
            if (!loaded)
              throw new AppError(
                404,
                'VERSION_NOT_FOUND',
                `${o.tenant}/${o.list} has no published version${o.version ? ` ${o.version}` : ''}.`,
              );
            const view = loaded.view;
            return withProgress(
              `rendering ${o.format}`,
              opts,
              async () => (await renderFormat(o.format as ListFormat, view, loaded.previous, {})).body,
            );
          });
          if (o.output) {
            await fs.writeFile(o.output, body);
            if (!opts.json) process.stderr.write(`wrote ${body.length} bytes to ${o.output}\n`);
            else printResult({ output: o.output, bytes: body.length }, opts);
          } else {
            process.stdout.write(body);
          }
        } catch (e) {
          fail(e, opts);
        }
      },
    );
}
