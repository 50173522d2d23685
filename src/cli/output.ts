import { ConfigError } from '../platform/config.js';
import { AppError } from '../platform/errors.js';

/** Global flags, set once from the command line before a command runs. */
export const cliFlags = { json: false };

export interface OutputOptions {
  json?: boolean;
}

/** Prints a result as JSON (--json) or as readable `key: value` lines. */
export function printResult(result: unknown, opts: OutputOptions, text?: string): void {
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  if (text !== undefined) {
    process.stdout.write(`${text}\n`);
    return;
  }
  if (result && typeof result === 'object') {
    for (const [k, v] of Object.entries(result)) {
      process.stdout.write(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}\n`);
    }
  } else {
    process.stdout.write(`${String(result)}\n`);
  }
}

/** One clear line on stderr and a non-zero exit; never a stack trace for expected errors. */
export function fail(err: unknown, opts: OutputOptions): never {
  let code = 'ERROR';
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof AppError) code = err.code;
  else if (err instanceof ConfigError) code = 'CONFIG_INVALID';
  else if ((err as { code?: unknown })?.code && typeof (err as { code: unknown }).code === 'string') {
    code = (err as { code: string }).code;
  }
  if (opts.json) process.stderr.write(`${JSON.stringify({ error: { code, message } })}\n`);
  else process.stderr.write(`subreg: ${message}\n`);
  process.exit(1);
}
