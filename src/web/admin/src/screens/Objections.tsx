import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { type Session, api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { canEdit } from '../session';
import { Empty, ErrorNote, Field, Notice, SelectField, Submit, fieldErrors, formValues, when } from '../ui';

type Tenant = Session['tenants'][number];
type Objection = components['schemas']['InboxObjection'];
type Status = Objection['status'];
/** objections per request; "Show more" reads the next page */
const PAGE = 25;
const STATUSES: [Status, string][] = [
  ['open', 'Open'],
  ['resolved', 'Resolved'],
  ['upheld', 'Upheld'],
  ['withdrawn', 'Withdrawn'],
];

/** Objections customers sent through their notice's link: read, answer (emailed), set a status. */
export function ObjectionsScreen({ tenant }: { tenant: Tenant }) {
  const [status, setStatus] = useState<Status | ''>('open');
  // one request per page for the whole workspace, filtered and paged by the server, newest first
  const inbox = useInfiniteQuery({
    queryKey: ['objections', tenant.slug, status],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/v1/tenants/{tenant}/objections', {
          params: {
            path: { tenant: tenant.slug },
            query: {
              limit: PAGE,
              ...(status ? { status } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.next,
  });
  // said here, not on the card: an answered objection may leave the filtered inbox
  const [answered, setAnswered] = useState<string | null>(null);
  const shown = inbox.data?.pages.flatMap((p) => p.items) ?? [];
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
          {shown.length} {status ? `${status} ` : ''}objection{shown.length === 1 ? '' : 's'}
          {inbox.hasNextPage ? ' shown, newest first; more below' : ', newest first'}
        </p>
      )}
      {inbox.isSuccess && shown.length === 0 && (
        <Empty title={status ? 'None with this status' : 'No objections'}>
          <p>
            {status
              ? 'Choose “All” to see every objection.'
              : 'Nobody has objected to a change. Objections arrive here when a subscriber uses the link in a notice.'}
          </p>
        </Empty>
      )}
      {shown.map((o) => (
        <ObjectionCard key={o.id} tenant={tenant} objection={o} onAnswered={setAnswered} />
      ))}
      {inbox.hasNextPage && (
        <Button onPress={() => inbox.fetchNextPage()} isDisabled={inbox.isFetchingNextPage}>
          {inbox.isFetchingNextPage ? 'Loading…' : 'Show more objections'}
        </Button>
      )}
    </>
  );
}

function ObjectionCard(props: { tenant: Tenant; objection: Objection; onAnswered: (email: string) => void }) {
  const { tenant, objection: o } = props;
  const qc = useQueryClient();
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
        {o.organisation ?? o.email} on {o.listTitle}, version {o.versionNumber}{' '}
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
        <dd>{when(o.effectiveAt)}</dd>
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
