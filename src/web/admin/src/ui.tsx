import { type ReactNode, type SelectHTMLAttributes, useEffect, useId, useRef, useState } from 'react';
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

/**
 * A secret shown once (token, signing secret, invitation link): read-only, selectable, with a
 * copy button; when the clipboard is refused the text is selected for Ctrl+C.
 */
export function SecretOnce({
  label,
  value,
  children,
}: {
  label: string;
  value: string;
  children: ReactNode;
}) {
  const [copied, setCopied] = useState<'yes' | 'select' | null>(null);
  const ref = useRef<HTMLInputElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      ref.current?.select();
      setCopied('select');
    }
  };
  return (
    <div className="secret">
      <p className="secret-warning">{children}</p>
      <div className="secret-row">
        <label className="field secret-field">
          <span>{label}</span>
          <input
            ref={ref}
            readOnly
            value={value}
            className="mono"
            onFocus={(e) => e.currentTarget.select()}
          />
        </label>
        <Button onPress={copy}>Copy</Button>
      </div>
      <p role="status" className="notice">
        {copied === 'yes'
          ? 'Copied to the clipboard.'
          : copied === 'select'
            ? 'Selected: press Ctrl+C (⌘C) to copy.'
            : ''}
      </p>
    </div>
  );
}

/** A destructive action asked twice: the first press asks, the second does it. */
export function ConfirmButton(props: {
  label: string;
  /** what it acts on, for screen readers ("Remove" alone is ambiguous in a table) */
  target: string;
  question: string;
  onConfirm: () => void;
  pending?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  // keyboard users land back on the button when they cancel (or the action leaves it in place)
  const trigger = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (!asking && wasAsking.current) trigger.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  if (!asking)
    return (
      <Button ref={trigger} className="quiet" onPress={() => setAsking(true)}>
        {props.label}
        <span className="sr-only"> {props.target}</span>
      </Button>
    );
  return (
    <span className="confirm">
      <span>{props.question}</span>{' '}
      <Button
        className="quiet danger"
        autoFocus
        isDisabled={props.pending}
        onPress={() => {
          setAsking(false);
          props.onConfirm();
        }}
      >
        Yes, {props.label.toLowerCase()}
      </Button>{' '}
      <Button className="quiet" onPress={() => setAsking(false)}>
        Cancel
      </Button>
    </span>
  );
}

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '');

/** A native select with its own label (a wrapping label would name it with every option's text). */
export function SelectField({
  label,
  children,
  ...props
}: { label: string } & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} {...props}>
        {children}
      </select>
    </div>
  );
}
