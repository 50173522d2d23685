import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Checkbox, Form, Label, Link, Radio, RadioGroup } from 'react-aria-components';
import { type List, type Session, api, call } from '../../api/client';
import { appPath } from '../router';
import { canEdit } from '../session';
import { ErrorNote, Field, Notice, Submit, fieldErrors, formValues } from '../ui';
import { EntriesTab } from './Entries';
import { ImportTab } from './Import';
import { NoticesPanel } from './Notices';
import { PublishTab } from './Publish';
import { SubscribersPanel } from './Subscribers';

type Tenant = Session['tenants'][number];
const TABS = [
  ['entries', 'Entries'],
  ['import', 'Import'],
  ['publish', 'Publish'],
  ['notices', 'Notices'],
  ['subscribers', 'Subscribers'],
  ['settings', 'Settings'],
] as const;

export function ListScreen(props: { tenant: Tenant; listId: string; tab: string }) {
  const { tenant, listId, tab } = props;
  const list = useQuery({
    queryKey: ['list', tenant.slug, listId],
    queryFn: () =>
      call(
        api.GET('/api/v1/tenants/{tenant}/lists/{listId}', {
          params: { path: { tenant: tenant.slug, listId } },
        }),
      ),
  });
  if (list.isError)
    return (
      <>
        <h1>List</h1>
        <ErrorNote error={list.error} />
        <Link href={appPath.lists(tenant.slug)}>Back to the lists</Link>
      </>
    );
  if (!list.data) return <p aria-busy="true">Loading the list…</p>;
  const l = list.data;
  return (
    <>
      <p className="crumbs">
        <Link href={appPath.lists(tenant.slug)}>Lists</Link> /
      </p>
      <h1>{l.title}</h1>
      <nav aria-label="List" className="tabs">
        {TABS.map(([id, label]) => (
          <Link
            key={id}
            href={appPath.list(tenant.slug, listId, id)}
            aria-current={tab === id ? 'page' : undefined}
          >
            {label}
          </Link>
        ))}
      </nav>
      {tab === 'entries' && <EntriesTab tenant={tenant} list={l} />}
      {tab === 'import' && <ImportTab tenant={tenant} list={l} />}
      {tab === 'publish' && <PublishTab tenant={tenant} list={l} />}
      {tab === 'notices' && <NoticesPanel tenant={tenant} list={l} />}
      {tab === 'subscribers' && <SubscribersPanel tenant={tenant} list={l} />}
      {tab === 'settings' && <SettingsTab tenant={tenant} list={l} />}
    </>
  );
}

function SettingsTab({ tenant, list }: { tenant: Tenant; list: List }) {
  const qc = useQueryClient();
  const [visibility, setVisibility] = useState(list.visibility);
  const [announceInEffect, setAnnounceInEffect] = useState(list.announceInEffect);
  const save = useMutation({
    mutationFn: (v: Record<string, string>) =>
      call(
        api.PATCH('/api/v1/tenants/{tenant}/lists/{listId}', {
          params: { path: { tenant: tenant.slug, listId: list.id } },
          body: {
            title: v.title ?? '',
            owner: v.owner || null,
            author: v.author || null,
            classification: v.classification || null,
            intro: v.intro || null,
            noticePeriodDays: Number(v.noticePeriodDays),
            announceInEffect,
            visibility,
          },
        }),
      ),
    onSuccess: (l) => {
      qc.setQueryData(['list', tenant.slug, list.id], l);
      qc.invalidateQueries({ queryKey: ['lists', tenant.slug] });
    },
  });
  const editable = canEdit(tenant.role);
  return (
    <section aria-labelledby="settings-h">
      <h2 id="settings-h">Document and publishing settings</h2>
      <Form
        validationBehavior="aria"
        validationErrors={fieldErrors(save.error)}
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(formValues(e.currentTarget));
        }}
      >
        <Field label="Title" name="title" defaultValue={list.title} isRequired isReadOnly={!editable} />
        <Field label="Document owner" name="owner" defaultValue={list.owner ?? ''} isReadOnly={!editable} />
        <Field label="Author" name="author" defaultValue={list.author ?? ''} isReadOnly={!editable} />
        <Field
          label="Classification"
          name="classification"
          defaultValue={list.classification ?? ''}
          isReadOnly={!editable}
        />
        <Field
          label="Introduction"
          name="intro"
          multiline
          defaultValue={list.intro ?? ''}
          isReadOnly={!editable}
        />
        <Field
          label="Notice period (days)"
          name="noticePeriodDays"
          type="number"
          defaultValue={String(list.noticePeriodDays)}
          description="Customers are told this many days before a published change takes effect (0 to 365)."
          isReadOnly={!editable}
        />
        <Checkbox isSelected={announceInEffect} onChange={setAnnounceInEffect} isReadOnly={!editable}>
          Also email those told of a change when it takes effect
        </Checkbox>
        <RadioGroup
          className="field"
          value={visibility}
          onChange={(v) => setVisibility(v as List['visibility'])}
          isReadOnly={!editable}
        >
          <Label>Visibility</Label>
          <Radio value="public">Public: listed on the trust page</Radio>
          <Radio value="unlisted">Unlisted: anyone with the link</Radio>
          <Radio value="private">Private: not published on the web</Radio>
        </RadioGroup>
        <ErrorNote error={save.error} />
        {save.isSuccess && <Notice>Saved.</Notice>}
        {editable && <Submit pending={save.isPending}>Save settings</Submit>}
      </Form>
    </section>
  );
}
