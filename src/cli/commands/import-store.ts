import { applyImport, createImport } from '../../features/imports/imports.service.js';
import { badRequest } from '../../platform/errors.js';
import { cliListId, cliTenantContext } from '../cli-context.js';
import { printResult } from '../output.js';
import { withProgress } from '../progress.js';
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
  const listRef = input.list;
  const view = await withRuntime(async (deps) => {
    const ctx = await cliTenantContext(deps, input.tenant);
    const listId = await cliListId(deps, ctx, listRef);
    const fileName = input.file.split(/[\\/]/).pop() ?? 'import';
    const mb = (input.bytes.length / 1024 / 1024).toFixed(1);
    const created = await withProgress(`reading ${fileName} (${mb} MB) and storing the import`, opts, () =>
      createImport(deps, ctx, listId, { fileName, bytes: input.bytes }),
    );
    return input.apply
      ? withProgress('applying it to the draft', opts, () => applyImport(deps, ctx, listId, created.id, {}))
      : created;
  });
  const counts = 'preview' in view ? view.preview?.counts : undefined;
  const text = [
    `import ${view.id} of ${view.fileName} (${view.format}): ${view.recordCount} record(s), status ${view.status}`,
    counts
      ? `preview against the draft: ${counts.add} to add, ${counts.change} to change, ${counts.unchanged} unchanged, ${counts.remove} no longer listed`
      : `applied: ${JSON.stringify(view.appliedSummary)}`,
    ...view.warnings.map((w) => `note: ${w}`),
    ...(view.status === 'previewed'
      ? [`apply it: subreg import apply ${view.id} --tenant ${input.tenant} --list ${input.list}`]
      : []),
  ].join('\n');
  printResult(view, opts, text);
}

export interface ApplyFromCli {
  id: string;
  tenant: string;
  list: string;
  /** record indexes to apply (all when absent) */
  records?: number[];
  /** draft entry ids no longer listed, to remove */
  removals?: string[];
}

/** `subreg import apply ID --tenant S --list L [--records 0,3] [--remove ID,...]`. */
export async function applyImportFromCli(input: ApplyFromCli, opts: { json?: boolean }): Promise<void> {
  const view = await withRuntime(async (deps) => {
    const ctx = await cliTenantContext(deps, input.tenant);
    const listId = await cliListId(deps, ctx, input.list);
    return withProgress('applying the import to the draft', opts, () =>
      applyImport(deps, ctx, listId, input.id, { records: input.records, removals: input.removals }),
    );
  });
  printResult(
    view,
    opts,
    `applied import ${view.id} to ${input.tenant}/${input.list}: ${JSON.stringify(view.appliedSummary)}\n` +
      `the draft is not published: subreg publish --tenant ${input.tenant} --list ${input.list}`,
  );
}
