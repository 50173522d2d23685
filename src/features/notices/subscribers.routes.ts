import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  pageOf,
  paginationQuery,
  problemResponses,
  tenantParams,
  uuidParam,
} from '../../http/common-schemas.js';
import { tenantContext } from '../../http/request-auth.js';
import type { AppDeps } from '../../app/deps.js';
import { emailField, organisationField } from './subscriber-fields.js';
import {
  addSubscriber,
  exportSubscribersCsv,
  listSubscribers,
  removeSubscriber,
} from './subscribers.service.js';

export const subscriberView = z
  .object({
    id: z.string(),
    listId: z.string().nullable().describe('null: every list of the workspace'),
    email: z.string(),
    organisation: z.string().nullable(),
    customerId: z.string().nullable().describe('the customer this address is a contact of (linked by staff)'),
    status: z.enum(['pending', 'confirmed', 'unsubscribed']),
    addedBy: z.enum(['staff', 'self']),
    createdAt: z.string(),
    confirmedAt: z.string().nullable(),
    unsubscribedAt: z.string().nullable(),
  })
  .meta({ id: 'Subscriber' });

const filterQuery = z.object({
  listId: uuidParam.optional(),
  status: z.enum(['pending', 'confirmed', 'unsubscribed']).optional(),
});

/** Staff's view of who is told of changes: list, export, add (confirmed), remove. */
export const subscribersRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/tenants/:tenant/subscribers',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'listSubscribers',
          tags: ['notices'],
          summary: 'Subscribers to change notices, by address',
          params: tenantParams,
          querystring: paginationQuery.extend(filterQuery.shape),
          response: { 200: pageOf(subscriberView), ...problemResponses },
        },
      },
      async (req) => {
        const { limit, offset, ...filter } = req.query;
        return listSubscribers(deps, await tenantContext(req, deps), filter, { limit, offset });
      },
    );
    app.get(
      '/tenants/:tenant/subscribers/export',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'exportSubscribers',
          tags: ['notices'],
          summary: 'Every subscriber as CSV',
          params: tenantParams,
          querystring: filterQuery,
          response: {
            200: { content: { 'text/csv': { schema: z.string().describe('One row per subscriber') } } },
            ...problemResponses,
          },
        },
      },
      async (req, reply) =>
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="subscribers.csv"')
          .send(await exportSubscribersCsv(deps, await tenantContext(req, deps), req.query)),
    );
    app.post(
      '/tenants/:tenant/subscribers',
      {
        config: { role: 'editor' },
        schema: {
          operationId: 'addSubscriber',
          tags: ['notices'],
          summary: "Add a customer's contact: confirmed at once, marked as added by staff",
          params: tenantParams,
          body: z.strictObject({
            email: emailField,
            organisation: organisationField.optional(),
            listId: uuidParam.nullable().optional().describe('omit or null: every list of the workspace'),
          }),
          response: { 201: subscriberView, ...problemResponses },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await addSubscriber(deps, await tenantContext(req, deps), req.body)),
    );
    app.delete(
      '/tenants/:tenant/subscribers/:subscriberId',
      {
        config: { role: 'editor' },
        schema: {
          operationId: 'removeSubscriber',
          tags: ['notices'],
          summary: 'Remove a subscriber (past deliveries keep the address they went to)',
          params: tenantParams.extend({ subscriberId: uuidParam }),
          response: { 204: z.null(), ...problemResponses },
        },
      },
      async (req, reply) => {
        await removeSubscriber(deps, await tenantContext(req, deps), req.params.subscriberId);
        return reply.code(204).send(null);
      },
    );
  };
