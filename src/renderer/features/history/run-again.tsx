// Starts a run with a past run's settings, asking for the connection's password if it stores none.
import type { RunDetail } from '../../../shared/ipc/contract.ts';
import { useDraft } from '../../draft/draft-context.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { needsPassword, useConnections } from '../target/connection.ts';
import { PasswordForm } from '../target/connection-picker.tsx';
import { useStartRun } from '../run/use-start-run.ts';

export function RunAgain({ detail, onStarted }: { detail: RunDetail; onStarted: () => void }) {
  const connections = useConnections();
  const { passwords } = useDraft();
  const start = useStartRun(onStarted);
  const connection = connections.data?.find((candidate) => candidate.id === detail.connectionId);
  if (connections.isPending) return null;
  if (!connection) return <p className="notice notice-warning">The connection this run used no longer exists.</p>;

  const password = passwords[connection.id];
  const ready = !needsPassword(connection) || password !== undefined;
  return (
    <div className="run-again">
      {needsPassword(connection) && <PasswordForm connection={connection} entered={password !== undefined} />}
      <button
        type="button"
        className="button-primary"
        disabled={!ready || start.isPending}
        onClick={() => start.mutate({ connectionId: connection.id, ...(password !== undefined ? { password } : {}), options: detail.options })}
      >
        Run again
      </button>
      <ErrorNotice error={start.error} onDismiss={start.reset} title="The run did not start" />
    </div>
  );
}
