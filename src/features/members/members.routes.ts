import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses, tenantParams, text, uuidParam } from '../../http/common-schemas.js';
import { tenantContext } from '../../http/request-auth.js';
import type { AppDeps } from '../../app/deps.js';
import { email, password } from '../auth/auth.schemas.js';
import {
  acceptInvitation,
  changeMemberRole,
  inviteMember,
  listMembers,
  listPendingInvitations,
  removeMember,
  revokeInvitation,
} from './members.service.js';

const role = z.enum(['owner', 'editor', 'viewer']);
const member = z
  .object({ userId: z.uuid(), email: z.string(), name: z.string(), role })
  .meta({ id: 'Member' });
const pendingInvitation = z
  .object({
    id: z.uuid(),
    email: z.string(),
    role,
    createdBy: z.string().nullable().describe('email of the owner who invited, if they still exist'),
    createdAt: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: 'PendingInvitation' });
const memberParams = tenantParams.extend({ userId: uuidParam });

export const membersRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/tenants/:tenant/members',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'listMembers',
          tags: ['members'],
          summary: 'People in the workspace',
          params: tenantParams,
          response: { 200: z.object({ items: z.array(member) }), ...problemResponses },
        },
      },
      async (req) => ({ items: await listMembers(deps, await tenantContext(req, deps)) }),
    );
    app.patch(
      '/tenants/:tenant/members/:userId',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'updateMemberRole',
          tags: ['members'],
          summary: "Change a member's role",
          params: memberParams,
          body: z.strictObject({ role }),
          response: { 200: z.object({ userId: z.uuid(), role }), ...problemResponses },
        },
      },
      async (req) => changeMemberRole(deps, await tenantContext(req, deps), req.params.userId, req.body.role),
    );
    app.delete(
      '/tenants/:tenant/members/:userId',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'removeMember',
          tags: ['members'],
          summary: 'Remove a member',
          params: memberParams,
          response: { 204: z.null(), ...problemResponses },
        },
      },
      async (req, reply) => {
        await removeMember(deps, await tenantContext(req, deps), req.params.userId);
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/tenants/:tenant/invitations',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'createInvitation',
          tags: ['members'],
          summary: 'Invite someone; the invitation token is in this answer only',
          params: tenantParams,
          body: z.strictObject({ email, role }),
          response: {
            201: z.object({
              id: z.uuid(),
              email: z.string(),
              role,
              expiresAt: z.string(),
              token: z.string(),
            }),
            ...problemResponses,
          },
        },
      },
      async (req, reply) =>
        reply
          .code(201)
          .send(await inviteMember(deps, await tenantContext(req, deps), req.body.email, req.body.role)),
    );
    app.get(
      '/tenants/:tenant/invitations',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'listInvitations',
          tags: ['members'],
          summary: 'Pending invitations (not accepted, revoked or expired), newest first; never their tokens',
          params: tenantParams,
          response: { 200: z.object({ items: z.array(pendingInvitation) }), ...problemResponses },
        },
      },
      async (req) => ({ items: await listPendingInvitations(deps, await tenantContext(req, deps)) }),
    );
    app.delete(
      '/tenants/:tenant/invitations/:invitationId',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'revokeInvitation',
          tags: ['members'],
          summary: 'Revoke a pending invitation; its link stops working',
          params: tenantParams.extend({ invitationId: uuidParam }),
          response: { 204: z.null(), ...problemResponses },
        },
      },
      async (req, reply) => {
        await revokeInvitation(deps, await tenantContext(req, deps), req.params.invitationId);
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/invitations/accept',
      {
        config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
        schema: {
          operationId: 'acceptInvitation',
          tags: ['members'],
          summary: 'Accept an invitation (new users choose a password, existing users give theirs)',
          security: [],
          body: z.strictObject({ token: z.string().min(10).max(200), password, name: text(120).optional() }),
          response: { 200: z.object({ userId: z.uuid(), tenant: z.string(), role }), ...problemResponses },
        },
      },
      async (req) => acceptInvitation(deps, req.body),
    );
  };
