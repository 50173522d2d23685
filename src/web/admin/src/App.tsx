import { useEffect } from 'react';
import { AuditScreen } from './screens/Audit';
import { ListScreen } from './screens/List';
import { ListsScreen } from './screens/Lists';
import { SignInScreen } from './screens/SignIn';
import { SignUpScreen } from './screens/SignUp';
import { Shell } from './Shell';
import { appPath, match, navigate, usePath } from './router';
import { useSession } from './session';
import { ErrorNote } from './ui';

export function App() {
  const path = usePath();
  const session = useSession();
  const pathname = path.split('?')[0] ?? '';

  const publicScreen = pathname === appPath.login ? 'login' : pathname === appPath.signup ? 'signup' : null;
  const signedOut = session.isSuccess && session.data === null;
  const firstTenant = session.data?.tenants[0]?.slug;

  useEffect(() => {
    if (signedOut && !publicScreen) navigate(appPath.login, { replace: true });
    if (session.data && publicScreen) navigate('/app', { replace: true });
    if (session.data && firstTenant && (pathname === '/app' || pathname === '/app/'))
      navigate(appPath.lists(firstTenant), { replace: true });
  }, [signedOut, publicScreen, session.data, firstTenant, pathname]);

  if (publicScreen === 'login') return <SignInScreen />;
  if (publicScreen === 'signup') return <SignUpScreen />;
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
  m = match('/app/t/:tenant/audit', pathname);
  if (m && tenantOf(m.tenant!))
    return (
      <Shell session={s} tenant={tenantOf(m.tenant!)!} section="audit">
        <AuditScreen tenant={tenantOf(m.tenant!)!} />
      </Shell>
    );
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
