import type { ReactNode } from 'react';
import {
  Button,
  FieldError,
  Input,
  Label,
  Text,
  TextArea,
  TextField,
  type TextFieldProps,
} from 'react-aria-components';
import { ApiError } from '../api/client';

/** A labelled text field whose error (the browser's or the server's) is shown under it. */
export function Field(
  props: TextFieldProps & { label: string; description?: string; multiline?: boolean; type?: string },
) {
  const { label, description, multiline, ...rest } = props;
  return (
    <TextField {...rest} className="field">
      <Label>{label}</Label>
      {multiline ? <TextArea rows={3} /> : <Input />}
      {description && <Text slot="description">{description}</Text>}
      <FieldError />
    </TextField>
  );
}

/** An API error where the person can act on it: what is wrong and what to do (problem `detail`). */
export function ErrorNote({ error }: { error: unknown }) {
  // a refusal about one field is shown next to that field (the form's validationErrors)
  if (!error || (error instanceof ApiError && Object.keys(error.fields).length > 0)) return null;
  const text =
    error instanceof ApiError || error instanceof Error ? error.message : 'Something went wrong. Try again.';
  return (
    <p className="error" role="alert">
      {text}
    </p>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <p className="notice" role="status">
      {children}
    </p>
  );
}

export function Empty({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="empty" aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

export function Submit({ pending, children }: { pending?: boolean; children: ReactNode }) {
  return (
    <Button type="submit" className="primary" isDisabled={pending}>
      {children}
    </Button>
  );
}

/** The field errors of an ApiError, keyed by the form's field names. */
export const fieldErrors = (err: unknown): Record<string, string> =>
  err instanceof ApiError ? err.fields : {};

export const formValues = (form: HTMLFormElement) =>
  Object.fromEntries(new FormData(form)) as Record<string, string>;
