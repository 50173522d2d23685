import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Form } from 'react-aria-components';
import { type Session, api, call } from '../../api/client';
import { ErrorNote, Field, Notice, Submit, fieldErrors, formValues, when } from '../ui';

type Tenant = Session['tenants'][number];

/** Where the workspace's data is (from the directory, not typed) and the hosting statement (owners edit). */
export function HostingScreen({ tenant }: { tenant: Tenant }) {
  const qc = useQueryClient();
  const path = { tenant: tenant.slug };
  const residency = useQuery({
    queryKey: ['residency', tenant.slug],
    queryFn: () => call(api.GET('/api/v1/tenants/{tenant}/residency', { params: { path } })),
  });
  const profile = useQuery({
    queryKey: ['profile', tenant.slug],
    queryFn: () => call(api.GET('/api/v1/tenants/{tenant}/profile', { params: { path } })),
  });
  const save = useMutation({
    mutationFn: (v: Record<string, string>) =>
      call(
        api.PUT('/api/v1/tenants/{tenant}/profile', {
          params: { path },
          body: {
            displayName: v.displayName ?? '',
            hostingProvider: v.hostingProvider || null,
            hostingRegion: v.hostingRegion || null,
            segregation: v.segregation || null,
            dataStored: v.dataStored || null,
            regionMoveInfo: v.regionMoveInfo || null,
            contactEmail: v.contactEmail || null,
          },
        }),
      ),
    onSuccess: (p) => qc.setQueryData(['profile', tenant.slug], p),
  });
  const r = residency.data;
  const p = profile.data;
  const owner = tenant.role === 'owner';
  return (
    <>
      <h1>Hosting and region</h1>
      <section aria-labelledby="residency-h">
        <h2 id="residency-h">Where your data is kept</h2>
        <ErrorNote error={residency.error} />
        {residency.isPending && <p aria-busy="true">Loading…</p>}
        {r && (
          <dl className="facts">
            <dt>Region</dt>
            <dd>
              {r.region.label} ({r.region.id})
            </dd>
            <dt>Countries</dt>
            <dd>{r.region.countries.map((c) => c.name).join(', ') || 'not stated'}</dd>
            <dt>Data centre operator</dt>
            <dd>{r.region.provider ?? 'not stated'}</dd>
            <dt>State</dt>
            <dd>{r.status === 'moving' ? 'being moved to another region' : r.status}</dd>
            <dt>Separation from other workspaces</dt>
            <dd>{r.segregation}</dd>
            <dt>Kept outside the region</dt>
            <dd>{r.controlPlane}</dd>
            {r.lastMove && (
              <>
                <dt>Last move</dt>
                <dd>
                  from {r.lastMove.from} to {r.lastMove.to}
                  {r.lastMove.finishedAt ? `, finished ${when(r.lastMove.finishedAt)}` : ''}
                </dd>
              </>
            )}
          </dl>
        )}
        <p className="muted">
          This comes from where subreg actually stores the workspace. A move to another region is done by the
          operator of this subreg installation; ask them.
        </p>
      </section>
      <section aria-labelledby="profile-h">
        <h2 id="profile-h">Hosting statement on your trust page</h2>
        <ErrorNote error={profile.error} />
        {p && (
          <Form
            key={p.updatedAt}
            validationBehavior="aria"
            validationErrors={fieldErrors(save.error)}
            onSubmit={(e) => {
              e.preventDefault();
              save.mutate(formValues(e.currentTarget));
            }}
          >
            <Field
              label="Company name shown"
              name="displayName"
              defaultValue={p.displayName}
              isRequired
              isReadOnly={!owner}
            />
            <Field
              label="Hosting provider"
              name="hostingProvider"
              defaultValue={p.hostingProvider ?? ''}
              isReadOnly={!owner}
            />
            <Field
              label="Hosting region"
              name="hostingRegion"
              defaultValue={p.hostingRegion ?? ''}
              description="Where your own product runs, in words, e.g. Frankfurt, Germany."
              isReadOnly={!owner}
            />
            <Field
              label="Data stored"
              name="dataStored"
              multiline
              defaultValue={p.dataStored ?? ''}
              isReadOnly={!owner}
            />
            <Field
              label="Segregation"
              name="segregation"
              multiline
              defaultValue={p.segregation ?? ''}
              isReadOnly={!owner}
            />
            <Field
              label="Region moves"
              name="regionMoveInfo"
              multiline
              defaultValue={p.regionMoveInfo ?? ''}
              description="What customers should know if you move their data."
              isReadOnly={!owner}
            />
            <Field
              label="Privacy contact email"
              name="contactEmail"
              type="email"
              defaultValue={p.contactEmail ?? ''}
              isReadOnly={!owner}
            />
            <ErrorNote error={save.error} />
            {save.isSuccess && <Notice>Saved; the trust page shows it now.</Notice>}
            {owner ? (
              <Submit pending={save.isPending}>Save the statement</Submit>
            ) : (
              <p className="muted">Only an owner can change the statement.</p>
            )}
          </Form>
        )}
      </section>
    </>
  );
}
