import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Form, Link } from 'react-aria-components';
import { api, call } from '../../api/client';
import { appPath } from '../router';
import { useSession } from '../session';
import { ErrorNote, Field, Notice, Submit, fieldErrors, formValues } from '../ui';

/** The page behind an invitation link: a new person chooses a password, a known one gives theirs. */
export function AcceptInvitationScreen() {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const qc = useQueryClient();
  const session = useSession();
  const accept = useMutation({
    mutationFn: (v: Record<string, string>) =>
      call(
        api.POST('/api/v1/invitations/accept', {
          body: { token, password: v.password ?? '', ...(v.name ? { name: v.name } : {}) },
        }),
      ),
    // someone signed in already (another workspace) sees the new one in the switcher
    onSuccess: () => qc.invalidateQueries({ queryKey: ['session'] }),
  });
  if (accept.isSuccess)
    return (
      <main className="centered" id="main">
        <h1>You have joined</h1>
        <Notice>
          You are now {accept.data.role === 'viewer' ? 'a' : 'an'} {accept.data.role} of the workspace{' '}
          {accept.data.tenant}.
        </Notice>
        {session.data ? (
          <p>
            <Link href={appPath.lists(accept.data.tenant)}>Open the workspace</Link>
          </p>
        ) : (
          <p>
            <Link href={appPath.login}>Sign in</Link> with the address the invitation went to and your
            password.
          </p>
        )}
      </main>
    );
  return (
    <main className="centered" id="main">
      <h1>Accept the invitation</h1>
      {!token ? (
        <p className="error" role="alert">
          This link has no invitation in it. Open the whole link you were sent, or ask the workspace's owner
          for a new invitation.
        </p>
      ) : (
        <Form
          validationBehavior="aria"
          validationErrors={fieldErrors(accept.error)}
          onSubmit={(e) => {
            e.preventDefault();
            accept.mutate(formValues(e.currentTarget));
          }}
        >
          <p>
            New to subreg? Choose a password of at least 10 characters. Already have an account with the
            invited address? Give its password.
          </p>
          <Field label="Your name" name="name" autoComplete="name" />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            isRequired
            minLength={10}
          />
          <ErrorNote error={accept.error} />
          <Submit pending={accept.isPending}>Join the workspace</Submit>
        </Form>
      )}
      <p>
        Have an account? <Link href={appPath.login}>Sign in</Link>
      </p>
    </main>
  );
}
