import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  pageOf,
  paginationQuery,
  problemResponses,
  problemSchema,
  tenantParams,
  text,
  uuidParam,
} from '../../http/common-schemas.js';
import { tenantContext } from '../../http/request-auth.js';
import type { AppDeps } from '../../app/deps.js';
import { MAX_URL_LENGTH } from './webhook-address.js';
import { WEBHOOK_EVENTS } from './webhook-events.js';
import * as service from './webhooks.service.js';

const endpointView = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    disabledAt: z.string().nullable(),
    failureCount: z.number().int(),
    secretPrefix: z.string().describe('the first characters of the signing secret, to tell secrets apart'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'WebhookEndpoint' });

const deliveryView = z
  .object({
    id: z.uuid(),
    endpointId: z.uuid(),
    eventType: z.string(),
    webhookId: z.string().describe('the webhook-id header: the same on every attempt and re-send'),
    status: z.enum(['pending', 'sending', 'delivered', 'failed']),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
    payload: z.unknown(),
    attemptLog: z.array(
      z.object({
        attemptedAt: z.string(),
        success: z.boolean(),
        httpStatus: z.number().int().nullable(),
        error: z.string().nullable(),
        durationMs: z.number().int(),
        responseExcerpt: z.string().nullable().describe('the first bytes of the answer (at most 1 KB)'),
      }),
    ),
  })
  .meta({ id: 'WebhookDelivery' });

const url = z
  .string()
  .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
  .pipe(text(MAX_URL_LENGTH))
  .pipe(z.string().min(1, 'must not be empty'));
const events = z
  .array(z.enum(WEBHOOK_EVENTS, { message: `must be one of: ${WEBHOOK_EVENTS.join(', ')}` }))
  .min(1, 'name at least one event')
  .max(WEBHOOK_EVENTS.length * 2);
const description = text(200).nullable().optional();

const endpointParams = tenantParams.extend({ webhookId: uuidParam });
const deliveryParams = endpointParams.extend({ deliveryId: uuidParam });
const refusedUrl = { 422: problemSchema };

export const webhooksRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['webhooks'];
    app.get(
      '/tenants/:tenant/webhooks',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'listWebhooks',
          tags,
          summary: 'Webhook endpoints of the workspace (owners; never their secrets)',
          params: tenantParams,
          response: { 200: z.object({ items: z.array(endpointView) }), ...problemResponses },
        },
      },
      async (req) => ({ items: await service.listEndpoints(deps, await tenantContext(req, deps)) }),
    );
    app.post(
      '/tenants/:tenant/webhooks',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'createWebhook',
          tags,
          summary: 'Add an endpoint; its signing secret (whsec_...) is in this answer only',
          params: tenantParams,
          body: z.strictObject({ url, events, description }),
          response: { 201: endpointView.extend({ secret: z.string() }), ...problemResponses, ...refusedUrl },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await service.createEndpoint(deps, await tenantContext(req, deps), req.body)),
    );
    app.get(
      '/tenants/:tenant/webhooks/:webhookId',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'getWebhook',
          tags,
          summary: 'One endpoint',
          params: endpointParams,
          response: { 200: endpointView, ...problemResponses },
        },
      },
      async (req) => service.getEndpoint(deps, await tenantContext(req, deps), req.params.webhookId),
    );
    app.patch(
      '/tenants/:tenant/webhooks/:webhookId',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'updateWebhook',
          tags,
          summary: 'Change an endpoint: URL, events, description, enabled',
          params: endpointParams,
          body: z.strictObject({
            url: url.optional(),
            events: events.optional(),
            description,
            enabled: z.boolean().optional(),
          }),
          response: { 200: endpointView, ...problemResponses, ...refusedUrl },
        },
      },
      async (req) =>
        service.updateEndpoint(deps, await tenantContext(req, deps), req.params.webhookId, req.body),
    );
    app.delete(
      '/tenants/:tenant/webhooks/:webhookId',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'deleteWebhook',
          tags,
          summary: 'Delete an endpoint with its delivery log',
          params: endpointParams,
          response: { 200: endpointView, ...problemResponses },
        },
      },
      async (req) => service.deleteEndpoint(deps, await tenantContext(req, deps), req.params.webhookId),
    );
    app.post(
      '/tenants/:tenant/webhooks/:webhookId/secret',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'rotateWebhookSecret',
          tags,
          summary: 'Replace the signing secret; the new one is in this answer only',
          params: endpointParams,
          response: { 200: endpointView.extend({ secret: z.string() }), ...problemResponses },
        },
      },
      async (req) => service.rotateSecret(deps, await tenantContext(req, deps), req.params.webhookId),
    );
    app.post(
      '/tenants/:tenant/webhooks/:webhookId/test',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'testWebhook',
          tags,
          summary: 'Send a webhook.test delivery now; answers with its attempt',
          params: endpointParams,
          response: { 200: deliveryView, ...problemResponses },
        },
      },
      async (req) => service.testEndpoint(deps, await tenantContext(req, deps), req.params.webhookId),
    );
    app.get(
      '/tenants/:tenant/webhooks/:webhookId/deliveries',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'listWebhookDeliveries',
          tags,
          summary: 'Delivery log of an endpoint, newest first, with every attempt',
          params: endpointParams,
          querystring: paginationQuery,
          response: { 200: pageOf(deliveryView), ...problemResponses },
        },
      },
      async (req) =>
        service.listDeliveries(deps, await tenantContext(req, deps), req.params.webhookId, req.query),
    );
    app.get(
      '/tenants/:tenant/webhooks/:webhookId/deliveries/:deliveryId',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'getWebhookDelivery',
          tags,
          summary: 'One delivery with every attempt',
          params: deliveryParams,
          response: { 200: deliveryView, ...problemResponses },
        },
      },
      async (req) =>
        service.getDelivery(
          deps,
          await tenantContext(req, deps),
          req.params.webhookId,
          req.params.deliveryId,
        ),
    );
    app.post(
      '/tenants/:tenant/webhooks/:webhookId/deliveries/:deliveryId/resend',
      {
        config: { role: 'owner' },
        schema: {
          operationId: 'resendWebhookDelivery',
          tags,
          summary: 'Queue a delivery again (same webhook-id), with a fresh retry schedule',
          params: deliveryParams,
          response: { 202: deliveryView, ...problemResponses },
        },
      },
      async (req, reply) =>
        reply
          .code(202)
          .send(
            await service.resendDelivery(
              deps,
              await tenantContext(req, deps),
              req.params.webhookId,
              req.params.deliveryId,
            ),
          ),
    );
  };
