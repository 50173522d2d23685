import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form, Link } from 'react-aria-components';
import { type Session, api, call } from '../../api/client';
import type { components, paths } from '../../api/schema';
import { appPath, navigate } from '../router';
import {
  ConfirmButton,
  Empty,
  ErrorNote,
  Field,
  Notice,
  SecretOnce,
  Submit,
  fieldErrors,
  formValues,
  when,
} from '../ui';
import { Pager } from './Subscribers';

type Tenant = Session['tenants'][number];
type Endpoint = components['schemas']['WebhookEndpoint'];
type Delivery = components['schemas']['WebhookDelivery'];
type EventName =
  paths['/api/v1/tenants/{tenant}/webhooks']['post']['requestBody']['content']['application/json']['events'][number];
/** The events an endpoint can subscribe to (the API's WEBHOOK_EVENTS), in words. */
const EVENTS: [EventName, string][] = [['version.published', 'A list version is published']];

/** Webhook endpoints (owners): add (secret shown once), open one for its test and delivery log. */
export function WebhooksScreen({ tenant }: { tenant: Tenant }) {
  const qc = useQueryClient();
  const params = { path: { tenant: tenant.slug } };
  const hooks = useQuery({
    queryKey: ['webhooks', tenant.slug],
    queryFn: () => call(api.GET('/api/v1/tenants/{tenant}/webhooks', { params })),
  });
  const create = useMutation({
    mutationFn: (v: { url: string; events: EventName[]; description: string }) =>
      call(
        api.POST('/api/v1/tenants/{tenant}/webhooks', {
          params,
          body: { url: v.url, events: v.events, ...(v.description ? { description: v.description } : {}) },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['webhooks', tenant.slug] }),
  });
  const items = hooks.data?.items ?? [];
  const created = create.data;
  return (
    <>
      <h1>Webhooks</h1>
      <p>
        subreg calls your endpoints when something happens (Standard Webhooks: signed, retried, the same{' '}
        <code>webhook-id</code> on every attempt).
      </p>
      <ErrorNote error={hooks.error} />
      {hooks.isSuccess && items.length === 0 && (
        <Empty title="No endpoints yet">
          <p>Add the URL of a system that should hear about published changes below.</p>
        </Empty>
      )}
      {items.length > 0 && (
        <table className="data">
          <caption className="sr-only">Webhook endpoints</caption>
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">State</th>
              <th scope="col">Failures in a row</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id}>
                <th scope="row" className="mono">
                  <Link href={appPath.webhook(tenant.slug, e.id)}>{e.url}</Link>
                  {e.description && <div className="muted">{e.description}</div>}
                </th>
                <td>{e.events.join(', ')}</td>
                <td>{endpointState(e)}</td>
                <td>{e.failureCount}</td>
                <td>{when(e.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section aria-labelledby="new-hook-h">
        <h2 id="new-hook-h">New endpoint</h2>
        {created && (
          <SecretOnce label={`Signing secret of ${created.url}`} value={created.secret}>
            Copy the signing secret now: it is shown only once. Your endpoint checks each call's signature
            with it. <Link href={appPath.webhook(tenant.slug, created.id)}>Open the endpoint</Link> to send a
            test.
          </SecretOnce>
        )}
        <EndpointForm
          error={create.error}
          pending={create.isPending}
          submitLabel="Add endpoint"
          onSubmit={(v) => create.mutate(v)}
        />
      </section>
    </>
  );
}

const endpointState = (e: Endpoint) =>
  e.enabled ? 'enabled' : `disabled${e.disabledReason ? `: ${e.disabledReason}` : ''}`;

function EndpointForm(props: {
  endpoint?: Endpoint;
  error: unknown;
  pending: boolean;
  submitLabel: string;
  onSubmit: (v: { url: string; events: EventName[]; description: string }) => void;
}) {
  const [events, setEvents] = useState<EventName[]>(
    (props.endpoint?.events as EventName[] | undefined) ?? ['version.published'],
  );
  const errors = fieldErrors(props.error);
  return (
    <Form
      validationBehavior="aria"
      validationErrors={errors}
      onSubmit={(e) => {
        e.preventDefault();
        const v = formValues(e.currentTarget);
        props.onSubmit({ url: v.url ?? '', events, description: v.description ?? '' });
      }}
    >
      <Field
        label="URL"
        name="url"
        type="url"
        isRequired
        defaultValue={props.endpoint?.url}
        description="https://… on the public internet; subreg refuses private and loopback addresses."
      />
      <Field label="Description" name="description" defaultValue={props.endpoint?.description ?? ''} />
      <fieldset className="checks" aria-describedby={errors.events ? 'events-error' : undefined}>
        <legend>Events</legend>
        {EVENTS.map(([ev, label]) => (
          <label key={ev}>
            <input
              type="checkbox"
              checked={events.includes(ev)}
              onChange={(e) =>
                setEvents(e.currentTarget.checked ? [...events, ev] : events.filter((x) => x !== ev))
              }
            />
            {label} (<code>{ev}</code>)
          </label>
        ))}
        {errors.events && (
          <p id="events-error" className="error">
            {errors.events}
          </p>
        )}
      </fieldset>
      <ErrorNote error={props.error} />
      <Submit pending={props.pending}>{props.submitLabel}</Submit>
    </Form>
  );
}

/** One endpoint: test delivery, enable/disable, new secret, edit, delete, and its delivery log. */
export function WebhookScreen({ tenant, webhookId }: { tenant: Tenant; webhookId: string }) {
  const qc = useQueryClient();
  const path = { tenant: tenant.slug, webhookId };
  const key = ['webhook', tenant.slug, webhookId];
  const endpoint = useQuery({
    queryKey: key,
    queryFn: () => call(api.GET('/api/v1/tenants/{tenant}/webhooks/{webhookId}', { params: { path } })),
  });
  const refresh = () => {
    qc.invalidateQueries({ queryKey: key });
    qc.invalidateQueries({ queryKey: ['webhook-deliveries', tenant.slug, webhookId] });
    qc.invalidateQueries({ queryKey: ['webhooks', tenant.slug] });
  };
  const test = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/tenants/{tenant}/webhooks/{webhookId}/test', { params: { path } })),
    onSettled: refresh,
  });
  const update = useMutation({
    mutationFn: (body: {
      url?: string;
      events?: EventName[];
      description?: string | null;
      enabled?: boolean;
    }) => call(api.PATCH('/api/v1/tenants/{tenant}/webhooks/{webhookId}', { params: { path }, body })),
    onSuccess: (e) => {
      qc.setQueryData(key, e);
      refresh();
    },
  });
  const rotate = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/tenants/{tenant}/webhooks/{webhookId}/secret', { params: { path } })),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () => call(api.DELETE('/api/v1/tenants/{tenant}/webhooks/{webhookId}', { params: { path } })),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['webhooks', tenant.slug] });
      navigate(appPath.section(tenant.slug, 'webhooks'));
    },
  });
  const crumbs = (
    <p className="crumbs">
      <Link href={appPath.section(tenant.slug, 'webhooks')}>Webhooks</Link> /
    </p>
  );
  if (endpoint.isError)
    return (
      <>
        {crumbs}
        <h1>Webhook endpoint</h1>
        <ErrorNote error={endpoint.error} />
      </>
    );
  const e = endpoint.data;
  if (!e) return <p aria-busy="true">Loading the endpoint…</p>;
  const t = test.data;
  return (
    <>
      {crumbs}
      <h1 className="mono">{e.url}</h1>
      <dl className="facts">
        <dt>Events</dt>
        <dd>{e.events.join(', ')}</dd>
        <dt>State</dt>
        <dd>{endpointState(e)}</dd>
        <dt>Failures in a row</dt>
        <dd>{e.failureCount}</dd>
        <dt>Secret starts with</dt>
        <dd className="mono">{e.secretPrefix}…</dd>
      </dl>
      <div className="row-actions">
        <Button className="primary" isDisabled={test.isPending} onPress={() => test.mutate()}>
          {test.isPending ? 'Sending a test…' : 'Send a test delivery'}
        </Button>
        <Button isDisabled={update.isPending} onPress={() => update.mutate({ enabled: !e.enabled })}>
          {e.enabled ? 'Disable' : 'Enable'}
        </Button>
        <ConfirmButton
          label="Replace secret"
          target={e.url}
          question="The old secret stops working at once. Replace it?"
          pending={rotate.isPending}
          onConfirm={() => rotate.mutate()}
        />
        <ConfirmButton
          label="Delete"
          target={e.url}
          question="Delete the endpoint and its delivery log?"
          pending={remove.isPending}
          onConfirm={() => remove.mutate()}
        />
      </div>
      <ErrorNote error={test.error ?? rotate.error ?? remove.error} />
      {t &&
        (t.status === 'delivered' ? (
          <Notice>
            Test delivered: your endpoint answered {t.attemptLog.at(-1)?.httpStatus} in{' '}
            {t.attemptLog.at(-1)?.durationMs} ms.
          </Notice>
        ) : (
          <p className="error" role="alert">
            The test was not delivered: {t.lastError ?? t.attemptLog.at(-1)?.error ?? t.status}.
          </p>
        ))}
      {rotate.data && (
        <SecretOnce label="New signing secret" value={rotate.data.secret}>
          Copy the new signing secret now: it is shown only once.
        </SecretOnce>
      )}
      <WebhookDeliveries tenant={tenant} webhookId={webhookId} />
      <section aria-labelledby="edit-hook-h">
        <h2 id="edit-hook-h">Change the endpoint</h2>
        {update.isSuccess && <Notice>Saved.</Notice>}
        <EndpointForm
          key={e.updatedAt}
          endpoint={e}
          error={update.error}
          pending={update.isPending}
          submitLabel="Save endpoint"
          onSubmit={(v) =>
            update.mutate({ url: v.url, events: v.events, description: v.description || null })
          }
        />
      </section>
    </>
  );
}

function WebhookDeliveries({ tenant, webhookId }: { tenant: Tenant; webhookId: string }) {
  const qc = useQueryClient();
  const [offset, setOffset] = useState(0);
  const deliveries = useQuery({
    queryKey: ['webhook-deliveries', tenant.slug, webhookId, offset],
    queryFn: () =>
      call(
        api.GET('/api/v1/tenants/{tenant}/webhooks/{webhookId}/deliveries', {
          params: { path: { tenant: tenant.slug, webhookId }, query: { limit: 20, offset } },
        }),
      ),
  });
  const resend = useMutation({
    mutationFn: (d: Delivery) =>
      call(
        api.POST('/api/v1/tenants/{tenant}/webhooks/{webhookId}/deliveries/{deliveryId}/resend', {
          params: { path: { tenant: tenant.slug, webhookId, deliveryId: d.id } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['webhook-deliveries', tenant.slug, webhookId] }),
  });
  const items = deliveries.data?.items ?? [];
  return (
    <section aria-labelledby="hook-log-h">
      <h2 id="hook-log-h">Delivery log</h2>
      <ErrorNote error={deliveries.error ?? resend.error} />
      {resend.isSuccess && <Notice>Queued again; it is sent within a minute.</Notice>}
      {deliveries.isSuccess && items.length === 0 && (
        <Empty title="No deliveries yet">
          <p>Send a test delivery above, or publish a list: each call and its answer is logged here.</p>
        </Empty>
      )}
      {items.length > 0 && (
        <table className="data">
          <caption className="sr-only">Deliveries of this endpoint</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last answer</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => {
              const last = d.attemptLog.at(-1);
              return (
                <tr key={d.id}>
                  <th scope="row">
                    {d.eventType}
                    <div className="muted mono">{d.webhookId}</div>
                  </th>
                  <td>{when(d.createdAt)}</td>
                  <td>
                    <span className={`status status-${d.status}`}>{d.status}</span>
                    {d.nextAttemptAt && d.status !== 'delivered' && (
                      <div className="muted">next {when(d.nextAttemptAt)}</div>
                    )}
                  </td>
                  <td>{d.attempts}</td>
                  <td className="mono">
                    {last
                      ? `${last.httpStatus ?? 'no answer'} in ${last.durationMs} ms${last.error ? `: ${last.error}` : ''}`
                      : ''}
                  </td>
                  <td>
                    {d.eventType !== 'webhook.test' &&
                      (d.status === 'failed' || d.status === 'delivered') && (
                        <Button
                          className="quiet"
                          isDisabled={resend.isPending}
                          onPress={() => resend.mutate(d)}
                        >
                          Re-send<span className="sr-only"> {d.webhookId}</span>
                        </Button>
                      )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <Pager offset={offset} total={deliveries.data?.total ?? 0} onChange={setOffset} size={20} />
    </section>
  );
}
