import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { regionEnvKey } from '../../src/platform/config.js';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/subreg.mjs');

/**
 * Runs the real CLI in a child process, configured as a production user would (environment
 * variables), or with no database at all (`withDatabase: false`).
 */
export async function subreg(args: string[], withDatabase = true, extraEnv: NodeJS.ProcessEnv = {}) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, LOG_LEVEL: 'silent' };
  if (withDatabase) {
    const t = inject('dbTargets');
    env.CONTROL_DATABASE_URL = t.controlUrl;
    for (const r of t.regions) env[regionEnvKey(r.id, 'DATABASE_URL')] = r.url;
  } else {
    env.DATA_DIR = path.join(os.tmpdir(), `subreg-nodb-${process.pid}`);
  }
  Object.assign(env, extraEnv);
  try {
    const r = await run(process.execPath, [bin, ...args], {
      env,
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
