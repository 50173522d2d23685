import { useQuery } from '@tanstack/react-query';
import { type Session, api, call } from '../../api/client';
import { Empty, ErrorNote, when } from '../ui';

type Tenant = Session['tenants'][number];

/** The outbox query, shared with the navigation (which shows the page only when there is no SMTP). */
export const outboxQuery = (tenant: string) => ({
  queryKey: ['outbox', tenant],
  queryFn: () =>
    call(api.GET('/api/v1/tenants/{tenant}/outbox', { params: { path: { tenant }, query: { limit: 200 } } })),
  staleTime: 30_000,
});

const size = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`);

/** Mail this server wrote to files for the workspace, because no SMTP server is configured. */
export function OutboxScreen({ tenant }: { tenant: Tenant }) {
  const outbox = useQuery({ ...outboxQuery(tenant.slug), staleTime: 0 });
  const items = outbox.data?.items ?? [];
  return (
    <>
      <h1>Mail outbox</h1>
      <p>
        This server has no SMTP server configured, so the email it sends for {tenant.name} (change notices,
        confirmations, answers to objections) is written to files instead and nobody receives it. Read them
        here; set SMTP_URL on the server to send them for real.
      </p>
      {outbox.data?.smtpConfigured && (
        <p role="status">
          An SMTP server is configured now: new mail is sent, and only older messages are here.
        </p>
      )}
      <ErrorNote error={outbox.error} />
      {outbox.isPending && <p aria-busy="true">Loading the outbox…</p>}
      {outbox.isSuccess && items.length === 0 && (
        <Empty title="No mail yet">
          <p>Nothing has been written for this workspace.</p>
        </Empty>
      )}
      {items.length > 0 && (
        <table className="data">
          <caption className="sr-only">Messages in the outbox, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Subject</th>
              <th scope="col">To</th>
              <th scope="col">Written</th>
              <th scope="col">Size</th>
              <th scope="col">Message</th>
            </tr>
          </thead>
          <tbody>
            {items.map((m) => (
              <tr key={m.file}>
                <th scope="row">{m.subject || '(no subject)'}</th>
                <td>{m.to}</td>
                <td>{when(m.date)}</td>
                <td>{size(m.size)}</td>
                <td>
                  <a
                    href={`/api/v1/tenants/${encodeURIComponent(tenant.slug)}/outbox/${encodeURIComponent(m.file)}`}
                    download={m.file}
                  >
                    Download
                    <span className="sr-only">
                      {' '}
                      “{m.subject}” to {m.to}
                    </span>{' '}
                    (.eml)
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
