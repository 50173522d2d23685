import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { AppError } from '../../platform/errors.js';
import { fail, printResult } from '../output.js';

const MAX_FILE_BYTES = 60 * 1024 * 1024;

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('read a sub-processor document (txt, md, html, csv, xlsx, docx, pdf) into records')
    .argument('<file>', 'the document')
    .option('--dry-run', 'only parse and print the records; needs no database')
    .option('--tenant <slug>', 'workspace to import into')
    .option('--list <slug>', 'list to import into')
    .action(async (file: string, o: { dryRun?: boolean; tenant?: string; list?: string }) => {
      const opts = program.opts();
      try {
        if (!o.dryRun) {
          throw new AppError(
            501,
            'IMPORT_STORE_NOT_AVAILABLE',
            'Storing an import as a draft is not available yet; use --dry-run to see the records.',
          );
        }
        const info = await stat(file).catch(() => null);
        if (!info?.isFile()) throw new AppError(400, 'FILE_NOT_FOUND', `${file} is not a readable file.`);
        // The importer applies its own, smaller limit; this only avoids reading a huge file into memory.
        if (info.size > MAX_FILE_BYTES) {
          throw new AppError(413, 'IMPORT_TOO_LARGE', `${file} is ${Math.round(info.size / 1048576)} MB; the limit is 25 MB.`);
        }
        const { importDocument, toContractRecord } = await import('../../features/imports/importDocument.js');
        const outcome = await importDocument({ bytes: new Uint8Array(await readFile(file)), fileName: file });
        const records = outcome.records.map(toContractRecord);
        const result = { records, ...(outcome.reason ? { reason: outcome.reason } : {}), warnings: outcome.warnings };
        printResult(
          result,
          opts,
          records.length
            ? records.map((r) => `${r.legalName}${r.group ? `  [${r.group}]` : ''}  ${r.locations.join(', ')}`).join('\n')
            : `no records: ${outcome.reason ?? 'no list found'}`,
        );
      } catch (e) {
        fail(e, opts);
      }
    });
}
