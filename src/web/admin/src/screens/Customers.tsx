import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Form, Link } from 'react-aria-components';
import { ApiError, type Session, api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { appPath, navigate } from '../router';
import { canEdit } from '../session';
import { ConfirmButton, Empty, ErrorNote, Field, Notice, SelectField, Submit, formValues } from '../ui';
import { Pager } from './Subscribers';

type Tenant = Session['tenants'][number];
type Customer = components['schemas']['Customer'];
type CustomerDetail = components['schemas']['CustomerDetail'];
type Terms = components['schemas']['Customer'];
const PAGE = 50;

export const AUTHORISATION: Record<Terms['authorisation'], string> = {
  general: 'General: told in advance, may object',
  specific: 'Specific: each change needs their approval',
};
const NOTIFY_BY: Record<Terms['notifyBy'], string> = {
  email: 'Email',
  webhook: 'Webhook',
  both: 'Email and webhook',
};
const period = (c: Customer) => (c.noticePeriodDays === null ? 'as the lists' : `${c.noticePeriodDays} days`);

/**
 * The API's refusals about one field, keyed by the form's field names: validation issues, and
 * the service's own checks (a taken name, a period shorter than every list's).
 */
function customerFieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  if (err.code === 'CUSTOMER_EXISTS') return { organisation: err.message };
  if (err.code === 'CUSTOMER_NOTICE_TOO_SHORT') return { noticePeriodDays: err.message };
  return err.fields;
}

/** A whole number of days, or blank for "the lists' periods". */
const validDays = (v: string) =>
  v.trim() === '' || /^\d+$/.test(v.trim()) ? null : 'Give a whole number of days, or leave it blank.';

function termsOf(v: Record<string, string>) {
  const days = (v.noticePeriodDays ?? '').trim();
  return {
    organisation: v.organisation ?? '',
    contractReference: v.contractReference?.trim() || null,
    authorisation: (v.authorisation ?? 'general') as Terms['authorisation'],
    noticePeriodDays: days === '' ? null : Number(days),
    notifyBy: (v.notifyBy ?? 'email') as Terms['notifyBy'],
    notes: v.notes?.trim() || null,
  };
}

/** The customer's name and contract terms, for adding one and for changing one. */
function CustomerForm(props: {
  initial?: Customer;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (terms: ReturnType<typeof termsOf>, form: HTMLFormElement) => void;
}) {
  const c = props.initial;
  const errors = customerFieldErrors(props.error);
  return (
    <Form
      validationBehavior="aria"
      validationErrors={errors}
      onSubmit={(e) => {
        e.preventDefault();
        const v = formValues(e.currentTarget);
        // aria validation shows the error as it is typed but does not stop the submit
        if (validDays(v.noticePeriodDays ?? '')) return;
        props.onSubmit(termsOf(v), e.currentTarget);
      }}
    >
      <Field label="Organisation" name="organisation" isRequired defaultValue={c?.organisation ?? ''} />
      <Field
        label="Contract reference"
        name="contractReference"
        defaultValue={c?.contractReference ?? ''}
        description="The DPA or contract this customer signed, e.g. DPA-2026-014."
      />
      <SelectField label="Authorisation" name="authorisation" defaultValue={c?.authorisation ?? 'general'}>
        {Object.entries(AUTHORISATION).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </SelectField>
      <Field
        label="Notice period (days)"
        name="noticePeriodDays"
        inputMode="numeric"
        defaultValue={c?.noticePeriodDays === null || !c ? '' : String(c.noticePeriodDays)}
        validate={validDays}
        description="Blank: the lists' notice periods apply. It may be longer than a list's, not shorter."
      />
      <SelectField label="How they want to be told" name="notifyBy" defaultValue={c?.notifyBy ?? 'email'}>
        {Object.entries(NOTIFY_BY).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </SelectField>
      <Field label="Notes" name="notes" multiline defaultValue={c?.notes ?? ''} />
      {Object.keys(errors).length === 0 && <ErrorNote error={props.error} />}
      <Submit pending={props.pending}>{props.submitLabel}</Submit>
    </Form>
  );
}

/** Customers and the terms of their contracts; each opens for its contacts and changes. */
export function CustomersScreen({ tenant }: { tenant: Tenant }) {
  const qc = useQueryClient();
  const [offset, setOffset] = useState(0);
  const customers = useQuery({
    queryKey: ['customers', tenant.slug, offset],
    queryFn: () =>
      call(
        api.GET('/api/v1/tenants/{tenant}/customers', {
          params: { path: { tenant: tenant.slug }, query: { limit: PAGE, offset } },
        }),
      ),
  });
  const create = useMutation({
    mutationFn: (terms: ReturnType<typeof termsOf>) =>
      call(
        api.POST('/api/v1/tenants/{tenant}/customers', {
          params: { path: { tenant: tenant.slug } },
          body: terms,
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['customers', tenant.slug] }),
  });
  const editable = canEdit(tenant.role);
  const items = customers.data?.items ?? [];
  return (
    <>
      <h1>Customers</h1>
      <p>
        The customers your contracts promise notice to, with their terms: under specific authorisation a
        change takes effect for them only once they approve it; a longer notice period than a list's moves the
        effective date of every change.
      </p>
      <ErrorNote error={customers.error} />
      {customers.isPending && <p aria-busy="true">Loading the customers…</p>}
      {customers.isSuccess && items.length === 0 && (
        <Empty title="No customers yet">
          <p>
            {editable
              ? 'Add a customer below with the terms of its contract, then link its contacts from the subscribers.'
              : 'An editor or owner records the customers and their contract terms here.'}
          </p>
        </Empty>
      )}
      {items.length > 0 && (
        <table className="data">
          <caption className="sr-only">Customers</caption>
          <thead>
            <tr>
              <th scope="col">Organisation</th>
              <th scope="col">Authorisation</th>
              <th scope="col">Notice period</th>
              <th scope="col">Told by</th>
              <th scope="col">Contract</th>
              <th scope="col">Contacts</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id}>
                <th scope="row">
                  <Link href={appPath.customer(tenant.slug, c.id)}>{c.organisation}</Link>
                </th>
                <td>{c.authorisation}</td>
                <td>{period(c)}</td>
                <td>{NOTIFY_BY[c.notifyBy]}</td>
                <td>{c.contractReference}</td>
                <td>{c.contacts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager offset={offset} total={customers.data?.total ?? 0} onChange={setOffset} size={PAGE} />
      {editable && (
        <section aria-labelledby="add-customer-h">
          <h2 id="add-customer-h">Add a customer</h2>
          {create.isSuccess && (
            <Notice>
              {create.data.organisation} is recorded.{' '}
              <Link href={appPath.customer(tenant.slug, create.data.id)}>Link its contacts</Link>.
            </Notice>
          )}
          <CustomerForm
            submitLabel="Add customer"
            pending={create.isPending}
            error={create.error}
            onSubmit={(terms, form) => create.mutate(terms, { onSuccess: () => form.reset() })}
          />
        </section>
      )}
    </>
  );
}

/** One customer: its terms (changed here), its contacts (linked subscribers), removal. */
export function CustomerScreen({ tenant, customerId }: { tenant: Tenant; customerId: string }) {
  const qc = useQueryClient();
  const path = { tenant: tenant.slug, customerId };
  const customer = useQuery({
    queryKey: ['customer', tenant.slug, customerId],
    queryFn: () => call(api.GET('/api/v1/tenants/{tenant}/customers/{customerId}', { params: { path } })),
  });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['customer', tenant.slug, customerId] });
    void qc.invalidateQueries({ queryKey: ['customers', tenant.slug] });
    void qc.invalidateQueries({ queryKey: ['subscribers', tenant.slug] });
  };
  const update = useMutation({
    mutationFn: (terms: ReturnType<typeof termsOf>) =>
      call(api.PATCH('/api/v1/tenants/{tenant}/customers/{customerId}', { params: { path }, body: terms })),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () =>
      call(api.DELETE('/api/v1/tenants/{tenant}/customers/{customerId}', { params: { path } })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['customers', tenant.slug] });
      navigate(appPath.section(tenant.slug, 'customers'));
    },
  });
  const crumbs = (
    <p className="crumbs">
      <Link href={appPath.section(tenant.slug, 'customers')}>Customers</Link> /
    </p>
  );
  if (customer.isError)
    return (
      <>
        {crumbs}
        <h1>Customer</h1>
        <ErrorNote error={customer.error} />
      </>
    );
  const c = customer.data;
  if (!c) return <p aria-busy="true">Loading the customer…</p>;
  const editable = canEdit(tenant.role);
  return (
    <>
      {crumbs}
      <h1>{c.organisation}</h1>
      <dl className="facts">
        <dt>Authorisation</dt>
        <dd>{AUTHORISATION[c.authorisation]}</dd>
        <dt>Notice period</dt>
        <dd>{period(c)}</dd>
        <dt>Told by</dt>
        <dd>{NOTIFY_BY[c.notifyBy]}</dd>
        {c.contractReference && (
          <>
            <dt>Contract</dt>
            <dd>{c.contractReference}</dd>
          </>
        )}
      </dl>
      <Contacts tenant={tenant} customer={c} editable={editable} onChange={refresh} />
      {editable && (
        <section aria-labelledby="terms-h">
          <h2 id="terms-h">Change the terms</h2>
          <p className="muted">New terms apply to versions published from now on.</p>
          {update.isSuccess && <Notice>The terms are saved.</Notice>}
          <CustomerForm
            key={c.updatedAt}
            initial={c}
            submitLabel="Save the terms"
            pending={update.isPending}
            error={update.error}
            onSubmit={(terms) => update.mutate(terms)}
          />
          <h2>Remove the customer</h2>
          <p className="muted">
            Its contacts stay subscribed. A customer with approvals on record is kept as evidence.
          </p>
          <ErrorNote error={remove.error} />
          <ConfirmButton
            label="Remove"
            target={c.organisation}
            question={`Remove ${c.organisation}?`}
            pending={remove.isPending}
            onConfirm={() => remove.mutate()}
          />
        </section>
      )}
    </>
  );
}

/** The customer's contacts: subscribers linked to it, who receive its approval requests. */
function Contacts(props: {
  tenant: Tenant;
  customer: CustomerDetail;
  editable: boolean;
  onChange: () => void;
}) {
  const { tenant, customer: c, editable } = props;
  const subscribers = useQuery({
    queryKey: ['subscribers', tenant.slug, 'for-contacts'],
    queryFn: () =>
      call(
        api.GET('/api/v1/tenants/{tenant}/subscribers', {
          params: { path: { tenant: tenant.slug }, query: { limit: 200 } },
        }),
      ),
    enabled: editable,
  });
  const link = useMutation({
    mutationFn: (v: { subscriberId: string; on: boolean }) => {
      const params = { path: { tenant: tenant.slug, customerId: c.id, subscriberId: v.subscriberId } };
      const url = '/api/v1/tenants/{tenant}/customers/{customerId}/contacts/{subscriberId}' as const;
      return v.on ? call(api.PUT(url, { params })) : call(api.DELETE(url, { params }));
    },
    onSuccess: props.onChange,
  });
  const free = (subscribers.data?.items ?? []).filter((s) => s.customerId === null);
  return (
    <section aria-labelledby="contacts-h">
      <h2 id="contacts-h">Contacts</h2>
      <ErrorNote error={link.error ?? subscribers.error} />
      {c.contactList.length === 0 ? (
        <Empty title="No contacts yet">
          <p>
            Link the subscribers who speak for {c.organisation}: they receive its approval requests.{' '}
            {free.length === 0 && (
              <>
                Add them first on the{' '}
                <Link href={appPath.section(tenant.slug, 'subscribers')}>Subscribers page</Link>.
              </>
            )}
          </p>
        </Empty>
      ) : (
        <table className="data">
          <caption className="sr-only">Contacts of {c.organisation}</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Status</th>
              {editable && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {c.contactList.map((s) => (
              <tr key={s.id}>
                <th scope="row">{s.email}</th>
                <td>
                  <span className={`status status-${s.status}`}>{s.status}</span>
                </td>
                {editable && (
                  <td>
                    <ConfirmButton
                      label="Unlink"
                      target={s.email}
                      question={`Unlink ${s.email}? It stays subscribed.`}
                      pending={link.isPending}
                      onConfirm={() => link.mutate({ subscriberId: s.id, on: false })}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editable && free.length > 0 && (
        <Form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            const id = formValues(e.currentTarget).subscriberId;
            if (id) link.mutate({ subscriberId: id, on: true });
          }}
        >
          <SelectField label="Subscriber" name="subscriberId" required defaultValue="">
            <option value="" disabled>
              Choose a subscriber…
            </option>
            {free.map((s) => (
              <option key={s.id} value={s.id}>
                {s.email}
                {s.organisation ? ` (${s.organisation})` : ''}
              </option>
            ))}
          </SelectField>
          <Submit pending={link.isPending}>Link as contact</Submit>
        </Form>
      )}
    </section>
  );
}
