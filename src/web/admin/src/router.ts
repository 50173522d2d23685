import { useSyncExternalStore } from 'react';

/** A tiny history router: the app has a handful of screens, all under /app. */
const listeners = new Set<() => void>();
const notify = () => {
  for (const l of listeners) l();
};
window.addEventListener('popstate', notify);

export function navigate(to: string, opts: { replace?: boolean } = {}) {
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  notify();
  window.scrollTo(0, 0);
}

export function usePath(): string {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => location.pathname + location.search,
  );
}

/** `/app/t/:tenant/lists/:listId` style patterns; params come back decoded. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const a = (path.split('?')[0] ?? '').replace(/\/$/, '').split('/');
  if (p.length !== a.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(a[i]!);
    else if (seg !== a[i]) return null;
  }
  return params;
}

export const appPath = {
  login: '/app/login',
  signup: '/app/signup',
  lists: (t: string) => `/app/t/${encodeURIComponent(t)}/lists`,
  list: (t: string, id: string, tab = 'entries') =>
    `/app/t/${encodeURIComponent(t)}/lists/${encodeURIComponent(id)}/${tab}`,
  audit: (t: string) => `/app/t/${encodeURIComponent(t)}/audit`,
  /** a workspace page: members, tokens, subscribers, notices, objections, webhooks, hosting */
  section: (t: string, section: string) => `/app/t/${encodeURIComponent(t)}/${section}`,
  customer: (t: string, id: string) => `/app/t/${encodeURIComponent(t)}/customers/${encodeURIComponent(id)}`,
  webhook: (t: string, id: string) => `/app/t/${encodeURIComponent(t)}/webhooks/${encodeURIComponent(id)}`,
  invitation: '/app/invitation',
};
