import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Form, Label, Radio, RadioGroup } from 'react-aria-components';
import { type Session, api, call } from '../../api/client';
import type { components } from '../../api/schema';
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

type Tenant = Session['tenants'][number];
type Token = components['schemas']['ApiToken'];

/** API tokens (owners): create with a scope, the secret shown once, revoke. */
export function TokensScreen({ tenant }: { tenant: Tenant }) {
  const qc = useQueryClient();
  const params = { path: { tenant: tenant.slug } };
  const [scope, setScope] = useState<Token['scope']>('read');
  const tokens = useQuery({
    queryKey: ['tokens', tenant.slug],
    queryFn: () => call(api.GET('/api/v1/tenants/{tenant}/tokens', { params })),
  });
  const create = useMutation({
    mutationFn: (v: Record<string, string>) =>
      call(
        api.POST('/api/v1/tenants/{tenant}/tokens', {
          params,
          body: {
            name: v.name ?? '',
            scope,
            ...(v.expiresAt ? { expiresAt: `${v.expiresAt}T23:59:59Z` } : {}),
          },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['tokens', tenant.slug] }),
  });
  const revoke = useMutation({
    mutationFn: (t: Token) =>
      call(
        api.DELETE('/api/v1/tenants/{tenant}/tokens/{tokenId}', {
          params: { path: { tenant: tenant.slug, tokenId: t.id } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['tokens', tenant.slug] }),
  });
  const items = tokens.data?.items ?? [];
  const created = create.data;
  return (
    <>
      <h1>API tokens</h1>
      <p>
        Tokens let scripts and integrations use the API as this workspace. A read token can only read; a write
        token can change lists and publish.
      </p>
      <ErrorNote error={tokens.error} />
      <ErrorNote error={revoke.error} />
      {revoke.isSuccess && <Notice>The token “{revoke.data.name}” is revoked; it no longer works.</Notice>}
      {tokens.isSuccess && items.length === 0 && (
        <Empty title="No API tokens yet">
          <p>Create one below for a script or an integration; its secret is shown once.</p>
        </Empty>
      )}
      {items.length > 0 && (
        <table className="data">
          <caption className="sr-only">API tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scope</th>
              <th scope="col">Starts with</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {items.map((t) => (
              <tr key={t.id}>
                <th scope="row">{t.name}</th>
                <td>{t.scope}</td>
                <td className="mono">{t.prefix}…</td>
                <td>{when(t.createdAt)}</td>
                <td>{when(t.lastUsedAt) || 'never'}</td>
                <td>{when(t.expiresAt) || 'never'}</td>
                <td>
                  {t.revokedAt ? (
                    `revoked ${when(t.revokedAt)}`
                  ) : (
                    <ConfirmButton
                      label="Revoke"
                      target={t.name}
                      question={`Revoke “${t.name}”? Whatever uses it stops working.`}
                      pending={revoke.isPending}
                      onConfirm={() => revoke.mutate(t)}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section aria-labelledby="new-token-h">
        <h2 id="new-token-h">New token</h2>
        {created && (
          <SecretOnce label={`Secret of “${created.name}”`} value={created.token}>
            Copy the secret now: it is shown only once. Send it as <code>Authorization: Bearer …</code>.
          </SecretOnce>
        )}
        <Form
          validationBehavior="aria"
          validationErrors={fieldErrors(create.error)}
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget;
            create.mutate(formValues(form), { onSuccess: () => form.reset() });
          }}
        >
          <Field
            label="Name"
            name="name"
            isRequired
            maxLength={80}
            description="What uses it, e.g. CI export"
          />
          <RadioGroup className="field" value={scope} onChange={(v) => setScope(v as Token['scope'])}>
            <Label>Scope</Label>
            <Radio value="read">Read: lists, entries, versions, audit</Radio>
            <Radio value="write">Write: also changes and publishes</Radio>
          </RadioGroup>
          <Field
            label="Expires on"
            name="expiresAt"
            type="date"
            description="Optional; the token stops working at the end of that day (UTC)."
          />
          <ErrorNote error={create.error} />
          <Submit pending={create.isPending}>Create token</Submit>
        </Form>
      </section>
    </>
  );
}
