// A labelled form field with its message (instant check or the server's `fields`).
import { useId, type ReactNode } from 'react';

interface FieldProps {
  label: string;
  required?: boolean;
  error?: string | null;
  hint?: ReactNode;
  /** Key for data-testid of the message: `err-<name>`. */
  name: string;
  className?: string;
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}

export function Field({ label, required, error, hint, name, className, children }: FieldProps) {
  const id = useId();
  const msgId = `${id}-msg`;
  return (
    <div className={`field${error ? ' has-error' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>
        {label}
        {required ? (
          <span className="req" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
      </label>
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': error || hint ? msgId : undefined })}
      {error ? (
        <div className="field-msg error" id={msgId} data-testid={`err-${name}`} role="alert">
          {error}
        </div>
      ) : hint ? (
        <div className="field-msg hint" id={msgId}>
          {hint}
        </div>
      ) : null}
    </div>
  );
}

export function ErrorBox({ message, testId = 'error-box' }: { message: string | null | undefined; testId?: string }) {
  if (!message) return null;
  return (
    <div className="alert error" role="alert" data-testid={testId}>
      {message}
    </div>
  );
}
