/**
 * Benchmark: how well the importer reads lists it was not built on (test/fixtures/unseen, issue
 * 19). For each half of the split (dev, held-out) and each format (the document as retrieved, its
 * Word rendering, its PDF printed by LibreOffice and by Chromium, from printed/), the pure
 * importer's records are scored against the hand-made expected records: name precision, recall
 * and F1, and field accuracy on the matched records (bench/quality/score.ts).
 *
 * "names in text": the share of expected names whose letters occur in the file's extracted text
 * at all, a ceiling for recall (a rendering can lose a list before any recogniser sees it).
 *
 * The held-out half is reported as aggregates only: nothing about one held-out document is ever
 * printed, so nobody can tune on it.
 *
 * Run: npm run bench -- import-quality [--dev-detail] [--dev-only] [--formats original,docx,pdf,chromium]
 *   --dev-detail  per-document results of the dev half (missing and spurious names, wrong fields)
 *   --dev-only    skip the held-out half (quick runs while tuning)
 */
import fs from 'node:fs';
import path from 'node:path';
import { cleanBlocks } from '../src/features/imports/clean-blocks.js';
import { importDocument, toContractRecord } from '../src/features/imports/import-document.js';
import { readDocx } from '../src/features/imports/readers/docx.js';
import { readPdf } from '../src/features/imports/readers/pdf.js';
import type { ImportRecord } from '../src/features/imports/model.js';
import {
  type Aggregate,
  aggregate,
  type DocumentScore,
  normaliseName,
  scoreDocument,
} from './quality/score.js';

const ROOT = path.resolve(import.meta.dirname, '../test/fixtures/unseen');
const FORMATS = {
  original: (half: string, id: string) => originalFile(half, id),
  docx: (_half: string, id: string) => path.join(ROOT, 'printed', `${id}.docx`),
  pdf: (_half: string, id: string) => path.join(ROOT, 'printed', `${id}.pdf`),
  chromium: (_half: string, id: string) => path.join(ROOT, 'printed', `${id}.chromium.pdf`),
} as const;
type Format = keyof typeof FORMATS;
const HALVES = ['dev', 'held-out'] as const;
type Half = (typeof HALVES)[number];

const args = process.argv.slice(2);
const devDetail = args.includes('--dev-detail');
const devOnly = args.includes('--dev-only');
const formatsArg = args.find((a) => a.startsWith('--formats='))?.slice('--formats='.length);
const formats = (formatsArg ? formatsArg.split(',') : Object.keys(FORMATS)).filter(
  (f): f is Format => f in FORMATS,
);

function originalFile(half: string, id: string): string {
  const dir = path.join(ROOT, half);
  const name = fs.readdirSync(dir).find((f) => f.startsWith(`${id}.`) && !f.endsWith('.expected.json'));
  if (!name) throw new Error(`test/fixtures/unseen/${half} has no document for ${id}`);
  return path.join(dir, name);
}

function expectedOf(half: string, id: string): ImportRecord[] {
  const file = path.join(ROOT, half, `${id}.expected.json`);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { records: ImportRecord[] }).records;
}

/** The importer's records, or none when it refuses the file (a refusal scores as nothing found). */
async function run(file: string): Promise<{ records: ImportRecord[]; error?: string; ms: number }> {
  const t0 = performance.now();
  try {
    const result = await importDocument({ bytes: fs.readFileSync(file), fileName: path.basename(file) });
    return { records: result.records.map(toContractRecord), ms: performance.now() - t0 };
  } catch (err) {
    return { records: [], error: String((err as Error).message ?? err), ms: performance.now() - t0 };
  }
}

function describeDev(id: string, format: Format, s: DocumentScore, error: string | undefined, ms: number) {
  const misses = Object.entries(s.fieldMisses)
    .filter(([, n]) => n > 0)
    .map(([f, n]) => `${f} ${n}`)
    .join(', ');
  const ok = s.matched === s.expected && s.found === s.expected && misses === '';
  const head = `${ok ? 'ok ' : '-- '} ${format.padEnd(8)} ${id.padEnd(26)} ${s.matched}/${s.expected} found ${s.found}  ${ms.toFixed(0)} ms`;
  console.log(head + (misses ? `  wrong fields: ${misses}` : ''));
  if (error) console.log(`      refused: ${error}`);
  if (!ok) {
    if (s.missing.length) console.log(`      missing:  ${s.missing.slice(0, 12).join(' | ')}`);
    if (s.spurious.length) console.log(`      spurious: ${s.spurious.slice(0, 12).join(' | ')}`);
  }
}

/**
 * The names a reader could find at all: the expected names whose letters occur in the file's
 * text (a rendering may have lost a list: pandoc drops raw HTML tables of Markdown from the Word
 * file; a PDF font may lack its text mapping). A ceiling for recall, per format, in aggregate.
 */
async function namesInText(file: string, expected: readonly ImportRecord[]): Promise<number> {
  let text: string;
  try {
    const blocks = file.endsWith('.docx')
      ? await readDocx(fs.readFileSync(file))
      : file.endsWith('.pdf')
        ? await readPdf(fs.readFileSync(file))
        : null;
    text = blocks
      ? cleanBlocks(blocks)
          .blocks.map((b) => (b.kind === 'table' ? b.rows.map((r) => r.cells.join(' ')).join(' ') : b.text))
          .join(' ')
      : fs.readFileSync(file, 'utf8');
  } catch {
    return 0;
  }
  const letters = normaliseName(text);
  return expected.filter((r) => letters.includes(normaliseName(r.legalName))).length;
}

const pct = (x: number) => x.toFixed(3);
const line = (half: string, format: string, a: Aggregate, inText: number) =>
  `${half.padEnd(9)} ${format.padEnd(9)} docs ${String(a.documents).padStart(3)}  records ${String(a.expected).padStart(4)}  found ${String(a.found).padStart(4)}  P ${pct(a.precision)}  R ${pct(a.recall)}  F1 ${pct(a.f1)}  fields ${pct(a.fieldAccuracy)}  names in text ${pct(inText / Math.max(a.expected, 1))}`;

async function main() {
  const raw = JSON.parse(fs.readFileSync(path.join(ROOT, 'split.json'), 'utf8'));
  const split: Record<Half, string[]> = { dev: raw.dev, 'held-out': raw.heldOut };
  const rows: string[] = [];
  for (const half of HALVES) {
    if (half === 'held-out' && devOnly) continue;
    const all: DocumentScore[] = [];
    let allInText = 0;
    for (const format of formats) {
      const scores: DocumentScore[] = [];
      let inText = 0;
      for (const id of split[half]) {
        const file = FORMATS[format](half, id);
        if (!fs.existsSync(file)) throw new Error(`missing rendering ${path.relative(ROOT, file)}`);
        const { records, error, ms } = await run(file);
        const s = scoreDocument(records, expectedOf(half, id));
        scores.push(s);
        inText += await namesInText(file, expectedOf(half, id));
        if (half === 'dev' && devDetail) describeDev(id, format, s, error, ms);
      }
      all.push(...scores);
      allInText += inText;
      rows.push(line(half, format, aggregate(scores), inText));
    }
    rows.push(line(half, 'all', aggregate(all), allInText));
  }
  console.log(
    '\nimport quality on unseen lists (names: precision/recall/F1; fields: accuracy on matched records)',
  );
  for (const r of rows) console.log(r);
}

await main();
