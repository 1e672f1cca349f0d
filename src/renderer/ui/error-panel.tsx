// A dismissible panel for one error: the human message, what to do in the app, and, on a details
// line for support, the stable code and where it happened. It wraps and scrolls within a bounded
// height, so however long the message, it never stretches a table or the page.
import { useId, useState } from 'react';
import type { ErrorInfo } from '../../shared/errors.ts';
import { toErrorInfo } from '../api/api-error.ts';
import { adviceFor } from './error-advice.ts';

export interface ErrorPanelProps {
  error: ErrorInfo | Error | null | undefined;
  title: string;
  /** Clears the error at its source (e.g. a mutation's reset); default: hide this error object. */
  onDismiss?: () => void;
}

export function ErrorPanel({ error, title, onDismiss }: ErrorPanelProps) {
  const [dismissed, setDismissed] = useState<ErrorPanelProps['error']>(null);
  const titleId = useId();
  if (!error || error === dismissed) return null;
  const info = toErrorInfo(error);
  const advice = adviceFor(info.code);
  return (
    <section role="alert" aria-labelledby={titleId} className="error-panel">
      <div className="error-panel-head">
        <strong id={titleId} className="error-panel-title">
          <span aria-hidden="true" className="error-panel-icon">
            !
          </span>
          {title}
        </strong>
        <button type="button" className="button-quiet button-small" aria-label={`Dismiss: ${title}`} onClick={() => (onDismiss ? onDismiss() : setDismissed(error))}>
          Dismiss
        </button>
      </div>
      <div className="error-panel-body">
        <p className="error-panel-message">{info.message}</p>
        {advice && (
          <p className="error-panel-advice">
            <strong>What to do: </strong>
            {advice}
          </p>
        )}
        <p className="error-panel-details">{errorDetails(info)}</p>
      </div>
    </section>
  );
}

/** An error that belongs to one item on screen (a file, a mapping): message, advice and details, inline. */
export function InlineError({ error }: { error: ErrorInfo }) {
  const advice = adviceFor(error.code);
  return (
    <div className="inline-error">
      <p className="error-panel-message">{error.message}</p>
      {advice && <p className="error-panel-advice">{advice}</p>}
      <p className="error-panel-details">{errorDetails(error)}</p>
    </div>
  );
}

/** "Code KEYLOAD_ROW_REJECTED · a.csv:12 · column amount": what support needs, never a CLI hint. */
export function errorDetails(info: ErrorInfo): string {
  const where = [info.file, info.line].filter((part) => part !== undefined).join(':');
  return [`Code ${info.code}`, where, info.column ? `column ${info.column}` : ''].filter(Boolean).join(' · ');
}
