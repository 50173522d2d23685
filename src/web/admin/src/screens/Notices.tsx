import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { ApiError, type List, type Session, api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { appPath } from '../router';
import { canEdit } from '../session';
import {
  ConfirmButton,
  Empty,
  ErrorNote,
  Field,
  Notice,
  SelectField,
  Submit,
  fieldErrors,
  formValues,
  when,
} from '../ui';
import { Pager } from './Subscribers';

type Tenant = Session['tenants'][number];
type ChangeNotice = components['schemas']['ChangeNotice'];
type Delivery = components['schemas']['NoticeDelivery'];
type Approval = components['schemas']['ChangeApproval'];
const PAGE = 20;

export function NoticesScreen({ tenant }: { tenant: Tenant }) {
  return (
    <>
      <h1>Change notices</h1>
      <p>
        Each published change is announced by email to the subscribers, with the date it takes effect and a
        personal link to object. Here is who each notice reached.
      </p>
      <FailedDeliveries tenant={tenant} />
      <NoticesPanel tenant={tenant} />
    </>
  );
}

/** Notices of one list (on its tab) or of the workspace, each with its deliveries per recipient. */
export function NoticesPanel({ tenant, list }: { tenant: Tenant; list?: List }) {
  const [offset, setOffset] = useState(0);
  const lists = useQuery({
    queryKey: ['lists', tenant.slug],
    queryFn: () =>
      call(api.GET('/api/v1/tenants/{tenant}/lists', { params: { path: { tenant: tenant.slug } } })),
    enabled: !list,
  });
  const notices = useQuery({
    queryKey: ['notices', tenant.slug, list?.id ?? null, offset],
    queryFn: () =>
      call(
        api.GET('/api/v1/tenants/{tenant}/notices', {
          params: {
            path: { tenant: tenant.slug },
            query: { ...(list ? { listId: list.id } : {}), limit: PAGE, offset },
          },
        }),
      ),
  });
  const titleOf = (id: string) =>
    list?.title ?? lists.data?.items.find((l) => l.id === id)?.title ?? 'a list';
  const items = notices.data?.items ?? [];
  return (
    <section aria-labelledby="notices-h">
      <h2 id="notices-h">{list ? 'Notices of this list' : 'Notices'}</h2>
      <ErrorNote error={notices.error} />
      {notices.isPending && <p aria-busy="true">Loading the notices…</p>}
      {notices.isSuccess && items.length === 0 && (
        <Empty title="No notices yet">
          <p>
            Publishing a change that adds, removes or changes an entry sends a notice to the subscribers.
            {list ? (
              <>
                {' '}
                <a href={appPath.list(tenant.slug, list.id, 'subscribers')}>Add subscribers</a> first so
                someone is told.
              </>
            ) : (
              <>
                {' '}
                <a href={appPath.section(tenant.slug, 'subscribers')}>Add subscribers</a> first so someone is
                told.
              </>
            )}
          </p>
        </Empty>
      )}
      {items.map((n) => (
        <NoticeCard key={n.id} tenant={tenant} notice={n} listTitle={titleOf(n.listId)} />
      ))}
      <Pager offset={offset} total={notices.data?.total ?? 0} onChange={setOffset} size={PAGE} />
    </section>
  );
}

function NoticeCard({
  tenant,
  notice: n,
  listTitle,
}: {
  tenant: Tenant;
  notice: ChangeNotice;
  listTitle: string;
}) {
  const [open, setOpen] = useState(false);
  const id = `notice-${n.id}`;
  const pending = n.deliveries.recipients - n.deliveries.sent - n.deliveries.failed;
  return (
    <article className="card" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>
        {listTitle}: version {n.version} <span className={`status status-${n.status}`}>{n.status}</span>
      </h3>
      <dl className="facts">
        <dt>Published</dt>
        <dd>{when(n.publishedAt)}</dd>
        <dt>Takes effect</dt>
        <dd>{when(n.effectiveAt)}</dd>
        <dt>Changes</dt>
        <dd>
          {n.counts.added} added, {n.counts.changed} changed, {n.counts.removed} removed (against version{' '}
          {n.baseVersion})
        </dd>
        {n.emergencyReason && (
          <>
            <dt>Emergency</dt>
            <dd>{n.emergencyReason}</dd>
          </>
        )}
        {n.withdrawnAt && (
          <>
            <dt>Withdrawn</dt>
            <dd>
              {when(n.withdrawnAt)}: {n.withdrawnReason}
            </dd>
          </>
        )}
        <dt>Deliveries</dt>
        <dd>
          {n.deliveries.recipients} recipients: {n.deliveries.sent} sent, {n.deliveries.failed} failed
          {pending > 0 && `, ${pending} pending or skipped`}
          {n.fanout === 'pending' && ' (still preparing the messages: the count grows)'}
        </dd>
      </dl>
      <div className="row-actions">
        <Button aria-expanded={open} aria-controls={`${id}-d`} onPress={() => setOpen(!open)}>
          {open ? 'Hide' : 'Show'} deliveries<span className="sr-only"> of version {n.version}</span>
        </Button>
        <a href={appPath.section(tenant.slug, 'objections')}>Objections</a>
        <EvidenceLinks tenant={tenant} notice={n} />
      </div>
      <div id={`${id}-d`}>
        {open && (
          <>
            <Approvals tenant={tenant} noticeId={n.id} />
            <DeliveriesTable tenant={tenant} notice={n} />
          </>
        )}
      </div>
      {n.status === 'scheduled' && canEdit(tenant.role) && <Withdraw tenant={tenant} notice={n} />}
    </article>
  );
}

/** The notice's evidence (messages, attempts, objections) as files for a customer or an auditor. */
function EvidenceLinks({ tenant, notice: n }: { tenant: Tenant; notice: ChangeNotice }) {
  const base = `/api/v1/tenants/${encodeURIComponent(tenant.slug)}/lists/${encodeURIComponent(n.listId)}/notices/${encodeURIComponent(n.id)}`;
  return (
    <>
      <a href={`${base}/evidence.csv`} download>
        Evidence (CSV)<span className="sr-only"> of version {n.version}</span>
      </a>
      <a href={`${base}/evidence.pdf`} download>
        Evidence (PDF)<span className="sr-only"> of version {n.version}</span>
      </a>
    </>
  );
}

/** Customers under specific authorisation: the change applies to them only once they approve it. */
function Approvals({ tenant, noticeId }: { tenant: Tenant; noticeId: string }) {
  const [deciding, setDeciding] = useState<Approval | null>(null);
  const approvals = useQuery({
    queryKey: ['approvals', tenant.slug, noticeId],
    queryFn: () =>
      call(
        api.GET('/api/v1/tenants/{tenant}/notices/{noticeId}/approvals', {
          params: { path: { tenant: tenant.slug, noticeId } },
        }),
      ),
  });
  if (approvals.isError) return <ErrorNote error={approvals.error} />;
  const items = approvals.data?.items ?? [];
  if (items.length === 0) return null;
  const editable = canEdit(tenant.role);
  const open = editable && items.some((a) => a.status === 'requested');
  return (
    <section aria-labelledby={`approvals-${noticeId}`}>
      <h4 id={`approvals-${noticeId}`}>Approvals (customers under specific authorisation)</h4>
      <table className="data">
        <caption className="sr-only">Approvals</caption>
        <thead>
          <tr>
            <th scope="col">Customer</th>
            <th scope="col">Status</th>
            <th scope="col">Asked</th>
            <th scope="col">Decided</th>
            <th scope="col">Reason</th>
            {open && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id}>
              <th scope="row">
                <a href={appPath.customer(tenant.slug, a.customerId)}>{a.organisation}</a>
              </th>
              <td>
                <span className={`status status-${a.status}`}>{a.status}</span>
              </td>
              <td>
                {when(a.requestedAt)}
                {a.mail.status === 'failed'
                  ? ` (request mail failed: ${a.mail.error ?? 'no answer'})`
                  : a.mail.status === 'queued'
                    ? ' (request mail pending)'
                    : ` (mailed to ${a.mail.contacts} contact${a.mail.contacts === 1 ? '' : 's'})`}
              </td>
              <td>{a.decidedAt ? `${when(a.decidedAt)} by ${a.decidedBy ?? 'unknown'}` : ''}</td>
              <td>{a.reason}</td>
              {open && (
                <td>
                  {a.status === 'requested' && (
                    <Button className="quiet" onPress={() => setDeciding(a)}>
                      Record a decision<span className="sr-only"> of {a.organisation}</span>
                    </Button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {deciding && (
        <RecordDecision
          key={deciding.id}
          tenant={tenant}
          approval={deciding}
          onDone={() => setDeciding(null)}
        />
      )}
    </section>
  );
}

/** A decision the customer gave another way (letter, call), recorded by staff with who gave it. */
function RecordDecision(props: { tenant: Tenant; approval: Approval; onDone: () => void }) {
  const { tenant, approval: a } = props;
  const qc = useQueryClient();
  const decide = useMutation({
    mutationFn: (v: Record<string, string>) =>
      call(
        api.POST('/api/v1/tenants/{tenant}/approvals/{approvalId}/decision', {
          params: { path: { tenant: tenant.slug, approvalId: a.id } },
          body: {
            decision: v.decision === 'refuse' ? 'refuse' : 'approve',
            onBehalfOf: v.onBehalfOf ?? '',
            ...(v.reason ? { reason: v.reason } : {}),
          },
        }),
      ),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['approvals', tenant.slug, a.noticeId] });
      props.onDone();
    },
  });
  // "refuse" without a reason is refused as a whole: it belongs next to the reason field
  const errors =
    decide.error instanceof ApiError && decide.error.code === 'APPROVAL_INVALID'
      ? { reason: decide.error.message }
      : fieldErrors(decide.error);
  return (
    <Form
      aria-label={`Decision of ${a.organisation}`}
      validationBehavior="aria"
      validationErrors={errors}
      onSubmit={(e) => {
        e.preventDefault();
        decide.mutate(formValues(e.currentTarget));
      }}
    >
      <h5>Decision of {a.organisation}, received another way</h5>
      <SelectField label="Decision" name="decision" defaultValue="approve">
        <option value="approve">Approved the change</option>
        <option value="refuse">Refused the change</option>
      </SelectField>
      <Field
        label="Decided by"
        name="onBehalfOf"
        isRequired
        description="Who spoke for the customer, and how, e.g. Dana Meyer, DPO (letter of 3 May)."
      />
      <Field label="Reason" name="reason" multiline description="Required when they refuse." />
      {Object.keys(errors).length === 0 && <ErrorNote error={decide.error} />}
      <div className="row-actions">
        <Submit pending={decide.isPending}>Record the decision</Submit>
        <Button onPress={props.onDone}>Cancel</Button>
      </div>
    </Form>
  );
}

/** What a person reads for a delivery: sent, failed, skipped or pending (queued, being sent, retrying). */
export function deliveryState(d: Delivery): { label: string; cls: string } {
  if (d.status === 'queued' || d.status === 'sending')
    return d.attempts > 0
      ? { label: `pending: retry ${d.attempts + 1}`, cls: 'pending' }
      : { label: 'pending', cls: 'pending' };
  return { label: d.status, cls: d.status };
}

/** Re-sending failed messages (owners): one, or every failed one of a notice. */
function useResend(tenant: Tenant) {
  const qc = useQueryClient();
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: ['deliveries', tenant.slug] });
    void qc.invalidateQueries({ queryKey: ['notices', tenant.slug] });
  };
  const one = useMutation({
    mutationFn: (d: Delivery) =>
      call(
        api.POST('/api/v1/tenants/{tenant}/notices/{noticeId}/deliveries/{deliveryId}/resend', {
          params: { path: { tenant: tenant.slug, noticeId: d.noticeId, deliveryId: d.id } },
        }),
      ),
    onSuccess: refresh,
  });
  const all = useMutation({
    mutationFn: (noticeId: string) =>
      call(
        api.POST('/api/v1/tenants/{tenant}/notices/{noticeId}/deliveries/resend-failed', {
          params: { path: { tenant: tenant.slug, noticeId } },
        }),
      ),
    onSuccess: refresh,
  });
  const feedback = (
    <>
      <ErrorNote error={one.error ?? all.error} />
      {one.isSuccess && <Notice>The message to {one.data.email} is queued again and goes out now.</Notice>}
      {all.isSuccess && (
        <Notice>
          {all.data.resent} message{all.data.resent === 1 ? ' is' : 's are'} queued again.
          {all.data.notResent.map((n) => ` ${n.reason}`).join('')}
        </Notice>
      )}
    </>
  );
  const button = (d: Delivery) =>
    tenant.role === 'owner' && d.status === 'failed' ? (
      <ConfirmButton
        label="Re-send"
        target={`the message to ${d.email}`}
        question={`Send it to ${d.email} again?`}
        pending={one.isPending}
        onConfirm={() => one.mutate(d)}
      />
    ) : null;
  return { one, all, feedback, button };
}

function DeliveriesTable({ tenant, notice }: { tenant: Tenant; notice: ChangeNotice }) {
  const [offset, setOffset] = useState(0);
  const [failedOnly, setFailedOnly] = useState(false);
  const resend = useResend(tenant);
  const noticeId = notice.id;
  const deliveries = useQuery({
    queryKey: ['deliveries', tenant.slug, noticeId, failedOnly, offset],
    queryFn: () =>
      call(
        api.GET('/api/v1/tenants/{tenant}/deliveries', {
          params: {
            path: { tenant: tenant.slug },
            query: { noticeId, limit: 50, offset, ...(failedOnly ? { failed: 'true' as const } : {}) },
          },
        }),
      ),
  });
  const filter = (
    <div className="filters">
      <SelectField
        label="Messages shown"
        value={failedOnly ? 'failed' : ''}
        onChange={(e) => {
          setFailedOnly(e.currentTarget.value === 'failed');
          setOffset(0);
        }}
      >
        <option value="">Every message</option>
        <option value="failed">Failed or being retried</option>
      </SelectField>
      {tenant.role === 'owner' && notice.deliveries.failed > 0 && (
        <ConfirmButton
          label="Re-send all failed"
          target={`of version ${notice.version}`}
          question={`Send the ${notice.deliveries.failed} failed message(s) again?`}
          pending={resend.all.isPending}
          onConfirm={() => resend.all.mutate(noticeId)}
        />
      )}
    </div>
  );
  if (deliveries.isError) return <ErrorNote error={deliveries.error} />;
  if (!deliveries.data) return <p aria-busy="true">Loading the deliveries…</p>;
  if (deliveries.data.total === 0 && !failedOnly)
    return <p>Nobody was subscribed when this was published: no messages.</p>;
  return (
    <>
      <h4>Deliveries</h4>
      {filter}
      {resend.feedback}
      {deliveries.data.total === 0 ? (
        <p>No message of this notice failed.</p>
      ) : (
        <DeliveryRows items={deliveries.data.items} action={resend.button} />
      )}
      <Pager offset={offset} total={deliveries.data.total} onChange={setOffset} />
    </>
  );
}

/** `withNotice`: which notice each message belongs to, in words (for lists across notices). */
function DeliveryRows({
  items,
  withNotice,
  action,
}: {
  items: Delivery[];
  withNotice?: (noticeId: string) => string;
  /** a row's action (re-send), if any row has one */
  action?: (d: Delivery) => ReactNode;
}) {
  const actions = action && items.some((d) => action(d) !== null);
  return (
    <table className="data">
      <caption className="sr-only">Deliveries</caption>
      <thead>
        <tr>
          <th scope="col">Recipient</th>
          <th scope="col">Message</th>
          <th scope="col">Status</th>
          <th scope="col">Attempts</th>
          <th scope="col">Sent or next try</th>
          <th scope="col">Last answer</th>
          {actions && <th scope="col">Actions</th>}
        </tr>
      </thead>
      <tbody>
        {items.map((d) => {
          const s = deliveryState(d);
          return (
            <tr key={d.id}>
              <th scope="row">{d.email}</th>
              <td>
                {d.kind === 'withdrawal' ? 'withdrawal' : d.kind === 'in_effect' ? 'now in effect' : 'notice'}
                {withNotice && <span className="muted"> of {withNotice(d.noticeId)}</span>}
              </td>
              <td>
                <span className={`status status-${s.cls}`}>{s.label}</span>
              </td>
              <td>{d.attempts}</td>
              <td>{d.sentAt ? when(d.sentAt) : d.nextAttemptAt ? `next ${when(d.nextAttemptAt)}` : ''}</td>
              <td className="mono">{d.lastError}</td>
              {actions && <td>{action(d)}</td>}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Messages that failed or are being retried, across notices; subreg retries on its own. */
function FailedDeliveries({ tenant }: { tenant: Tenant }) {
  const resend = useResend(tenant);
  const failed = useQuery({
    queryKey: ['deliveries', tenant.slug, 'failed'],
    queryFn: () =>
      call(
        api.GET('/api/v1/tenants/{tenant}/deliveries', {
          params: { path: { tenant: tenant.slug }, query: { failed: 'true', limit: 50 } },
        }),
      ),
  });
  const some = (failed.data?.total ?? 0) > 0;
  const notices = useQuery({
    queryKey: ['notices', tenant.slug, 'all'],
    queryFn: () =>
      call(
        api.GET('/api/v1/tenants/{tenant}/notices', {
          params: { path: { tenant: tenant.slug }, query: { limit: 200 } },
        }),
      ),
    enabled: some,
  });
  const lists = useQuery({
    queryKey: ['lists', tenant.slug],
    queryFn: () =>
      call(api.GET('/api/v1/tenants/{tenant}/lists', { params: { path: { tenant: tenant.slug } } })),
    enabled: some,
  });
  const noticeName = (id: string) => {
    const n = notices.data?.items.find((x) => x.id === id);
    if (!n) return 'an older notice';
    return `${lists.data?.items.find((l) => l.id === n.listId)?.title ?? 'a list'} v${n.version}`;
  };
  if (failed.isError) return <ErrorNote error={failed.error} />;
  if (!failed.data || !some) return null;
  return (
    <section aria-labelledby="failed-h" className="warnings">
      <h2 id="failed-h">Failed deliveries ({failed.data.total})</h2>
      <p>
        These messages did not reach their recipient. subreg retries them on its own with growing delays
        (about a day and a half) before it gives up; check the address and the mail server's answer.
        {tenant.role === 'owner' &&
          ' Once the cause is fixed, send a failed one again: it keeps its Message-ID.'}
      </p>
      {resend.feedback}
      <DeliveryRows items={failed.data.items} withNotice={noticeName} action={resend.button} />
    </section>
  );
}

function Withdraw({ tenant, notice }: { tenant: Tenant; notice: ChangeNotice }) {
  const qc = useQueryClient();
  const [asking, setAsking] = useState(false);
  const withdraw = useMutation({
    mutationFn: (v: Record<string, string>) =>
      call(
        api.POST('/api/v1/tenants/{tenant}/notices/{noticeId}/withdraw', {
          params: { path: { tenant: tenant.slug, noticeId: notice.id } },
          body: { reason: v.reason ?? '' },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['notices', tenant.slug] }),
  });
  if (withdraw.isSuccess)
    return <Notice>Withdrawn; {withdraw.data.withdrawalRecipients} recipients are told.</Notice>;
  if (!asking)
    return (
      <Button className="quiet" onPress={() => setAsking(true)}>
        Withdraw<span className="sr-only"> version {notice.version}</span>…
      </Button>
    );
  return (
    <Form
      validationBehavior="aria"
      validationErrors={fieldErrors(withdraw.error)}
      onSubmit={(e) => {
        e.preventDefault();
        withdraw.mutate(formValues(e.currentTarget));
      }}
    >
      <Field
        label="Why it is withdrawn"
        name="reason"
        multiline
        isRequired
        description="Everyone the notice reached is told, with this reason."
      />
      <ErrorNote error={withdraw.error} />
      <div className="row-actions">
        <Submit pending={withdraw.isPending}>Withdraw the notice</Submit>
        <Button onPress={() => setAsking(false)}>Cancel</Button>
      </div>
    </Form>
  );
}
