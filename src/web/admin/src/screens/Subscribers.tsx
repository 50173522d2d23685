import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { type List, type Session, api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { appPath } from '../router';
import { canEdit } from '../session';
import {
  ConfirmButton,
  SelectField,
  Empty,
  ErrorNote,
  Field,
  Notice,
  Submit,
  fieldErrors,
  formValues,
  when,
} from '../ui';

type Tenant = Session['tenants'][number];
type Subscriber = components['schemas']['Subscriber'];
type Status = Subscriber['status'];
const PAGE = 50;

export function SubscribersScreen({ tenant }: { tenant: Tenant }) {
  return (
    <>
      <h1>Subscribers</h1>
      <p>
        Customers' contacts who receive an email when a list changes, with a link to object. People subscribe
        on the trust page and confirm by email; contacts you add here are confirmed at once.
      </p>
      <SubscribersPanel tenant={tenant} />
    </>
  );
}

/** Subscribers of one list (on its tab) or of the whole workspace, with add, remove and CSV export. */
export function SubscribersPanel({ tenant, list }: { tenant: Tenant; list?: List }) {
  const qc = useQueryClient();
  const [status, setStatus] = useState<Status | ''>('');
  const [offset, setOffset] = useState(0);
  const lists = useQuery({
    queryKey: ['lists', tenant.slug],
    queryFn: () =>
      call(api.GET('/api/v1/tenants/{tenant}/lists', { params: { path: { tenant: tenant.slug } } })),
    enabled: !list,
  });
  const filter = { ...(list ? { listId: list.id } : {}), ...(status ? { status } : {}) };
  const subs = useQuery({
    queryKey: ['subscribers', tenant.slug, filter, offset],
    queryFn: () =>
      call(
        api.GET('/api/v1/tenants/{tenant}/subscribers', {
          params: { path: { tenant: tenant.slug }, query: { ...filter, limit: PAGE, offset } },
        }),
      ),
  });
  const remove = useMutation({
    mutationFn: (s: Subscriber) =>
      call(
        api.DELETE('/api/v1/tenants/{tenant}/subscribers/{subscriberId}', {
          params: { path: { tenant: tenant.slug, subscriberId: s.id } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['subscribers', tenant.slug] }),
  });
  const titleOf = (id: string | null) =>
    id === null ? 'Every list' : (lists.data?.items.find((l) => l.id === id)?.title ?? id);
  const editable = canEdit(tenant.role);
  const items = subs.data?.items ?? [];
  const total = subs.data?.total ?? 0;
  const exportQuery = new URLSearchParams(filter).toString();
  const exportHref = `/api/v1/tenants/${encodeURIComponent(tenant.slug)}/subscribers/export${exportQuery ? `?${exportQuery}` : ''}`;
  return (
    <section aria-labelledby="subscribers-h">
      <h2 id="subscribers-h">{list ? `Subscribers to “${list.title}”` : 'Everyone subscribed'}</h2>
      {list && (
        <p className="muted">
          Subscribers to every list of the workspace also receive this list's notices; they are on the{' '}
          <a href={appPath.section(tenant.slug, 'subscribers')}>Subscribers page</a>.
        </p>
      )}
      <div className="filters">
        <SelectField
          label="Status"
          value={status}
          onChange={(e) => {
            setStatus(e.currentTarget.value as Status | '');
            setOffset(0);
          }}
        >
          <option value="">Any</option>
          <option value="confirmed">Confirmed</option>
          <option value="pending">Waiting for confirmation</option>
          <option value="unsubscribed">Unsubscribed</option>
        </SelectField>
        <a href={exportHref} download>
          Export as CSV
        </a>
      </div>
      <ErrorNote error={subs.error ?? lists.error} />
      <ErrorNote error={remove.error} />
      {remove.isSuccess && <Notice>{remove.variables.email} will get no more notices.</Notice>}
      {subs.isPending && <p aria-busy="true">Loading the subscribers…</p>}
      {subs.isSuccess && total === 0 && (
        <Empty title="No subscribers yet">
          <p>
            {status
              ? 'Nobody has this status.'
              : 'Nobody is told of changes yet. Add your customers’ contacts below, or point them to the subscribe form on your trust page.'}
          </p>
        </Empty>
      )}
      {items.length > 0 && (
        <>
          <p role="status" className="muted">
            {offset + 1}–{offset + items.length} of {total}
          </p>
          <table className="data">
            <caption className="sr-only">Subscribers</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Organisation</th>
                {!list && <th scope="col">List</th>}
                <th scope="col">Status</th>
                <th scope="col">Added</th>
                {editable && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id}>
                  <th scope="row">{s.email}</th>
                  <td>{s.organisation}</td>
                  {!list && <td>{titleOf(s.listId)}</td>}
                  <td>
                    <span className={`status status-${s.status}`}>{s.status}</span>
                  </td>
                  <td>
                    {when(s.createdAt)} {s.addedBy === 'staff' ? '(by staff)' : '(self)'}
                  </td>
                  {editable && (
                    <td>
                      <ConfirmButton
                        label="Remove"
                        target={s.email}
                        question={`Remove ${s.email}?`}
                        pending={remove.isPending}
                        onConfirm={() => remove.mutate(s)}
                      />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          <Pager offset={offset} total={total} onChange={setOffset} />
        </>
      )}
      {editable && <AddSubscriber tenant={tenant} list={list} lists={lists.data?.items ?? []} />}
    </section>
  );
}

export function Pager(props: {
  offset: number;
  total: number;
  onChange: (offset: number) => void;
  size?: number;
}) {
  const size = props.size ?? PAGE;
  if (props.total <= size) return null;
  return (
    <div className="row-actions">
      <Button
        isDisabled={props.offset === 0}
        onPress={() => props.onChange(Math.max(0, props.offset - size))}
      >
        Previous page
      </Button>
      <Button
        isDisabled={props.offset + size >= props.total}
        onPress={() => props.onChange(props.offset + size)}
      >
        Next page
      </Button>
    </div>
  );
}

function AddSubscriber({ tenant, list, lists }: { tenant: Tenant; list?: List | undefined; lists: List[] }) {
  const qc = useQueryClient();
  const add = useMutation({
    mutationFn: (v: Record<string, string>) => {
      const listId = list ? list.id : v.listId || null;
      return call(
        api.POST('/api/v1/tenants/{tenant}/subscribers', {
          params: { path: { tenant: tenant.slug } },
          body: { email: v.email ?? '', ...(v.organisation ? { organisation: v.organisation } : {}), listId },
        }),
      );
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: ['subscribers', tenant.slug] }),
  });
  return (
    <section aria-labelledby="add-sub-h">
      <h3 id="add-sub-h">Add a customer's contact</h3>
      <Form
        className="inline-form"
        validationBehavior="aria"
        validationErrors={fieldErrors(add.error)}
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          add.mutate(formValues(form), { onSuccess: () => form.reset() });
        }}
      >
        <Field label="Contact email" name="email" type="email" isRequired />
        <Field label="Organisation" name="organisation" />
        {!list && (
          <SelectField label="Notices of" name="listId" defaultValue="">
            <option value="">Every list</option>
            {lists.map((l) => (
              <option key={l.id} value={l.id}>
                {l.title}
              </option>
            ))}
          </SelectField>
        )}
        <ErrorNote error={add.error} />
        {add.isSuccess && <Notice>{add.data.email} is subscribed (confirmed, added by staff).</Notice>}
        <Submit pending={add.isPending}>Add subscriber</Submit>
      </Form>
    </section>
  );
}
