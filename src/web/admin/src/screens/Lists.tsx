import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Form, Link } from 'react-aria-components';
import { type Session, api, call } from '../../api/client';
import { appPath, navigate } from '../router';
import { canEdit } from '../session';
import { Empty, ErrorNote, Field, Submit, fieldErrors, formValues } from '../ui';

type Tenant = Session['tenants'][number];

export function ListsScreen({ tenant }: { tenant: Tenant }) {
  const qc = useQueryClient();
  const params = { path: { tenant: tenant.slug } };
  const lists = useQuery({
    queryKey: ['lists', tenant.slug],
    queryFn: () => call(api.GET('/api/v1/tenants/{tenant}/lists', { params })),
  });
  const create = useMutation({
    mutationFn: (v: { slug: string; title: string }) =>
      call(api.POST('/api/v1/tenants/{tenant}/lists', { params, body: v })),
    onSuccess: (list) => {
      qc.invalidateQueries({ queryKey: ['lists', tenant.slug] });
      navigate(appPath.list(tenant.slug, list.id, 'import'));
    },
  });
  const items = lists.data?.items ?? [];
  return (
    <>
      <h1>Lists</h1>
      <ErrorNote error={lists.error} />
      {lists.isSuccess && items.length === 0 && (
        <Empty title="No lists yet">
          <p>
            A list is one sub-processor document, published on your trust page. Create one below, then import
            your current document (PDF, Word, Excel, CSV, HTML or text) or add entries by hand.
          </p>
        </Empty>
      )}
      {items.length > 0 && (
        <table className="data">
          <caption className="sr-only">Your lists</caption>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Address</th>
              <th scope="col">Entries</th>
              <th scope="col">Visibility</th>
            </tr>
          </thead>
          <tbody>
            {items.map((l) => (
              <tr key={l.id}>
                <th scope="row">
                  <Link href={appPath.list(tenant.slug, l.id)}>{l.title}</Link>
                </th>
                <td>{l.slug}</td>
                <td>{l.entryCount}</td>
                <td>{l.visibility}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit(tenant.role) && (
        <section aria-labelledby="new-list">
          <h2 id="new-list">New list</h2>
          <Form
            validationBehavior="aria"
            className="inline-form"
            validationErrors={fieldErrors(create.error)}
            onSubmit={(e) => {
              e.preventDefault();
              const v = formValues(e.currentTarget);
              create.mutate({ slug: v.slug ?? '', title: v.title ?? '' });
            }}
          >
            <Field label="Title" name="title" isRequired />
            <Field
              label="Address"
              name="slug"
              isRequired
              description="Lower-case letters, digits and hyphens, e.g. sub-processors"
            />
            <ErrorNote error={create.error} />
            <Submit pending={create.isPending}>Create list</Submit>
          </Form>
        </section>
      )}
    </>
  );
}
