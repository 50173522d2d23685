// `npm run openapi`: writes the served OpenAPI document to openapi.json (committed; a test
// fails when the served one drifts from it).
import { writeFileSync } from 'node:fs';
import { canonicalJson, servedOpenApiDocument } from '../src/http/openapi-document.js';

const doc = await servedOpenApiDocument();
writeFileSync(new URL('../openapi.json', import.meta.url), canonicalJson(doc));
process.stdout.write(`openapi.json: ${Object.keys(doc.paths as object).length} paths\n`);
