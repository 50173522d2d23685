import type { ImportResult } from '../../features/imports/model.js';
import { AppError } from '../../platform/errors.js';

export interface StoreFromCli {
  file: string;
  bytes: Uint8Array;
  result: ImportResult;
  tenant: string;
  list?: string;
}

export async function storeImportFromCli(_input: StoreFromCli, _opts: { json?: boolean }): Promise<void> {
  throw new AppError(
    501,
    'NOT_IMPLEMENTED',
    'Storing an import from the CLI is not built yet; use --dry-run.',
  );
}
