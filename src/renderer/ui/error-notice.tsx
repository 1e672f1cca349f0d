// Errors stay on screen until the user dismisses them: a load error is worth reading in full.
import { useState } from 'react';
import { formatError } from '../../shared/errors.ts';
import { toErrorInfo } from '../api/api-error.ts';

interface ErrorNoticeProps {
  error: unknown;
  /** Clears the error at its source (e.g. a mutation's reset); default: hide this error object. */
  onDismiss?: () => void;
  title?: string;
}

export function ErrorNotice({ error, onDismiss, title = 'Something went wrong' }: ErrorNoticeProps) {
  const [dismissed, setDismissed] = useState<unknown>(null);
  if (!error || error === dismissed) return null;
  const info = toErrorInfo(error);
  return (
    <div role="alert" className="notice notice-error">
      <div className="notice-body">
        <strong>{title}</strong>
        <p>{formatError(info)}</p>
        <code className="error-code">{info.code}</code>
      </div>
      <button type="button" className="button-quiet" aria-label={`Dismiss: ${title}`} onClick={() => (onDismiss ? onDismiss() : setDismissed(error))}>
        Dismiss
      </button>
    </div>
  );
}
