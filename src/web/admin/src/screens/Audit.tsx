import { useMutation, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Button, Input, Label, SearchField } from 'react-aria-components';
import { type Session, api, call } from '../../api/client';
import type { components } from '../../api/schema';
import { ErrorNote, Notice, SelectField } from '../ui';

type Tenant = Session['tenants'][number];
type AuditEvent = components['schemas']['AuditEvent'];
/** The screen reads at most this many events (newest kept); the CLI exports everything. */
const MAX_EVENTS = 5000;

async function loadAudit(tenant: string): Promise<AuditEvent[]> {
  const all: AuditEvent[] = [];
  let afterSeq: number | null = 0;
  while (afterSeq !== null) {
    const page: { items: AuditEvent[]; nextAfterSeq: number | null } = await call(
      api.GET('/api/v1/tenants/{tenant}/audit', {
        params: { path: { tenant }, query: { afterSeq, limit: 500 } },
      }),
    );
    all.push(...page.items);
    afterSeq = page.nextAfterSeq;
    if (all.length > MAX_EVENTS) all.splice(0, all.length - MAX_EVENTS);
  }
  return all.reverse();
}

export function AuditScreen({ tenant }: { tenant: Tenant }) {
  const events = useQuery({ queryKey: ['audit', tenant.slug], queryFn: () => loadAudit(tenant.slug) });
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const verify = useMutation({
    mutationFn: () =>
      call(api.GET('/api/v1/tenants/{tenant}/audit/verify', { params: { path: { tenant: tenant.slug } } })),
  });
  const shown = useMemo(
    () =>
      (events.data ?? []).filter(
        (e) =>
          (!action || e.action.toLowerCase().includes(action.toLowerCase())) &&
          (!actor || e.actorType === actor),
      ),
    [events.data, action, actor],
  );
  const v = verify.data;
  return (
    <>
      <h1>Audit log</h1>
      <section aria-labelledby="verify-h">
        <h2 id="verify-h">Chain verification</h2>
        <p>
          Every change is chained to the one before and sealed; verifying checks every link, seal and
          checkpoint.
        </p>
        <Button className="primary" isDisabled={verify.isPending} onPress={() => verify.mutate()}>
          Verify chain
        </Button>
        <ErrorNote error={verify.error} />
        {v &&
          (v.ok ? (
            <Notice>
              The chain is intact: {v.checked} events checked up to #{v.lastSeq}
              {v.checkpoint
                ? `, matching the checkpoint signed ${new Date(v.checkpoint.issuedAt).toLocaleString()}`
                : ''}
              .
            </Notice>
          ) : (
            <p className="error" role="alert">
              The chain is broken at event #{v.brokenAtSeq} ({v.problem}): {v.reason}
            </p>
          ))}
      </section>
      <section aria-labelledby="events-h">
        <h2 id="events-h">Events</h2>
        <div className="filters">
          <SearchField value={action} onChange={setAction} className="field">
            <Label>Action contains</Label>
            <Input placeholder="e.g. list.published" />
          </SearchField>
          <SelectField label="Actor" value={actor} onChange={(e) => setActor(e.currentTarget.value)}>
            <option value="">Anyone</option>
            <option value="user">People</option>
            <option value="token">API tokens</option>
            <option value="system">System</option>
          </SelectField>
        </div>
        <ErrorNote error={events.error} />
        {events.isPending && <p aria-busy="true">Loading the audit log…</p>}
        {events.data && (
          <p role="status" className="muted">
            {shown.length} of {events.data.length} events, newest first
          </p>
        )}
        {shown.length > 0 && (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Object</th>
                <th scope="col">Actor</th>
              </tr>
            </thead>
            <tbody>
              {shown.slice(0, 500).map((e) => (
                <tr key={e.seq}>
                  <th scope="row">{e.seq}</th>
                  <td>{new Date(e.occurredAt).toLocaleString()}</td>
                  <td>{e.action}</td>
                  <td className="mono">
                    {e.objectType} {e.objectId}
                  </td>
                  <td>{e.actorType}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
