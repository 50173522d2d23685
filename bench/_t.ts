import { rebuildFlattenedTables } from '../src/features/imports/recognise/flattened-table.js';
import { readText } from '../src/features/imports/readers/text.js';
import fs from 'node:fs';
const bl = rebuildFlattenedTables(readText(fs.readFileSync('/work/wt/importer/test/fixtures/unseen/dev/invoice-data-extraction.txt','utf8')));
for (const b of bl) if (b.kind==='table') console.log(JSON.stringify(b.rows.map(r=>r.cells)));
