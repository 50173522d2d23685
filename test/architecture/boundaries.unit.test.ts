import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The house rules of ARCHITECTURE.md, checked on the import lines of src/ (no compiler needed):
 * a new file that breaks one fails here with the rule and how to fix it.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const SRC = path.join(ROOT, 'src');

interface Import {
  from: string; // importing file, relative to the repo root
  to: string; // imported file, relative to the repo root (relative specifiers only)
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return /\.ts$/.test(d.name) && !/\.test\.ts$/.test(d.name) ? [p] : [];
  });
}

const IMPORT_RE = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?'([^']+)'/gm;

function importsOf(file: string, text: string): Import[] {
  const out: Import[] = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[3]!;
    if (!spec.startsWith('.')) continue;
    const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
    out.push({ from: rel(file), to: rel(target), typeOnly: Boolean(m[2]) });
  }
  return out;
}

const rel = (p: string) => path.relative(ROOT, p).split(path.sep).join('/');
const featureOf = (p: string) => /^src\/features\/([^/]+)\//.exec(p)?.[1] ?? null;

const files = sourceFiles(SRC).map((f) => ({ path: rel(f), text: fs.readFileSync(f, 'utf8') }));
const imports = files.flatMap((f) => importsOf(path.join(ROOT, f.path), f.text));

const LOWER_LAYERS_FIX =
  'platform/, db/ and domain/ must not depend on a feature: move the type or function down into platform/ (or take it as a parameter)';

/** Known breaches, each to be removed when fixed (the test fails when one no longer occurs). */
const KNOWN: string[] = [
  // publishing creates the notice in the publish transaction; notices read the versions they announce.
  'features-one-way: features/notices and features/publishing import each other; move what both need into the one that owns it (or into platform/), so imports run one way',
];

function violations(): string[] {
  const found: string[] = [];
  for (const i of imports) {
    const [a, b] = [featureOf(i.from), featureOf(i.to)];
    const outsider = i.from.startsWith('src/cli/') || (a !== null && a !== b);
    // 1. Features (and the CLI) reach another feature through its service, never its repo or routes.
    if (b && outsider && !i.typeOnly && /\.(repo|routes)\.ts$/.test(i.to))
      found.push(
        `feature-through-service: ${i.from} imports ${i.to}; call an exported function of ` +
          `src/features/${b}/*.service.ts instead (add one there that takes the transaction if needed)`,
      );
    // 2. Lower layers know no feature, not even its types.
    if (/^src\/(platform|db|domain)\//.test(i.from) && b)
      found.push(`lower-layers: ${i.from} imports ${i.to}; ${LOWER_LAYERS_FIX}`);
  }
  // 3. Services and repos know nothing of HTTP (the CLI and jobs call them too).
  for (const i of imports)
    if (/\.(service|repo)\.ts$/.test(i.from) && i.to.startsWith('src/http/'))
      found.push(
        `no-http-below-routes: ${i.from} imports ${i.to}; services and repos must not depend on ` +
          "http/: take what they need from platform/ (paging.ts, errors.ts) or the feature's schemas",
      );
  // 4. Two features never import each other: one of them owns what both need.
  const pairs = new Set(imports.map((i) => `${featureOf(i.from)}>${featureOf(i.to)}`));
  for (const pair of pairs) {
    const [a, b] = pair.split('>');
    if (a !== 'null' && b !== 'null' && a !== b && a! < b! && pairs.has(`${b}>${a}`))
      found.push(
        `features-one-way: features/${a} and features/${b} import each other; move what both ` +
          'need into the one that owns it (or into platform/), so imports run one way',
      );
  }
  // 5. SQL lives in repos: services hold the transaction and call the repo's functions.
  for (const f of files) {
    if (!/^src\/features\/.*\.service\.ts$/.test(f.path)) continue;
    const sql = /from 'drizzle-orm'|from '[./]+db\/schema\//.exec(f.text);
    if (sql)
      found.push(
        `sql-in-repos: ${f.path} builds queries itself; move them into the feature's *.repo.ts ` +
          'as functions that take the transaction (or ControlDb)',
      );
  }
  for (const f of files) {
    // 6. Routes speak HTTP only: no SQL, no transactions.
    if (!f.path.endsWith('.routes.ts')) continue;
    const sql =
      /\b(?:tx|db|control)\.(?:select|insert|update|delete|execute|transaction|query)\b|\bwithTenant\(|\bsql`|from 'drizzle-orm|from '[./]+db\/schema\//.exec(
        f.text,
      );
    if (sql)
      found.push(
        `no-sql-in-routes: ${f.path} has \`${sql[0]}\`; move the query into the feature's repo ` +
          'and the transaction into its service, and call the service from the route',
      );
  }
  // 7. A feature's core tables are written by that feature only (others call its service).
  for (const f of files) {
    const feature = featureOf(f.path);
    if (!feature) continue;
    for (const [table, owner] of Object.entries(TABLE_OWNERS)) {
      if (feature === owner) continue;
      const symbol = table.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());
      const write = new RegExp(
        `\\b(?:insert\\s+into|update|delete\\s+from)\\s+"?${table}"?\\b|\\.(?:insert|update|delete)\\(${symbol}\\)`,
        'i',
      ).exec(f.text);
      if (write)
        found.push(
          `tables-by-owner: ${f.path} writes ${table} (\`${write[0]}\`), a table of features/${owner}; ` +
            `call a function of src/features/${owner}/*.service.ts that takes the transaction instead`,
        );
    }
  }
  return [...new Set(found)].sort();
}

/** The registry's core tables and the feature that alone writes them. */
const TABLE_OWNERS: Record<string, string> = {
  entities: 'entities',
  entries: 'entries',
  lists: 'lists',
  list_versions: 'publishing',
};

describe('the boundaries of ARCHITECTURE.md', () => {
  const found = violations();

  it('are kept: every breach is named with its rule and how to fix it', () => {
    expect(found.filter((v) => !KNOWN.includes(v))).toEqual([]);
  });

  it('has no known breach left that has been fixed (remove it from KNOWN)', () => {
    expect(KNOWN.filter((v) => !found.includes(v))).toEqual([]);
  });

  it('reads the imports it checks', () => {
    expect(imports.length).toBeGreaterThan(500);
    expect(imports.some((i) => i.to === 'src/platform/context.ts' && i.typeOnly)).toBe(true);
  });
});
