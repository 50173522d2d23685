import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Form, Label, Radio, RadioGroup } from 'react-aria-components';
import { type Session, api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { appPath } from '../router';
import {
  ConfirmButton,
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
type Member = components['schemas']['Member'];
type Role = Member['role'];
type Invitation = components['schemas']['PendingInvitation'];
const ROLES: [Role, string][] = [
  ['viewer', 'Viewer: sees lists, notices and subscribers'],
  ['editor', 'Editor: also edits, imports and publishes'],
  ['owner', 'Owner: also manages members, tokens, webhooks and the audit log'],
];

/** Everybody sees who is in the workspace; owners invite, change roles and remove. */
export function MembersScreen({ tenant, me }: { tenant: Tenant; me: string }) {
  const qc = useQueryClient();
  const params = { path: { tenant: tenant.slug } };
  const isOwner = tenant.role === 'owner';
  const members = useQuery({
    queryKey: ['members', tenant.slug],
    queryFn: () => call(api.GET('/api/v1/tenants/{tenant}/members', { params })),
  });
  const changeRole = useMutation({
    mutationFn: (v: { userId: string; role: Role }) =>
      call(
        api.PATCH('/api/v1/tenants/{tenant}/members/{userId}', {
          params: { path: { tenant: tenant.slug, userId: v.userId } },
          body: { role: v.role },
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: ['members', tenant.slug] }),
  });
  const remove = useMutation({
    mutationFn: (m: Member) =>
      call(
        api.DELETE('/api/v1/tenants/{tenant}/members/{userId}', {
          params: { path: { tenant: tenant.slug, userId: m.userId } },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['members', tenant.slug] }),
  });
  const items = members.data?.items ?? [];
  return (
    <>
      <h1>Members</h1>
      <p>
        People who can sign in to this workspace, and what their role lets them do.
        {!isOwner && ' Only an owner can invite people or change roles.'}
      </p>
      <ErrorNote error={members.error} />
      <ErrorNote error={changeRole.error ?? remove.error} />
      {changeRole.isSuccess && <Notice>The role is changed.</Notice>}
      {remove.isSuccess && <Notice>{remove.variables.email} is removed from the workspace.</Notice>}
      {members.isPending && <p aria-busy="true">Loading the members…</p>}
      {items.length > 0 && (
        <table className="data">
          <caption className="sr-only">Members of {tenant.name}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              {isOwner && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {items.map((m) => (
              <tr key={m.userId}>
                <th scope="row">
                  {m.name || '—'}
                  {m.email === me && <span className="muted"> (you)</span>}
                </th>
                <td>{m.email}</td>
                <td>
                  {isOwner ? (
                    <select
                      aria-label={`Role of ${m.email}`}
                      value={m.role}
                      disabled={changeRole.isPending}
                      onChange={(e) =>
                        changeRole.mutate({ userId: m.userId, role: e.currentTarget.value as Role })
                      }
                    >
                      {ROLES.map(([r]) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  ) : (
                    m.role
                  )}
                </td>
                {isOwner && (
                  <td>
                    <ConfirmButton
                      label="Remove"
                      target={m.email}
                      question={`Remove ${m.email}?`}
                      pending={remove.isPending}
                      onConfirm={() => remove.mutate(m)}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {isOwner && <PendingInvitations tenant={tenant} />}
      {isOwner && <InviteForm tenant={tenant} />}
    </>
  );
}

/** Owners see invitations not yet used (never their links: those were shown once) and revoke them. */
function PendingInvitations({ tenant }: { tenant: Tenant }) {
  const qc = useQueryClient();
  const pending = useQuery({
    queryKey: ['invitations', tenant.slug],
    queryFn: () =>
      call(api.GET('/api/v1/tenants/{tenant}/invitations', { params: { path: { tenant: tenant.slug } } })),
  });
  const revoke = useMutation({
    mutationFn: (inv: Invitation) =>
      call(
        api.DELETE('/api/v1/tenants/{tenant}/invitations/{invitationId}', {
          params: { path: { tenant: tenant.slug, invitationId: inv.id } },
        }),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: ['invitations', tenant.slug] }),
  });
  const items = pending.data?.items ?? [];
  return (
    <section aria-labelledby="pending-h">
      <h2 id="pending-h">Pending invitations</h2>
      <ErrorNote error={pending.error ?? revoke.error} />
      {revoke.isSuccess && (
        <Notice>The invitation of {revoke.variables.email} is revoked; its link no longer works.</Notice>
      )}
      {pending.isSuccess && items.length === 0 && (
        <p className="muted">None: every invitation was accepted, revoked or has expired.</p>
      )}
      {items.length > 0 && (
        <table className="data">
          <caption className="sr-only">Invitations not yet accepted</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Invited by</th>
              <th scope="col">Expires</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {items.map((inv) => (
              <tr key={inv.id}>
                <th scope="row">{inv.email}</th>
                <td>{inv.role}</td>
                <td>
                  {inv.createdBy ?? '—'}, {when(inv.createdAt)}
                </td>
                <td>{when(inv.expiresAt)}</td>
                <td>
                  <ConfirmButton
                    label="Revoke"
                    target={`the invitation of ${inv.email}`}
                    question={`Revoke the invitation of ${inv.email}?`}
                    pending={revoke.isPending}
                    onConfirm={() => revoke.mutate(inv)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function InviteForm({ tenant }: { tenant: Tenant }) {
  const qc = useQueryClient();
  const [role, setRole] = useState<Role>('editor');
  const invite = useMutation({
    mutationFn: (v: Record<string, string>) =>
      call(
        api.POST('/api/v1/tenants/{tenant}/invitations', {
          params: { path: { tenant: tenant.slug } },
          body: { email: v.email ?? '', role },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['invitations', tenant.slug] }),
  });
  const inv = invite.data;
  const link = inv ? `${location.origin}${appPath.invitation}?token=${encodeURIComponent(inv.token)}` : '';
  return (
    <section aria-labelledby="invite-h">
      <h2 id="invite-h">Invite someone</h2>
      {inv && (
        <SecretOnce label={`Invitation link for ${inv.email}`} value={link}>
          Send this link to {inv.email} ({inv.role}); it works once, until {when(inv.expiresAt)}. It is shown
          only now: subreg does not email it.
        </SecretOnce>
      )}
      <Form
        validationBehavior="aria"
        validationErrors={fieldErrors(invite.error)}
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          invite.mutate(formValues(form), { onSuccess: () => form.reset() });
        }}
      >
        <Field label="Email" name="email" type="email" isRequired />
        <RadioGroup className="field" value={role} onChange={(v) => setRole(v as Role)}>
          <Label>Role</Label>
          {ROLES.map(([r, text]) => (
            <Radio key={r} value={r}>
              {text}
            </Radio>
          ))}
        </RadioGroup>
        <ErrorNote error={invite.error} />
        <Submit pending={invite.isPending}>Create invitation</Submit>
      </Form>
    </section>
  );
}
