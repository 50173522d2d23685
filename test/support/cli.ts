import { execFile, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { regionEnvKey } from '../../src/platform/config.js';
import { TEST_AUDIT_ENV } from './audit-keys.js';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/subreg.mjs');

/** The environment a production user would give the CLI: the test databases, or none. */
export function cliEnv(withDatabase = true, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LOG_LEVEL: 'silent' };
  if (withDatabase) {
    Object.assign(env, TEST_AUDIT_ENV);
    const t = inject('dbTargets');
    env.CONTROL_DATABASE_URL = t.controlUrl;
    for (const r of t.regions) env[regionEnvKey(r.id, 'DATABASE_URL')] = r.url;
  } else {
    env.DATA_DIR = path.join(os.tmpdir(), `subreg-nodb-${process.pid}`);
  }
  Object.assign(env, extra);
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env;
}

/** The real CLI as a child process the test can watch and kill (stderr collected as it comes). */
export function spawnSubreg(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [bin, ...args], {
    env: cliEnv(true, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdout.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  /** Resolves once stderr holds a line matching `re` (rejects if the process ends first). */
  const waitFor = (re: RegExp, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${re} within ${timeoutMs} ms:\n${stderr}`)),
        timeoutMs,
      );
      const check = () => {
        if (re.test(stderr)) {
          clearTimeout(timer);
          child.stderr.off('data', check);
          resolve();
        }
      };
      child.stderr.on('data', check);
      void exited.then(() => {
        clearTimeout(timer);
        if (re.test(stderr)) resolve();
        else reject(new Error(`exited before ${re}:\n${stderr}`));
      });
      check();
    });
  return { child, exited, waitFor, stderr: () => stderr };
}

/**
 * Runs the real CLI in a child process, configured as a production user would (environment
 * variables), or with no database at all (`withDatabase: false`).
 */
export async function subreg(
  args: string[],
  withDatabase = true,
  extra: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
) {
  const env = cliEnv(withDatabase, extra.env);
  try {
    const r = await run(process.execPath, [bin, ...args], {
      env,
      cwd: extra.cwd,
      timeout: 60_000,
      encoding: 'buffer',
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout: r.stdout.toString(), stdoutBytes: r.stdout, stderr: r.stderr.toString() };
  } catch (e) {
    const x = e as { code: number; stdout: Buffer; stderr: Buffer };
    return {
      code: x.code,
      stdout: String(x.stdout ?? ''),
      stdoutBytes: x.stdout,
      stderr: String(x.stderr ?? ''),
    };
  }
}
