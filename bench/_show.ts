import fs from 'node:fs';
import { importDocument, toContractRecord } from '../src/features/imports/import-document.js';
const f = process.argv[2]!;
if (f.includes('held-out')) throw new Error('dev only');
const r = await importDocument({ bytes: fs.readFileSync(f), fileName: f });
for (const x of r.records.slice(0, Number(process.argv[3] ?? 3)))
  console.log(JSON.stringify(toContractRecord(x)));
console.log(r.warnings);
