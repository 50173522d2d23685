import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Form } from 'react-aria-components';
import { type Session, api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { canEdit } from '../session';
import { Empty, ErrorNote, Field, Notice, SelectField, Submit, fieldErrors, formValues, when } from '../ui';

type Tenant = Session['tenants'][number];
type Objection = components['schemas']['Objection'];
type ChangeNotice = components['schemas']['ChangeNotice'];
type Status = Objection['status'];
/** The inbox reads the objections of this many recent notices (the API answers per notice). */
const RECENT_NOTICES = 50;
const STATUSES: [Status, string][] = [
  ['open', 'Open'],
  ['resolved', 'Resolved'],
  ['upheld', 'Upheld'],
  ['withdrawn', 'Withdrawn'],
];

interface InboxItem {
  objection: Objection;
  notice: ChangeNotice;
  listTitle: string;
}

async function loadInbox(tenant: string): Promise<InboxItem[]> {
  const path = { tenant };
  const [notices, lists] = await Promise.all([
    call(api.GET('/api/v1/tenants/{tenant}/notices', { params: { path, query: { limit: RECENT_NOTICES } } })),
    call(api.GET('/api/v1/tenants/{tenant}/lists', { params: { path } })),
  ]);
  const perNotice = await Promise.all(
    notices.items.map(async (notice) => {
      const { items } = await call(
        api.GET('/api/v1/tenants/{tenant}/notices/{noticeId}/objections', {
          params: { path: { tenant, noticeId: notice.id } },
        }),
      );
      const listTitle = lists.items.find((l) => l.id === notice.listId)?.title ?? 'a list';
      return items.map((objection) => ({ objection, notice, listTitle }));
    }),
  );
  // open ones first, then newest first
  return perNotice
    .flat()
    .sort(
      (a, b) =>
        Number(b.objection.status === 'open') - Number(a.objection.status === 'open') ||
        b.objection.createdAt.localeCompare(a.objection.createdAt),
    );
}

/** Objections customers sent through their notice's link: read, answer (emailed), set a status. */
export function ObjectionsScreen({ tenant }: { tenant: Tenant }) {
  const [status, setStatus] = useState<Status | ''>('open');
  const inbox = useQuery({ queryKey: ['objections', tenant.slug], queryFn: () => loadInbox(tenant.slug) });
  // said here, not on the card: an answered objection may leave the filtered inbox
  const [answered, setAnswered] = useState<string | null>(null);
  const all = inbox.data ?? [];
  const shown = all.filter((i) => !status || i.objection.status === status);
  return (
    <>
      <h1>Objections</h1>
      <p>
        Customers object to a change through the personal link in its notice, before it takes effect. Your
        answer is emailed to them.
      </p>
      <div className="filters">
        <SelectField
          label="Show"
          value={status}
          onChange={(e) => setStatus(e.currentTarget.value as Status | '')}
        >
          <option value="">All</option>
          {STATUSES.map(([s, label]) => (
            <option key={s} value={s}>
              {label}
            </option>
          ))}
        </SelectField>
      </div>
      <ErrorNote error={inbox.error} />
      {answered && <Notice>Answer saved; it is emailed to {answered}.</Notice>}
      {inbox.isPending && <p aria-busy="true">Loading the objections…</p>}
      {inbox.isSuccess && (
        <p role="status" className="muted">
          {shown.length} of {all.length} objections (to the latest {RECENT_NOTICES} notices)
        </p>
      )}
      {inbox.isSuccess && shown.length === 0 && (
        <Empty title={all.length === 0 ? 'No objections' : 'None with this status'}>
          <p>
            {all.length === 0
              ? 'Nobody has objected to a change. Objections arrive here when a subscriber uses the link in a notice.'
              : 'Choose “All” to see every objection.'}
          </p>
        </Empty>
      )}
      {shown.map((i) => (
        <ObjectionCard key={i.objection.id} tenant={tenant} item={i} onAnswered={setAnswered} />
      ))}
    </>
  );
}

function ObjectionCard(props: { tenant: Tenant; item: InboxItem; onAnswered: (email: string) => void }) {
  const { tenant, item } = props;
  const qc = useQueryClient();
  const { objection: o, notice, listTitle } = item;
  const [status, setStatus] = useState<Status>(o.status === 'open' ? 'resolved' : o.status);
  const answer = useMutation({
    mutationFn: (v: Record<string, string>) =>
      call(
        api.PATCH('/api/v1/tenants/{tenant}/objections/{objectionId}', {
          params: { path: { tenant: tenant.slug, objectionId: o.id } },
          body: { status, answer: v.answer ?? '' },
        }),
      ),
    onSuccess: () => {
      props.onAnswered(o.email);
      qc.invalidateQueries({ queryKey: ['objections', tenant.slug] });
    },
  });
  const id = `objection-${o.id}`;
  return (
    <article className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>
        {o.organisation ?? o.email} on {listTitle}, version {notice.version}{' '}
        <span className={`status status-${o.status}`}>{o.status}</span>
      </h2>
      <dl className="facts">
        <dt>From</dt>
        <dd>
          {o.contact ? `${o.contact}, ` : ''}
          {o.email}
        </dd>
        <dt>Received</dt>
        <dd>{when(o.createdAt)}</dd>
        <dt>Change takes effect</dt>
        <dd>{when(notice.effectiveAt)}</dd>
      </dl>
      <blockquote>{o.reason}</blockquote>
      {o.answer && (
        <>
          <h3>
            Your answer of {when(o.answeredAt)}
            {o.answerMailedAt ? ', emailed' : ', being emailed'}
          </h3>
          <blockquote>{o.answer}</blockquote>
        </>
      )}
      {canEdit(tenant.role) && (
        <Form
          validationBehavior="aria"
          validationErrors={fieldErrors(answer.error)}
          onSubmit={(e) => {
            e.preventDefault();
            answer.mutate(formValues(e.currentTarget));
          }}
        >
          <Field
            label={o.answer ? 'New answer' : 'Answer'}
            name="answer"
            multiline
            isRequired
            description={`Emailed to ${o.email}.`}
          />
          <SelectField
            label="Status"
            value={status}
            onChange={(e) => setStatus(e.currentTarget.value as Status)}
          >
            {STATUSES.map(([s, label]) => (
              <option key={s} value={s}>
                {label}
              </option>
            ))}
          </SelectField>
          <ErrorNote error={answer.error} />
          <Submit pending={answer.isPending}>Send the answer</Submit>
        </Form>
      )}
    </article>
  );
}
