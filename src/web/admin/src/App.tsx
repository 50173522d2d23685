import { type ComponentType, useEffect } from 'react';
import type { Session } from '../api/client';
import { AcceptInvitationScreen } from './screens/AcceptInvitation';
import { AuditScreen } from './screens/Audit';
import { CustomerScreen, CustomersScreen } from './screens/Customers';
import { MembersScreen } from './screens/Members';
import { NoticesScreen } from './screens/Notices';
import { ObjectionsScreen } from './screens/Objections';
import { OutboxScreen } from './screens/Outbox';
import { SubscribersScreen } from './screens/Subscribers';
import { TokensScreen } from './screens/Tokens';
import { WebhookScreen, WebhooksScreen } from './screens/Webhooks';
import { HostingScreen } from './screens/Hosting';
import { ListScreen } from './screens/List';
import { ListsScreen } from './screens/Lists';
import { SignInScreen } from './screens/SignIn';
import { SignUpScreen } from './screens/SignUp';
import { Shell } from './Shell';
import { appPath, match, navigate, usePath } from './router';
import { useSession } from './session';
import { ErrorNote } from './ui';

type Tenant = Session['tenants'][number];
/** The workspace pages at /app/t/:tenant/:section (lists have their own routes). */
const SECTIONS = {
  subscribers: SubscribersScreen,
  customers: CustomersScreen,
  notices: NoticesScreen,
  objections: ObjectionsScreen,
  members: MembersScreen,
  tokens: TokensScreen,
  webhooks: WebhooksScreen,
  hosting: HostingScreen,
  outbox: OutboxScreen,
  audit: AuditScreen,
} satisfies Record<string, ComponentType<{ tenant: Tenant; me: string }>>;
export type Section = keyof typeof SECTIONS;
/** Pages whose API answers only owners: others get "not found", as for another's workspace. */
const OWNER_ONLY = new Set<Section>(['tokens', 'webhooks', 'outbox', 'audit']);

export function App() {
  const path = usePath();
  const session = useSession();
  const pathname = path.split('?')[0] ?? '';

  const publicScreen =
    pathname === appPath.login
      ? 'login'
      : pathname === appPath.signup
        ? 'signup'
        : pathname === appPath.invitation
          ? 'invitation'
          : null;
  const signedOut = session.isSuccess && session.data === null;
  const firstTenant = session.data?.tenants[0]?.slug;

  useEffect(() => {
    if (signedOut && !publicScreen) navigate(appPath.login, { replace: true });
    // an invitation may be for someone already signed in (another workspace): let them accept it
    if (session.data && publicScreen && publicScreen !== 'invitation') navigate('/app', { replace: true });
    if (session.data && firstTenant && (pathname === '/app' || pathname === '/app/'))
      navigate(appPath.lists(firstTenant), { replace: true });
  }, [signedOut, publicScreen, session.data, firstTenant, pathname]);

  if (publicScreen === 'login') return <SignInScreen />;
  if (publicScreen === 'signup') return <SignUpScreen />;
  if (publicScreen === 'invitation') return <AcceptInvitationScreen />;
  if (session.isPending)
    return (
      <main className="centered" aria-busy="true">
        <p>Loading…</p>
      </main>
    );
  if (session.isError)
    return (
      <main className="centered">
        <h1>subreg</h1>
        <ErrorNote error={session.error} />
      </main>
    );
  if (!session.data) return null;

  const s = session.data;
  const tenantOf = (slug: string) => s.tenants.find((t) => t.slug === slug);
  let m = match('/app/t/:tenant/lists/:listId/:tab', pathname);
  if (m && tenantOf(m.tenant!))
    return (
      <Shell session={s} tenant={tenantOf(m.tenant!)!} section="lists">
        <ListScreen tenant={tenantOf(m.tenant!)!} listId={m.listId!} tab={m.tab!} />
      </Shell>
    );
  m = match('/app/t/:tenant/lists', pathname);
  if (m && tenantOf(m.tenant!))
    return (
      <Shell session={s} tenant={tenantOf(m.tenant!)!} section="lists">
        <ListsScreen tenant={tenantOf(m.tenant!)!} />
      </Shell>
    );
  m = match('/app/t/:tenant/customers/:customerId', pathname);
  if (m && tenantOf(m.tenant!))
    return (
      <Shell session={s} tenant={tenantOf(m.tenant!)!} section="customers">
        <CustomerScreen tenant={tenantOf(m.tenant!)!} customerId={m.customerId!} />
      </Shell>
    );
  m = match('/app/t/:tenant/webhooks/:webhookId', pathname);
  if (m && tenantOf(m.tenant!)?.role === 'owner')
    return (
      <Shell session={s} tenant={tenantOf(m.tenant!)!} section="webhooks">
        <WebhookScreen tenant={tenantOf(m.tenant!)!} webhookId={m.webhookId!} />
      </Shell>
    );
  m = match('/app/t/:tenant/:section', pathname);
  const t = m ? tenantOf(m.tenant!) : undefined;
  const section = m?.section as Section | undefined;
  if (t && section && SECTIONS[section] && (!OWNER_ONLY.has(section) || t.role === 'owner')) {
    const Screen = SECTIONS[section];
    return (
      <Shell session={s} tenant={t} section={section}>
        <Screen tenant={t} me={s.user.email} />
      </Shell>
    );
  }
  const tenant = s.tenants[0];
  return (
    <Shell session={s} tenant={tenant} section="none">
      <h1>{tenant ? 'Page not found' : 'No workspace yet'}</h1>
      {tenant ? (
        <p>
          There is nothing at this address, or the workspace is not one of yours.{' '}
          <a href={appPath.lists(tenant.slug)}>Go to your lists</a>.
        </p>
      ) : (
        <p>
          You are not a member of any workspace. Ask its owner for an invitation, or{' '}
          <a href={appPath.signup}>sign up for a new workspace</a> with another address.
        </p>
      )}
    </Shell>
  );
}
