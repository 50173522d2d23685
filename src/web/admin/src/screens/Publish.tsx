import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Checkbox, Form } from 'react-aria-components';
import { ApiError, type List, type Session, api, call } from '../../api/client';
import { appPath } from '../router';
import { canEdit } from '../session';
import { Empty, ErrorNote, Field, Notice, Submit, fieldErrors, formValues } from '../ui';

type Tenant = Session['tenants'][number];
const day = (iso: string) => iso.slice(0, 10);
const when = (iso: string) => new Date(iso).toLocaleString();

export function PublishTab({ tenant, list }: { tenant: Tenant; list: List }) {
  const qc = useQueryClient();
  const path = { tenant: tenant.slug, listId: list.id };
  const draft = useQuery({
    queryKey: ['draft', tenant.slug, list.id],
    queryFn: () =>
      call(api.GET('/api/v1/tenants/{tenant}/lists/{listId}/draft/changes', { params: { path } })),
  });
  const history = useQuery({
    queryKey: ['versions', tenant.slug, list.id],
    queryFn: () => call(api.GET('/api/v1/tenants/{tenant}/lists/{listId}/versions', { params: { path } })),
  });
  const [emergency, setEmergency] = useState(false);
  const publish = useMutation({
    mutationFn: async (v: Record<string, string>) => {
      const chosen = v.effectiveDate ?? '';
      const today = new Date().toISOString().slice(0, 10);
      // the default date keeps the server's default (now + notice period, to the minute); today is now
      const effectiveAt =
        chosen && draft.data && chosen !== day(draft.data.effectiveAt)
          ? chosen <= today
            ? new Date().toISOString()
            : `${chosen}T00:00:00Z`
          : undefined;
      try {
        return await call(
          api.POST('/api/v1/tenants/{tenant}/lists/{listId}/versions', {
            params: { path },
            body: {
              ...(v.summary ? { summary: v.summary } : {}),
              ...(effectiveAt ? { effectiveAt } : {}),
              ...(emergency ? { emergency: { reason: v['emergency.reason'] ?? '' } } : {}),
            },
          }),
        );
      } catch (err) {
        throw dateError(err, draft.data?.noticePeriodDays ?? 0, draft.data?.effectiveAt ?? '');
      }
    },
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['draft', tenant.slug, list.id] });
      qc.invalidateQueries({ queryKey: ['versions', tenant.slug, list.id] });
    },
  });
  const d = draft.data;
  const editable = canEdit(tenant.role);
  return (
    <>
      <section aria-labelledby="publish-h">
        <h2 id="publish-h">Publish the draft</h2>
        <ErrorNote error={draft.error} />
        {publish.isSuccess && (
          <Notice>
            Version {publish.data.number} is published; it takes effect on {when(publish.data.effectiveAt)}.
            See it on{' '}
            <a href={`/t/${encodeURIComponent(tenant.slug)}/${encodeURIComponent(list.slug)}`}>
              the trust page
            </a>
            .
          </Notice>
        )}
        {d && !d.publishable && !publish.isSuccess && (
          <Empty title="Nothing to publish">
            <p>
              {d.entryCount === 0 ? (
                <>
                  The draft has no entries.{' '}
                  <a href={appPath.list(tenant.slug, list.id, 'import')}>Import a document</a> or{' '}
                  <a href={appPath.list(tenant.slug, list.id, 'entries')}>add entries</a> first.
                </>
              ) : (
                <>
                  The draft is the same as version {d.latestVersion}. Change entries or settings to publish
                  again.
                </>
              )}
            </p>
          </Empty>
        )}
        {d?.publishable && (
          <>
            <p className="counts">
              Against {d.latestVersion ? `version ${d.latestVersion}` : 'nothing published yet'}:{' '}
              <strong>{d.counts.added}</strong> added, <strong>{d.counts.changed}</strong> changed,{' '}
              <strong>{d.counts.removed}</strong> removed
              {d.changes.documentFields.length > 0 &&
                `; document fields: ${d.changes.documentFields.join(', ')}`}
            </p>
            <ChangeList title="Added" names={d.changes.added.map((e) => e.legalName)} />
            <ChangeList
              title="Changed"
              names={d.changes.changed.map(
                (c) => `${c.legalName}: ${c.changes.map((x) => x.field).join(', ')}`,
              )}
            />
            <ChangeList title="Removed" names={d.changes.removed.map((e) => e.legalName)} />
            {editable ? (
              <Form
                validationBehavior="aria"
                validationErrors={fieldErrors(publish.error)}
                onSubmit={(e) => {
                  e.preventDefault();
                  publish.mutate(formValues(e.currentTarget));
                }}
              >
                <Field
                  label="Summary"
                  name="summary"
                  multiline
                  description="What changed, in a sentence, for the version history and the notices."
                />
                <Field
                  label="Takes effect on"
                  name="effectiveDate"
                  type="date"
                  defaultValue={day(d.effectiveAt)}
                  description={`The notice period of ${d.noticePeriodDays} days gives ${when(d.effectiveAt)}.`}
                />
                <Checkbox isSelected={emergency} onChange={setEmergency}>
                  Emergency notice: takes effect sooner than the {d.noticePeriodDays} days promised
                </Checkbox>
                {emergency && (
                  <Field
                    label="Reason for the emergency"
                    name="emergency.reason"
                    multiline
                    isRequired
                    description="Why the notice is shorter than promised, in a sentence; every recipient and the trust page show it."
                  />
                )}
                <ErrorNote error={publish.error} />
                <Submit pending={publish.isPending}>Publish version {(d.latestVersion ?? 0) + 1}</Submit>
              </Form>
            ) : (
              <Notice>Your role ({tenant.role}) cannot publish; an editor or owner can.</Notice>
            )}
          </>
        )}
      </section>
      <section aria-labelledby="history-h">
        <h2 id="history-h">Version history</h2>
        <ErrorNote error={history.error} />
        {history.data?.items.length === 0 && <p>No version published yet.</p>}
        {(history.data?.items.length ?? 0) > 0 && (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Published</th>
                <th scope="col">Effective</th>
                <th scope="col">By</th>
                <th scope="col">Changes</th>
                <th scope="col">Summary</th>
              </tr>
            </thead>
            <tbody>
              {history.data?.items.map((v) => (
                <tr key={v.number}>
                  <th scope="row">
                    <a
                      href={`/t/${encodeURIComponent(tenant.slug)}/${encodeURIComponent(list.slug)}/versions/${v.number}`}
                    >
                      {v.number}
                    </a>
                  </th>
                  <td>{when(v.publishedAt)}</td>
                  <td>{when(v.effectiveAt)}</td>
                  <td>{v.authorName ?? v.author}</td>
                  <td>
                    +{v.counts.added} ~{v.counts.changed} −{v.counts.removed}
                  </td>
                  <td>
                    {v.summary}
                    {v.emergencyReason && <div className="error">Emergency: {v.emergencyReason}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

/** A refusal about the date is shown next to the date field, in the words of this form. */
function dateError(err: unknown, noticePeriodDays: number, earliest: string): unknown {
  if (!(err instanceof ApiError)) return err;
  if (err.code === 'NOTICE_TOO_SHORT')
    return new ApiError(err.status, err.code, err.message, {
      effectiveDate: `This list promises ${noticePeriodDays} days' notice: the earliest date is ${day(earliest)}. Choose it or later, or tick “Emergency notice” and give the reason.`,
    });
  if (err.code === 'EFFECTIVE_IN_PAST' || err.fields.effectiveAt)
    return new ApiError(err.status, err.code, err.message, {
      ...err.fields,
      effectiveDate: err.fields.effectiveAt ?? err.message,
    });
  return err;
}

function ChangeList({ title, names }: { title: string; names: string[] }) {
  if (names.length === 0) return null;
  return (
    <details>
      <summary>
        {title} ({names.length})
      </summary>
      <ul>
        {names.map((n, i) => (
          // names may repeat (one entity in two groups)
          // biome-ignore lint/suspicious/noArrayIndexKey: a static list
          <li key={i}>{n}</li>
        ))}
      </ul>
    </details>
  );
}
