import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { importDocument, toContractRecord } from '../../features/imports/import-document.js';
import { IMPORT_LIMITS } from '../../features/imports/limits.js';
import { ImportError, type ImportResult } from '../../features/imports/model.js';
import { fail, printResult } from '../output.js';

interface ImportOptions {
  dryRun?: boolean;
  tenant?: string;
  list?: string;
  apply?: boolean;
}

export function registerImportCommand(program: Command): void {
  const command = program
    .command('import')
    .description('read a sub-processor list (text, Markdown, HTML, CSV/TSV, XLSX, DOCX, PDF) into records')
    .argument('<file>', 'the document to import')
    .option('--dry-run', 'only print the records found; needs no database')
    .option('--tenant <slug>', 'workspace to store the import in')
    .option('--list <slug>', 'list whose draft the import previews against')
    .option('--apply', 'apply every addition and change to the draft (never publishes)')
    .action(async (file: string, o: ImportOptions) => {
      const opts = program.opts();
      try {
        const bytes = await readLimited(file);
        if (o.dryRun || !o.tenant) {
          if (!o.dryRun)
            process.stderr.write('subreg: no --tenant given, so nothing is stored (as with --dry-run)\n');
          printDryRun(await importDocument({ bytes, fileName: path.basename(file) }), opts);
          return;
        }
        // Loaded only here: a dry run needs no database code at all.
        const { storeImportFromCli } = await import('./import-store.js');
        await storeImportFromCli({ file, bytes, tenant: o.tenant, list: o.list, apply: o.apply }, opts);
      } catch (e) {
        fail(e, opts);
      }
    });

  command
    .command('apply')
    .description('apply a stored import to the draft (all of it, or the records chosen); never publishes')
    .argument('<id>', 'the import id printed when the file was imported')
    // --tenant and --list are the `import` command's own options too: commander gives them to
    // it wherever they stand, so they are read from both.
    .option('--tenant <slug>', 'workspace slug (required)')
    .option('--list <slug-or-id>', 'list slug or id (required)')
    .option('--records <indexes>', 'only these records, by index in the preview: 0,3,7')
    .option('--remove <entryIds>', 'also remove these draft entries the document no longer lists: id,id')
    .action(async (id: string, o: { tenant?: string; list?: string; records?: string; remove?: string }) => {
      const opts = program.opts();
      try {
        const parent = command.opts<ImportOptions>();
        const tenant = o.tenant ?? parent.tenant;
        const list = o.list ?? parent.list;
        if (!tenant || !list)
          throw new ImportError(
            'OPTION_MISSING',
            'Say where the import belongs: --tenant <slug> --list <slug-or-id>.',
          );
        const records = o.records === undefined ? undefined : parseIndexes(o.records);
        const removals = o.remove === undefined ? undefined : o.remove.split(',').map((s) => s.trim());
        const { applyImportFromCli } = await import('./import-store.js');
        await applyImportFromCli({ id, tenant, list, records, removals }, opts);
      } catch (e) {
        fail(e, opts);
      }
    });
}

function parseIndexes(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.some((p) => !/^\d{1,6}$/.test(p))) {
    throw new ImportError(
      'RECORDS_INVALID',
      `--records takes record indexes separated by commas (0,3,7), not "${text}".`,
    );
  }
  return parts.map(Number);
}

/** The stable contract: {"records":[...]} with the keys of shared/fixtures/seeds/*.expected.json. */
function printDryRun(result: ImportResult, opts: { json?: boolean }): void {
  const records = result.records.map(toContractRecord);
  const out: Record<string, unknown> = { records };
  if (records.length === 0 && result.warnings.length > 0) out.reason = result.warnings.join(' ');
  if (opts.json) {
    printResult(out, opts);
    return;
  }
  const lines = [`${records.length} record(s) found (${result.format})`];
  for (const r of result.records) {
    const where = r.source.page ? `page ${r.source.page}` : r.source.line ? `line ${r.source.line}` : '';
    const extra = [r.group, r.type, r.locations.join(', ')].filter(Boolean).join(' | ');
    lines.push(
      `- ${r.legalName}${r.tradingNames.length ? ` (t/as ${r.tradingNames.join(', ')})` : ''}  ${extra}  [${where}]`,
    );
  }
  for (const w of result.warnings) lines.push(`note: ${w}`);
  printResult(out, opts, lines.join('\n'));
}

async function readLimited(file: string): Promise<Uint8Array> {
  let stat: Awaited<ReturnType<typeof fs.stat>>;
  try {
    stat = await fs.stat(file);
  } catch {
    throw new ImportError('FILE_NOT_FOUND', `Cannot read "${file}": no such file.`);
  }
  if (!stat.isFile()) throw new ImportError('NOT_A_FILE', `"${file}" is not a file.`);
  if (stat.size > IMPORT_LIMITS.maxFileBytes) {
    throw new ImportError(
      'FILE_TOO_LARGE',
      `"${file}" is ${(stat.size / 1024 / 1024).toFixed(1)} MB; the limit is ${IMPORT_LIMITS.maxFileBytes / 1024 / 1024} MB.`,
    );
  }
  return new Uint8Array(await fs.readFile(file));
}
