import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  pageOf,
  paginationQuery,
  problemResponses,
  problems,
  tenantParams,
  uuidParam,
} from '../../http/common-schemas.js';
import { tenantContext } from '../../http/request-auth.js';
import type { AppDeps } from '../../app/deps.js';
import { customerFields } from './customer-fields.js';
import {
  createCustomer,
  getCustomer,
  listCustomers,
  removeCustomer,
  setContact,
  updateCustomer,
} from './customers.service.js';

const customerBase = {
  id: z.string(),
  organisation: z.string(),
  contractReference: z.string().nullable(),
  authorisation: z.enum(['general', 'specific']),
  noticePeriodDays: z.number().int().nullable(),
  notifyBy: z.enum(['email', 'webhook', 'both']),
  notes: z.string().nullable(),
  contacts: z.number().int().describe('how many subscribers are linked to it as its contacts'),
  createdAt: z.string(),
  updatedAt: z.string(),
};

export const customerView = z.object(customerBase).meta({ id: 'Customer' });

const contactView = z
  .object({
    id: z.string().describe('the subscriber id'),
    email: z.string(),
    status: z.enum(['pending', 'confirmed', 'unsubscribed']),
    listId: z.string().nullable(),
  })
  .meta({ id: 'CustomerContact' });

const customerDetail = z
  .object({ ...customerBase, contactList: z.array(contactView) })
  .meta({ id: 'CustomerDetail' });

const customerParams = tenantParams.extend({ customerId: uuidParam });
const contactParams = customerParams.extend({ subscriberId: uuidParam });

/** Staff record their customers and the terms of their contracts; contacts are linked subscribers. */
export const customersRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/tenants/:tenant/customers',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'listCustomers',
          tags: ['customers'],
          summary: 'Customers and their contract terms, by name',
          params: tenantParams,
          querystring: paginationQuery,
          response: { 200: pageOf(customerView), ...problemResponses },
        },
      },
      async (req) => listCustomers(deps, await tenantContext(req, deps), req.query),
    );
    app.post(
      '/tenants/:tenant/customers',
      {
        config: { role: 'editor' },
        schema: {
          operationId: 'createCustomer',
          tags: ['customers'],
          summary: 'Record a customer and its terms',
          params: tenantParams,
          body: z.strictObject({
            organisation: customerFields.organisation,
            contractReference: customerFields.contractReference.optional(),
            authorisation: customerFields.authorisation.optional().describe('default: general'),
            noticePeriodDays: customerFields.noticePeriodDays.optional(),
            notifyBy: customerFields.notifyBy.optional().describe('default: email'),
            notes: customerFields.notes.optional(),
          }),
          response: { 201: customerView, ...problemResponses, ...problems(422) },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await createCustomer(deps, await tenantContext(req, deps), req.body)),
    );
    app.get(
      '/tenants/:tenant/customers/:customerId',
      {
        config: { role: 'viewer' },
        schema: {
          operationId: 'getCustomer',
          tags: ['customers'],
          summary: 'A customer, its terms and its contacts',
          params: customerParams,
          response: { 200: customerDetail, ...problemResponses },
        },
      },
      async (req) => getCustomer(deps, await tenantContext(req, deps), req.params.customerId),
    );
    app.patch(
      '/tenants/:tenant/customers/:customerId',
      {
        config: { role: 'editor' },
        schema: {
          operationId: 'updateCustomer',
          tags: ['customers'],
          summary: "Change a customer's name or terms (applies to versions published from now on)",
          params: customerParams,
          body: z.strictObject({
            organisation: customerFields.organisation.optional(),
            contractReference: customerFields.contractReference.optional(),
            authorisation: customerFields.authorisation.optional(),
            noticePeriodDays: customerFields.noticePeriodDays.optional(),
            notifyBy: customerFields.notifyBy.optional(),
            notes: customerFields.notes.optional(),
          }),
          response: { 200: customerView, ...problemResponses, ...problems(422) },
        },
      },
      async (req) => updateCustomer(deps, await tenantContext(req, deps), req.params.customerId, req.body),
    );
    app.delete(
      '/tenants/:tenant/customers/:customerId',
      {
        config: { role: 'editor' },
        schema: {
          operationId: 'removeCustomer',
          tags: ['customers'],
          summary: 'Remove a customer (its contacts stay subscribed); refused when approvals are on record',
          params: customerParams,
          response: { 204: z.null(), ...problemResponses },
        },
      },
      async (req, reply) => {
        await removeCustomer(deps, await tenantContext(req, deps), req.params.customerId);
        return reply.code(204).send(null);
      },
    );
    app.put(
      '/tenants/:tenant/customers/:customerId/contacts/:subscriberId',
      {
        config: { role: 'editor' },
        schema: {
          operationId: 'linkCustomerContact',
          tags: ['customers'],
          summary: 'Link a subscriber to the customer as its contact',
          params: contactParams,
          response: { 200: contactView, ...problemResponses },
        },
      },
      async (req) =>
        setContact(
          deps,
          await tenantContext(req, deps),
          req.params.customerId,
          req.params.subscriberId,
          true,
        ),
    );
    app.delete(
      '/tenants/:tenant/customers/:customerId/contacts/:subscriberId',
      {
        config: { role: 'editor' },
        schema: {
          operationId: 'unlinkCustomerContact',
          tags: ['customers'],
          summary: 'Unlink a contact from the customer (it stays subscribed)',
          params: contactParams,
          response: { 204: z.null(), ...problemResponses },
        },
      },
      async (req, reply) => {
        await setContact(
          deps,
          await tenantContext(req, deps),
          req.params.customerId,
          req.params.subscriberId,
          false,
        );
        return reply.code(204).send(null);
      },
    );
  };
