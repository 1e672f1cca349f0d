// Starts a run with a past run's settings, asking for the connection's password if it stores none,
// and asking first: a dialog names the files and the target, and offers to reload the files the
// table already has (by default they are skipped as already loaded).
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { RunDetail } from '../../../shared/ipc/contract.ts';
import { plural } from '../../../shared/plural.ts';
import { useDraft } from '../../draft/draft-context.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { fileName } from '../../ui/format.ts';
import { needsPassword, useConnections } from '../target/connection.ts';
import { PasswordForm } from '../target/connection-picker.tsx';
import { useStartRun } from '../run/use-start-run.ts';

export function RunAgain({ detail, onStarted }: { detail: RunDetail; onStarted: () => void }) {
  const connections = useConnections();
  const { passwords } = useDraft();
  const [asking, setAsking] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const start = useStartRun(onStarted);
  const connection = connections.data?.find((candidate) => candidate.id === detail.connectionId);
  if (connections.isPending) return null;
  if (!connection) return <p className="notice notice-warning">The connection this run used no longer exists.</p>;

  const password = passwords[connection.id];
  const ready = !needsPassword(connection) || password !== undefined;
  const close = () => {
    setAsking(false);
    opener.current?.focus();
  };
  return (
    <div className="run-again">
      {needsPassword(connection) && <PasswordForm connection={connection} entered={password !== undefined} />}
      <button ref={opener} type="button" className="button-primary" disabled={!ready || start.isPending} onClick={() => setAsking(true)}>
        Run again
      </button>
      {asking && (
        <RunAgainDialog
          detail={detail}
          connectionName={connection.name}
          onClose={close}
          onConfirm={(force) => {
            setAsking(false);
            // A run that created its table loads into that table now (and creates it only if it was dropped since).
            const options = { ...detail.options, force, tableMustBeNew: false };
            start.mutate({ connectionId: connection.id, ...(password !== undefined ? { password } : {}), options });
          }}
        />
      )}
      <ErrorNotice error={start.error} onDismiss={start.reset} title="The run did not start" />
    </div>
  );
}

/** "a.csv, b.csv and 3 more files": enough to recognise the run in a dialog's name. */
function describeFiles(paths: string[]): string {
  const shown = paths.slice(0, 3).map(fileName).join(', ');
  return paths.length > 3 ? `${shown} and ${plural(paths.length - 3, 'more file')}` : shown;
}

interface RunAgainDialogProps {
  detail: RunDetail;
  connectionName: string;
  onClose: () => void;
  onConfirm: (force: boolean) => void;
}

function RunAgainDialog({ detail, connectionName, onClose, onConfirm }: RunAgainDialogProps) {
  const { options } = detail;
  const [force, setForce] = useState(options.force);
  const headingId = useId();
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') onClose();
  };
  return (
    <div className="dialog-backdrop">
      <div role="dialog" aria-modal="true" aria-labelledby={headingId} className="dialog" onKeyDown={onKeyDown}>
        <h3 id={headingId}>{`Run again: ${describeFiles(options.files)} into ${options.table}`}</h3>
        <p>
          Loads {plural(options.files.length, 'file')} into {options.table} ({options.mode}) on {connectionName}, with the settings of this run.
        </p>
        <ol className="file-order" aria-label="Files to load">
          {options.files.map((path) => (
            <li key={path} title={path}>
              {fileName(path)}
            </li>
          ))}
        </ol>
        <label className="check">
          <input type="checkbox" checked={force} onChange={(event) => setForce(event.target.checked)} />
          <span>Reload files already loaded</span>
        </label>
        <p className="muted">{force ? 'Every file is loaded again, even one this table already has.' : 'Files this table already has are skipped as already loaded.'}</p>
        <div className="button-row">
          <button ref={first} type="button" className="button-primary" onClick={() => onConfirm(force)}>
            Start the run
          </button>
          <button type="button" onClick={onClose}>
            Back
          </button>
        </div>
      </div>
    </div>
  );
}
