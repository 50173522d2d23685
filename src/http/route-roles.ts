import type { FastifyInstance } from 'fastify';
import type { Role } from '../platform/context.js';

/**
 * Roles are declared in one place: each workspace route names the least role it needs in its
 * options (`config: { role: 'editor' }`), `tenantContext` checks it for every request, and the
 * OpenAPI document states it on the operation. Services do not check roles again; the CLI acts
 * as an owner of the workspace it names.
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    /** the least role a member (or token) needs to call this workspace route */
    role?: Role;
  }
}

const ROLES: readonly Role[] = ['viewer', 'editor', 'owner'];

/** A route of one workspace: its path names the workspace. */
const isWorkspaceRoute = (url: string) => url.includes('/:tenant/') || url.endsWith('/:tenant');

/** Who may call, in the words of the OpenAPI document. */
const ROLE_WORDS: Record<Role, string> = {
  viewer: 'Any member of the workspace, or any of its API tokens.',
  editor: 'Editors and owners of the workspace, or its write API tokens.',
  owner: 'Owners of the workspace only (signed in: API tokens act as editors at most).',
};

/**
 * Refuses, when routes are added, a workspace route that declares no role (the server does not
 * start), and collects every route's role for the OpenAPI document.
 */
export function collectRouteRoles(app: FastifyInstance): Map<string, Role> {
  const roles = new Map<string, Role>();
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1/') || !isWorkspaceRoute(route.url)) return;
    const role = route.config?.role;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.every((m) => m === 'HEAD')) return;
    if (!role || !ROLES.includes(role))
      throw new Error(
        `${methods.join(',')} ${route.url} declares no role: add config: { role: 'viewer' | 'editor' | 'owner' } to its options.`,
      );
    for (const m of methods) roles.set(`${m.toLowerCase()} ${route.url.replace(/:(\w+)/g, '{$1}')}`, role);
  });
  return roles;
}

/** States each workspace operation's role: `x-subreg-role`, and a line of its description. */
export function addRoleToOperations(doc: Record<string, unknown>, roles: Map<string, Role>) {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const role = roles.get(`${method} /api/v1${path}`) ?? roles.get(`${method} ${path}`);
      if (!role) continue;
      op['x-subreg-role'] = role;
      const words = `**Role:** ${ROLE_WORDS[role]}`;
      op.description = typeof op.description === 'string' ? `${op.description}\n\n${words}` : words;
    }
  }
  return doc;
}
