// The older name of the error panel, for call sites that hand over any thrown value.
import { useMemo } from 'react';
import { isErrorInfo } from '../../shared/ipc/envelope.ts';
import { toErrorInfo } from '../api/api-error.ts';
import { ErrorPanel } from './error-panel.tsx';

interface ErrorNoticeProps {
  error: unknown;
  /** Clears the error at its source (e.g. a mutation's reset); default: hide this error object. */
  onDismiss?: () => void;
  title?: string;
}

export function ErrorNotice({ error, onDismiss, title = 'Something went wrong' }: ErrorNoticeProps) {
  const panelError = useMemo(() => asPanelError(error), [error]);
  return <ErrorPanel error={panelError} title={title} {...(onDismiss ? { onDismiss } : {})} />;
}

/** Errors and ErrorInfo pass through as they are (the panel hides a dismissed one by identity). */
function asPanelError(error: unknown) {
  if (!error) return null;
  return error instanceof Error || isErrorInfo(error) ? error : toErrorInfo(error);
}
