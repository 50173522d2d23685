import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Form, Label, Link, Radio, RadioGroup } from 'react-aria-components';
import { api, call } from '../../api/client';
import { ErrorNote, Field, Notice, Submit, fieldErrors, formValues } from '../ui';

/** Sign-up asks for the workspace and its region; the server emails a link that creates both. */
export function SignUpScreen() {
  const regions = useQuery({ queryKey: ['regions'], queryFn: () => call(api.GET('/api/v1/regions')) });
  const [region, setRegion] = useState<string | null>(null);
  const signUp = useMutation({
    mutationFn: (v: Record<string, string>) =>
      call(
        api.POST('/api/v1/auth/signup', {
          body: {
            email: v.email ?? '',
            password: v.password ?? '',
            ...(v.name ? { name: v.name } : {}),
            tenant: { slug: v['tenant.slug'] ?? '', name: v['tenant.name'] ?? '', region: v.region ?? '' },
          },
        }),
      ),
  });
  if (signUp.isSuccess)
    return (
      <main className="centered" id="main">
        <h1>Check your email</h1>
        <Notice>{signUp.data.detail}</Notice>
        <p>
          The link in the email creates the workspace and signs you in. Already confirmed?{' '}
          <Link href="/app/login">Sign in</Link>
        </p>
      </main>
    );
  const items = regions.data?.items ?? [];
  return (
    <main className="centered" id="main">
      <h1>Sign up for a workspace</h1>
      <Form
        validationBehavior="aria"
        validationErrors={fieldErrors(signUp.error)}
        onSubmit={(e) => {
          e.preventDefault();
          signUp.mutate(formValues(e.currentTarget));
        }}
      >
        <Field label="Your email" name="email" type="email" autoComplete="email" isRequired />
        <Field label="Your name" name="name" autoComplete="name" />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          isRequired
          minLength={10}
          description="At least 10 characters."
        />
        <Field label="Company or workspace name" name="tenant.name" isRequired />
        <Field
          label="Workspace address"
          name="tenant.slug"
          isRequired
          description="Lower-case letters, digits and hyphens; your trust page will be /t/<address>."
        />
        <RadioGroup
          name="region"
          isRequired
          value={region ?? items[0]?.id ?? null}
          onChange={setRegion}
          className="field"
        >
          <Label>Where your data is kept</Label>
          {items.map((r) => (
            <Radio key={r.id} value={r.id}>
              {r.name} {r.countries.length ? `(${r.countries.join(', ')})` : ''}
            </Radio>
          ))}
        </RadioGroup>
        <ErrorNote error={regions.error ?? signUp.error} />
        <Submit pending={signUp.isPending}>Sign up</Submit>
      </Form>
      <p>
        Have an account? <Link href="/app/login">Sign in</Link>
      </p>
    </main>
  );
}
