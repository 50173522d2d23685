import { applyImport, createImport } from '../../features/imports/imports.service.js';
import { selectListBySlug } from '../../features/lists/lists.repo.js';
import type { TenantContext } from '../../platform/context.js';
import { AppError, badRequest } from '../../platform/errors.js';
import { printResult } from '../output.js';
import { withRuntime } from '../with-runtime.js';

export interface StoreFromCli {
  file: string;
  bytes: Uint8Array;
  tenant: string;
  list?: string;
  apply?: boolean;
}

/** `subreg import FILE --tenant S --list L [--apply]`: stores the import and prints its preview. */
export async function storeImportFromCli(input: StoreFromCli, opts: { json?: boolean }): Promise<void> {
  if (!input.list) throw badRequest('LIST_REQUIRED', 'Say which list the import is for: --list <slug>.');
  const view = await withRuntime(async (deps) => {
    const tenant = await deps.directory.bySlug(input.tenant);
    if (!tenant) throw new AppError(404, 'TENANT_NOT_FOUND', `No workspace "${input.tenant}" exists.`);
    const list = await deps.dbs.withTenant(tenant, (tx) => selectListBySlug(tx, input.list ?? ''));
    if (!list)
      throw new AppError(404, 'LIST_NOT_FOUND', `Workspace "${input.tenant}" has no list "${input.list}".`);
    // The CLI runs with the operator's authority over the machine: an owner-level system actor.
    const ctx: TenantContext = {
      tenant,
      actor: { type: 'system', id: 'cli', userId: null },
      role: 'owner',
      requestId: null,
    };
    const fileName = input.file.split(/[\\/]/).pop() ?? 'import';
    const created = await createImport(deps, ctx, list.list.id, { fileName, bytes: input.bytes });
    return input.apply ? applyImport(deps, ctx, list.list.id, created.id, {}) : created;
  });
  const counts = 'preview' in view ? view.preview?.counts : undefined;
  const text = [
    `import ${view.id} of ${view.fileName} (${view.format}): ${view.recordCount} record(s), status ${view.status}`,
    counts
      ? `preview against the draft: ${counts.add} to add, ${counts.change} to change, ${counts.unchanged} unchanged, ${counts.remove} no longer listed`
      : `applied: ${JSON.stringify(view.appliedSummary)}`,
    ...view.warnings.map((w) => `note: ${w}`),
    ...(view.status === 'previewed'
      ? ['apply it with --apply next time, or POST .../imports/{id}/apply']
      : []),
  ].join('\n');
  printResult(view, opts, text);
}
