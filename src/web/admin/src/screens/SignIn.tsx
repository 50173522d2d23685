import { useMutation } from '@tanstack/react-query';
import { Form, Link } from 'react-aria-components';
import { api, call } from '../../api/client';
import { navigate } from '../router';
import { useSetSession } from '../session';
import { ErrorNote, Field, Submit, fieldErrors, formValues } from '../ui';

export function SignInScreen() {
  const setSession = useSetSession();
  const signIn = useMutation({
    mutationFn: (v: { email: string; password: string }) => call(api.POST('/api/v1/auth/login', { body: v })),
    onSuccess: (s) => {
      setSession(s);
      navigate('/app', { replace: true });
    },
  });
  return (
    <main className="centered" id="main">
      <h1>Sign in to subreg</h1>
      <Form
        validationBehavior="aria"
        validationErrors={fieldErrors(signIn.error)}
        onSubmit={(e) => {
          e.preventDefault();
          const v = formValues(e.currentTarget);
          signIn.mutate({ email: v.email ?? '', password: v.password ?? '' });
        }}
      >
        <Field label="Email" name="email" type="email" autoComplete="username" isRequired />
        <Field label="Password" name="password" type="password" autoComplete="current-password" isRequired />
        <ErrorNote error={signIn.error} />
        <Submit pending={signIn.isPending}>Sign in</Submit>
      </Form>
      <p>
        No account yet? <Link href="/app/signup">Sign up for a workspace</Link>
      </p>
    </main>
  );
}
