// Which database to load into. Connections without a stored password ask for it here; it is kept
// for this session only.
import { useId, useState, type FormEvent } from 'react';
import type { ConnectionInfo } from '../../../shared/ipc/contract.ts';
import { useDraftDispatch } from '../../draft/draft-context.tsx';
import type { ChosenConnection } from './connection.ts';

export function ConnectionPicker({ connections, chosen }: { connections: ConnectionInfo[]; chosen: ChosenConnection }) {
  const dispatch = useDraftDispatch();
  return (
    <div className="field-group">
      <label className="field">
        <span>Connection</span>
        <select value={chosen.connection.id} onChange={(event) => dispatch({ type: 'connection-chosen', connectionId: event.target.value })}>
          {connections.map((connection) => (
            <option key={connection.id} value={connection.id}>
              {describeConnection(connection)}
            </option>
          ))}
        </select>
      </label>
      {chosen.needsPassword && <PasswordForm key={chosen.connection.id} connection={chosen.connection} entered={chosen.ref !== null} />}
    </div>
  );
}

function describeConnection(connection: ConnectionInfo): string {
  if (connection.builtin) return `${connection.name} (built-in)`;
  return `${connection.name} — ${connection.user}@${connection.host}:${connection.port}/${connection.database}`;
}

export function PasswordForm({ connection, entered }: { connection: ConnectionInfo; entered: boolean }) {
  const dispatch = useDraftDispatch();
  const [password, setPassword] = useState('');
  const hintId = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    dispatch({ type: 'password-entered', connectionId: connection.id, password });
    setPassword('');
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label className="field">
        <span>Password for {connection.name}</span>
        <input type="password" autoComplete="current-password" value={password} aria-describedby={hintId} onChange={(event) => setPassword(event.target.value)} />
      </label>
      <button type="submit" disabled={password === ''}>
        {entered ? 'Change password' : 'Connect'}
      </button>
      <p id={hintId} className="muted">
        {entered ? 'Password entered; kept until Keyload closes.' : 'This connection stores no password; it is kept until Keyload closes.'}
      </p>
    </form>
  );
}
