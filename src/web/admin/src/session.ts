import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, type Session, api, call, setCsrfToken } from '../api/client';

/** The signed-in person (null when signed out); keeps the CSRF token for changes. */
export function useSession() {
  return useQuery({
    queryKey: ['session'],
    queryFn: async (): Promise<Session | null> => {
      try {
        const s = await call(api.GET('/api/v1/auth/session'));
        setCsrfToken(s.csrfToken);
        return s;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: 60_000,
  });
}

export function useSetSession() {
  const qc = useQueryClient();
  return (s: Session | null) => {
    setCsrfToken(s?.csrfToken ?? '');
    if (!s) qc.clear();
    qc.setQueryData(['session'], s);
  };
}

export type Role = Session['tenants'][number]['role'];
export const canEdit = (role: Role | undefined) => role === 'owner' || role === 'editor';
