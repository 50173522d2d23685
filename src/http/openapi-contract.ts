/**
 * What the generated OpenAPI document needs beyond the route schemas: where it is served, its
 * licence, the tags described, error answers as application/problem+json, and no component
 * schema that nothing uses (zod's input variants of shared schemas). `openapi.json` at the repo
 * root is this document, committed (`npm run openapi`); Redocly lints it (`npm run lint:api`).
 */

type Doc = Record<string, unknown>;
type Operation = { responses?: Record<string, { content?: Record<string, unknown> }> };

const TAGS = [
  { name: 'auth', description: 'Sign-up, sign-in, sessions and password resets' },
  { name: 'tenants', description: 'Workspaces and their hosting statement' },
  { name: 'members', description: 'People in a workspace, their roles and invitations' },
  { name: 'tokens', description: 'API tokens of a workspace' },
  { name: 'lists', description: 'Sub-processor lists (by slug or id)' },
  { name: 'entities', description: 'Legal entities a workspace works with' },
  { name: 'entries', description: 'The draft entries of a list' },
  { name: 'imports', description: 'Documents read into a draft: upload, preview, apply' },
  { name: 'notices', description: 'Change notices to subscribers, their deliveries, objections and answers' },
  {
    name: 'customers',
    description: 'Customers, the terms of their contracts, their contacts and their approvals of changes',
  },
  { name: 'versions', description: 'Published, immutable versions of a list' },
  { name: 'audit', description: 'The tamper-evident audit log and its signed checkpoints' },
  { name: 'regions', description: 'Where a workspace keeps its data' },
  { name: 'operator', description: "The deployment operator's region catalogue and moves" },
  { name: 'public', description: 'Trust pages, exports, feeds and schemas anyone may read' },
  { name: 'operations', description: 'Health and readiness of the process' },
];

const PROBLEM_REF = '#/components/schemas/Problem';

export function finishOpenApiDocument(doc: Doc): Doc {
  doc.servers = [{ url: '/', description: 'This deployment' }];
  doc.info = { ...(doc.info as Doc), license: { name: 'Apache-2.0', identifier: 'Apache-2.0' } };
  doc.tags = TAGS;
  for (const op of operations(doc)) {
    for (const response of Object.values(op.responses ?? {})) {
      const json = response.content?.['application/json'] as { schema?: { $ref?: string } } | undefined;
      if (json?.schema?.$ref === PROBLEM_REF) response.content = { 'application/problem+json': json };
    }
  }
  pruneUnusedSchemas(doc);
  return doc;
}

function operations(doc: Doc): Operation[] {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Operation>>;
  return Object.values(paths).flatMap((ops) => Object.values(ops));
}

/** Drops component schemas that no $ref reaches from the paths or the other components. */
function pruneUnusedSchemas(doc: Doc): void {
  const components = (doc.components ?? {}) as Doc;
  const schemas = (components.schemas ?? {}) as Record<string, unknown>;
  const { schemas: _schemas, ...otherComponents } = components;
  const reached = new Set<string>();
  const queue = [doc.paths, otherComponents];
  while (queue.length > 0) {
    const text = JSON.stringify(queue.pop() ?? null);
    for (const m of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      const name = m[1]!;
      if (reached.has(name)) continue;
      reached.add(name);
      queue.push(schemas[name]);
    }
  }
  for (const name of Object.keys(schemas)) if (!reached.has(name)) delete schemas[name];
}
