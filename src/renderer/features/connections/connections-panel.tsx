// Saved connections: list, add, edit, test and delete. The built-in local database is listed too,
// and can be tested but neither changed nor deleted.
import { useState } from 'react';
import type { ConnectionInfo } from '../../../shared/ipc/contract.ts';
import { useDraft, useDraftDispatch } from '../../draft/draft-context.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { Loading } from '../../ui/states.tsx';
import { ConnectionForm } from './connection-form.tsx';
import { useConnections, useRemoveConnection, useTestConnection } from './queries.ts';

type Editing = { kind: 'none' } | { kind: 'add' } | { kind: 'edit'; connection: ConnectionInfo };

export function ConnectionsPanel() {
  const connections = useConnections();
  const dispatch = useDraftDispatch();
  const [editing, setEditing] = useState<Editing>({ kind: 'none' });
  const done = (saved: ConnectionInfo | null) => {
    // A connection just added is the one the user means to load into.
    if (saved && editing.kind === 'add') dispatch({ type: 'connection-chosen', connectionId: saved.id });
    setEditing({ kind: 'none' });
  };
  return (
    <div className="connections-panel">
      {connections.isPending && <Loading>Loading connections…</Loading>}
      <ErrorNotice error={connections.error} title="Could not list the connections" />
      {connections.data && (
        <ul aria-label="Saved connections" className="connection-list">
          {connections.data.map((connection) => (
            <ConnectionItem key={connection.id} connection={connection} onEdit={() => setEditing({ kind: 'edit', connection })} />
          ))}
        </ul>
      )}
      {editing.kind === 'none' ? (
        <button type="button" onClick={() => setEditing({ kind: 'add' })}>
          Add connection
        </button>
      ) : (
        <ConnectionForm key={editing.kind === 'edit' ? editing.connection.id : 'new'} connection={editing.kind === 'edit' ? editing.connection : null} onDone={done} />
      )}
    </div>
  );
}

function ConnectionItem({ connection, onEdit }: { connection: ConnectionInfo; onEdit: () => void }) {
  const { target, passwords } = useDraft();
  const dispatch = useDraftDispatch();
  const test = useTestConnection();
  const remove = useRemoveConnection();
  const [confirming, setConfirming] = useState(false);
  const [password, setPassword] = useState('');
  const typed = passwords[connection.id];
  const asks = !connection.builtin && !connection.hasPassword && !typed;
  const runTest = () => test.mutate({ connectionId: connection.id, ...(typed ? { password: typed } : asks ? { password } : {}) });
  const removeIt = () =>
    remove.mutate(connection.id, {
      onSuccess: () => {
        if (target.connectionId === connection.id) dispatch({ type: 'connection-chosen', connectionId: 'local' });
      },
    });
  return (
    <li className="connection-item" aria-label={connection.name}>
      <div className="connection-summary">
        <strong>{connection.name}</strong>
        <span className="muted">
          {connection.builtin ? 'built in, on this computer' : `${connection.user}@${connection.host}:${connection.port}/${connection.database}, SSL ${connection.sslMode}`}
        </span>
        {!connection.builtin && <span className="chip chip-neutral">{passwordLabel(connection)}</span>}
      </div>
      <div className="button-row">
        {asks && (
          <label className="field field-inline">
            <span>Password to test {connection.name}</span>
            <input type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} />
          </label>
        )}
        <button type="button" aria-label={`Test connection to ${connection.name}`} disabled={test.isPending || (asks && password === '')} onClick={runTest}>
          {test.isPending ? 'Testing…' : 'Test connection'}
        </button>
        {!connection.builtin && (
          <>
            <button type="button" aria-label={`Edit ${connection.name}`} onClick={onEdit}>
              Edit
            </button>
            {confirming ? (
              <>
                <button type="button" className="button-danger" disabled={remove.isPending} onClick={removeIt}>
                  Delete {connection.name}
                </button>
                <button type="button" onClick={() => setConfirming(false)}>
                  Keep it
                </button>
              </>
            ) : (
              <button type="button" aria-label={`Delete ${connection.name}`} onClick={() => setConfirming(true)}>
                Delete
              </button>
            )}
          </>
        )}
      </div>
      {test.isSuccess && (
        <p role="status" className="chip chip-success test-result">
          Connected: PostgreSQL {test.data.serverVersion}, {test.data.freeConnections} free {test.data.freeConnections === 1 ? 'connection' : 'connections'}
        </p>
      )}
      <ErrorNotice error={test.error} onDismiss={test.reset} title={`Could not connect to ${connection.name}`} />
      <ErrorNotice error={remove.error} onDismiss={remove.reset} title={`Could not delete ${connection.name}`} />
    </li>
  );
}

function passwordLabel(connection: ConnectionInfo): string {
  if (connection.passwordStore === 'keychain') return 'password in the keychain';
  if (connection.passwordStore === 'session') return 'password kept until Keyload closes';
  return 'password asked each time';
}
