// dev helper: prints the blocks of a dev document (never used on held-out files)
import fs from 'node:fs';
import { cleanBlocks } from '../src/features/imports/clean-blocks.js';
import { detectFormat } from '../src/features/imports/detect-format.js';
import { readText } from '../src/features/imports/readers/text.js';
import { readHtml } from '../src/features/imports/readers/html.js';
import { readDocx } from '../src/features/imports/readers/docx.js';
import { readPdf } from '../src/features/imports/readers/pdf.js';
const file = process.argv[2]!;
if (file.includes('held-out')) throw new Error('dev documents only');
const bytes = fs.readFileSync(file);
const f = detectFormat(bytes, file);
const raw =
  f === 'html'
    ? readHtml(bytes.toString())
    : f === 'docx'
      ? await readDocx(bytes)
      : f === 'pdf'
        ? await readPdf(bytes)
        : readText(bytes.toString());
for (const b of cleanBlocks(await raw).blocks) console.log(JSON.stringify(b).slice(0, 400));
