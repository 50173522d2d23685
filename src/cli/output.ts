import { ConfigError } from '../platform/config.js';
import { summariseError } from '../platform/error-summary.js';

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

/** One clear line on stderr and a non-zero exit; never a stack trace, SQL or data. */
export function fail(err: unknown, opts: OutputOptions): never {
  const { code, message } =
    err instanceof ConfigError ? { code: 'CONFIG_INVALID', message: err.message } : summariseError(err);
  if (opts.json) process.stderr.write(`${JSON.stringify({ error: { code, message } })}\n`);
  else process.stderr.write(`subreg: ${code}: ${message}\n`);
  process.exit(1);
}
