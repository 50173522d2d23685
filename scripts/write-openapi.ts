// `npm run openapi`: writes the served OpenAPI document to openapi.json and the TypeScript types
// of a client generated from it to src/client/api-types.ts (both committed; a test fails when
// either drifts from what the server serves).
import { writeFileSync } from 'node:fs';
import { clientTypesOf } from '../src/client/generate-types.js';
import { canonicalJson, servedOpenApiDocument } from '../src/http/openapi-document.js';

const doc = await servedOpenApiDocument();
writeFileSync(new URL('../openapi.json', import.meta.url), canonicalJson(doc));
writeFileSync(new URL('../src/client/api-types.ts', import.meta.url), await clientTypesOf(doc));
process.stdout.write(
  `openapi.json and src/client/api-types.ts: ${Object.keys(doc.paths as object).length} paths\n`,
);
