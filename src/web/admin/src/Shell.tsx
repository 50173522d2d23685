import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Button, Link } from 'react-aria-components';
import { type Session, api } from '../api/client';
import type { Section } from './App';
import { appPath, navigate } from './router';
import { outboxQuery } from './screens/Outbox';
import { useSetSession } from './session';

type Tenant = Session['tenants'][number];
/** The main navigation after Lists: [section, label, owners only]. */
const NAV: [Section, string, boolean][] = [
  ['notices', 'Notices', false],
  ['objections', 'Objections', false],
  ['subscribers', 'Subscribers', false],
  ['customers', 'Customers', false],
  ['members', 'Members', false],
  ['tokens', 'API tokens', true],
  ['webhooks', 'Webhooks', true],
  ['hosting', 'Hosting and region', false],
  ['audit', 'Audit log', true],
];

/** Owners of a server without SMTP get the outbox page: otherwise nobody would read that mail. */
function useShowsOutbox(tenant: Tenant | undefined): boolean {
  const owner = tenant?.role === 'owner';
  const outbox = useQuery({ ...outboxQuery(tenant?.slug ?? ''), enabled: owner });
  return owner && outbox.data?.smtpConfigured === false;
}

/** The frame of every signed-in screen: skip link, header with workspace switcher, nav, main. */
export function Shell(props: {
  session: Session;
  tenant: Tenant | undefined;
  section: Section | 'lists' | 'none';
  children: ReactNode;
}) {
  const { session, tenant, section } = props;
  const setSession = useSetSession();
  const showsOutbox = useShowsOutbox(tenant);
  const signOut = async () => {
    await api.POST('/api/v1/auth/logout');
    setSession(null);
    navigate(appPath.login);
  };
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">subreg</span>
        {tenant && session.tenants.length > 1 ? (
          <span className="switcher">
            <label htmlFor="workspace-switcher">Workspace</label>
            <select
              id="workspace-switcher"
              value={tenant.slug}
              onChange={(e) => navigate(appPath.lists(e.currentTarget.value))}
            >
              {session.tenants.map((t) => (
                <option key={t.slug} value={t.slug}>
                  {t.name} ({t.role})
                </option>
              ))}
            </select>
          </span>
        ) : tenant ? (
          <span className="workspace">
            {tenant.name} <span className="role">({tenant.role})</span>
          </span>
        ) : null}
        <span className="spacer" />
        <span className="who">{session.user.email}</span>
        <Button onPress={signOut}>Sign out</Button>
      </header>
      {tenant && (
        <nav aria-label="Main" className="mainnav">
          <Link href={appPath.lists(tenant.slug)} aria-current={section === 'lists' ? 'page' : undefined}>
            Lists
          </Link>
          {NAV.filter(([, , owners]) => !owners || tenant.role === 'owner').map(([id, label]) => (
            <Link
              key={id}
              href={appPath.section(tenant.slug, id)}
              aria-current={section === id ? 'page' : undefined}
            >
              {label}
            </Link>
          ))}
          {showsOutbox && (
            <Link
              href={appPath.section(tenant.slug, 'outbox')}
              aria-current={section === 'outbox' ? 'page' : undefined}
            >
              Mail outbox
            </Link>
          )}
          <a href={`/t/${encodeURIComponent(tenant.slug)}`}>Trust page</a>
        </nav>
      )}
      <main id="main" tabIndex={-1}>
        {props.children}
      </main>
    </>
  );
}
