#!/usr/bin/env node
// Builds the admin app (src/web/admin -> dist/admin) with Vite. `--if-stale` builds only when
// dist is missing or older than a source file, so `npm start` and `npm install` (prepare)
// give a newcomer a working /app without a separate step, and cost nothing when it is current.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WEB_SOURCES = path.join(ROOT, 'src/web/admin');
export const WEB_DIST = path.join(ROOT, 'dist/admin');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

/** True when dist/admin/index.html is missing or older than any source (or this script). */
export function webBuildIsStale() {
  const index = path.join(WEB_DIST, 'index.html');
  if (!fs.existsSync(index)) return true;
  const built = fs.statSync(index).mtimeMs;
  return Math.max(newestMtime(WEB_SOURCES), fs.statSync(fileURLToPath(import.meta.url)).mtimeMs) > built;
}

export async function buildWeb({ quiet = false } = {}) {
  let vite;
  let react;
  try {
    vite = await import('vite');
    react = (await import('@vitejs/plugin-react')).default;
  } catch {
    throw new Error('Vite is not installed: run `npm install` (it builds the admin app), then try again.');
  }
  const started = Date.now();
  await vite.build({
    configFile: false,
    root: WEB_SOURCES,
    base: '/app/',
    logLevel: quiet ? 'error' : 'warn',
    plugins: [react()],
    build: { outDir: WEB_DIST, emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1500 },
  });
  if (!quiet)
    console.log(`admin app built into dist/admin in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !webBuildIsStale()) process.exit(0);
  try {
    await buildWeb();
  } catch (err) {
    console.error(`Could not build the admin app: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}
