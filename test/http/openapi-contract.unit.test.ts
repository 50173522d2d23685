import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalJson, servedOpenApiDocument } from '../../src/http/openapi-document.js';

type Operation = {
  operationId?: string;
  summary?: string;
  tags?: string[];
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};

const committed = readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8');

describe('the API contract (openapi.json)', () => {
  it('is the document the server serves', async () => {
    const served = canonicalJson(await servedOpenApiDocument());
    // toBe would print 400 KB twice; say what to do instead.
    expect(
      served === committed,
      'The served OpenAPI document differs from the committed openapi.json: run npm run openapi and commit it.',
    ).toBe(true);
  }, 60_000);

  it('gives every operation an id, a summary, a tag, problem+json 4xx answers and a typed 2xx', () => {
    const doc = JSON.parse(committed) as { paths: Record<string, Record<string, Operation>> };
    const faults: string[] = [];
    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const name = `${method.toUpperCase()} ${path}`;
        if (!op.operationId) faults.push(`${name}: no operationId`);
        else if (ids.has(op.operationId)) faults.push(`${name}: operationId ${op.operationId} used twice`);
        else ids.add(op.operationId);
        if (!op.summary) faults.push(`${name}: no summary`);
        if (!op.tags?.length) faults.push(`${name}: no tag`);
        const statuses = Object.keys(op.responses ?? {});
        const fourXx = statuses.filter((s) => s.startsWith('4'));
        if (fourXx.length === 0) faults.push(`${name}: no 4xx answer (add ...problems(400, ...))`);
        for (const s of fourXx) {
          const schema = op.responses?.[s]?.content?.['application/problem+json']?.schema;
          if (!schema) faults.push(`${name}: ${s} is not application/problem+json (use problems(...))`);
        }
        for (const s of statuses.filter((x) => x.startsWith('2') && x !== '204')) {
          const content = Object.values(op.responses?.[s]?.content ?? {});
          if (content.length === 0 || content.some((c) => !c.schema))
            faults.push(`${name}: ${s} has no body schema`);
        }
      }
    }
    expect(faults).toEqual([]);
  });
});
