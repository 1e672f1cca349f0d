// Adds or edits a saved connection: the fields one by one, or filled in from a pasted connection
// URL (or libpq keyword/value string).
import { useId, useState, type FormEvent } from 'react';
import { parseConnectionString, sslModes, type SslMode } from '../../../shared/connection-string.ts';
import type { ConnectionInfo } from '../../../shared/ipc/contract.ts';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { useSaveConnection, useSystemInfo } from './queries.ts';

const sslLabels: Record<SslMode, string> = {
  disable: 'disable: no encryption',
  prefer: 'prefer: encrypt if the server can',
  require: 'require: always encrypt, do not verify the server',
  'verify-full': 'verify-full: encrypt and verify the server certificate',
};

interface Fields {
  name: string;
  host: string;
  port: string;
  database: string;
  user: string;
  sslMode: SslMode;
  password: string;
}

function fieldsOf(connection: ConnectionInfo | null): Fields {
  if (!connection) return { name: '', host: '', port: '5432', database: 'postgres', user: '', sslMode: 'prefer', password: '' };
  const { name, host, port, database, user, sslMode } = connection;
  return { name, host, port: String(port), database, user, sslMode, password: '' };
}

/** `connection`: the one to edit; null adds a new one. */
export function ConnectionForm({ connection, onDone }: { connection: ConnectionInfo | null; onDone: (saved: ConnectionInfo | null) => void }) {
  const system = useSystemInfo();
  const save = useSaveConnection();
  const [fields, setFields] = useState<Fields>(() => fieldsOf(connection));
  const [forget, setForget] = useState(false);
  const [pasted, setPasted] = useState('');
  const [pasteNote, setPasteNote] = useState<{ error: boolean; text: string } | null>(null);
  const id = useId();
  const set = (changes: Partial<Fields>) => setFields((current) => ({ ...current, ...changes }));
  const port = Number(fields.port);
  const portValid = /^\d+$/.test(fields.port) && port >= 1 && port <= 65535;
  const complete = fields.name.trim() !== '' && fields.host.trim() !== '' && portValid && fields.database.trim() !== '' && fields.user.trim() !== '';

  const fillFromPasted = () => {
    try {
      const parsed = parseConnectionString(pasted);
      const { host, port: parsedPort, database, user, password, sslMode } = parsed;
      setFields((current) => ({
        ...current,
        ...(host !== undefined ? { host } : {}),
        ...(parsedPort !== undefined ? { port: String(parsedPort) } : {}),
        ...(database !== undefined ? { database } : {}),
        ...(user !== undefined ? { user } : {}),
        ...(password !== undefined ? { password } : {}),
        ...(sslMode !== undefined ? { sslMode } : {}),
        name: current.name || `${database ?? current.database} on ${host ?? current.host}`,
      }));
      // The password is in the fields now; the pasted text need not keep it on screen.
      setPasted('');
      setPasteNote({ error: false, text: parsed.ignored.length > 0 ? `Filled in. Not used: ${parsed.ignored.join(', ')}.` : 'Filled in from the connection string.' });
    } catch (error) {
      setPasteNote({ error: true, text: error instanceof Error ? error.message : String(error) });
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!complete) return;
    const password = forget ? '' : fields.password === '' ? undefined : fields.password;
    save.mutate(
      {
        ...(connection ? { id: connection.id } : {}),
        name: fields.name.trim(),
        host: fields.host.trim(),
        port,
        database: fields.database.trim(),
        user: fields.user.trim(),
        sslMode: fields.sslMode,
        ...(password !== undefined ? { password } : {}),
      },
      { onSuccess: (saved) => onDone(saved) },
    );
  };

  const keychain = system.data?.canStorePasswords ?? false;
  const passwordNote = keychain
    ? 'Stored encrypted by the operating system’s keychain.'
    : 'Kept in memory only until Keyload closes, never written to disk; then asked for again.';
  return (
    <form className="connection-form" aria-label={connection ? `Edit ${connection.name}` : 'Add a connection'} onSubmit={submit}>
      <div className="paste-url">
        <label className="field">
          <span>Paste a connection URL</span>
          <input
            value={pasted}
            spellCheck={false}
            autoComplete="off"
            placeholder="postgres://user:password@host:5432/database?sslmode=require"
            aria-describedby={`${id}-paste`}
            onChange={(event) => setPasted(event.target.value)}
          />
        </label>
        <button type="button" disabled={pasted.trim() === ''} onClick={fillFromPasted}>
          Fill in the fields
        </button>
        <p id={`${id}-paste`} role="status" className={pasteNote?.error ? 'text-error' : 'muted'}>
          {pasteNote?.text ?? 'A URL or host=... dbname=... user=... also works.'}
        </p>
      </div>
      <div className="connection-fields">
        <label className="field">
          <span>Name</span>
          <input value={fields.name} required onChange={(event) => set({ name: event.target.value })} />
        </label>
        <label className="field">
          <span>Host</span>
          <input value={fields.host} required spellCheck={false} placeholder="db.example.com" onChange={(event) => set({ host: event.target.value })} />
        </label>
        <label className="field">
          <span>Port</span>
          <input
            className="input-port"
            inputMode="numeric"
            value={fields.port}
            required
            aria-invalid={!portValid}
            onChange={(event) => set({ port: event.target.value })}
          />
        </label>
        <label className="field">
          <span>Database</span>
          <input value={fields.database} required spellCheck={false} onChange={(event) => set({ database: event.target.value })} />
        </label>
        <label className="field">
          <span>User</span>
          <input value={fields.user} required spellCheck={false} autoComplete="username" onChange={(event) => set({ user: event.target.value })} />
        </label>
        <label className="field">
          <span>SSL mode</span>
          <select value={fields.sslMode} onChange={(event) => set({ sslMode: sslModes.find((mode) => mode === event.target.value) ?? fields.sslMode })}>
            {sslModes.map((mode) => (
              <option key={mode} value={mode}>
                {sslLabels[mode]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Password</span>
          <input
            type="password"
            autoComplete="current-password"
            value={fields.password}
            disabled={forget}
            placeholder={connection?.hasPassword ? 'unchanged' : ''}
            aria-describedby={`${id}-password`}
            onChange={(event) => set({ password: event.target.value })}
          />
        </label>
      </div>
      <p id={`${id}-password`} className="muted">
        {passwordNote} {connection?.hasPassword ? 'Leave it empty to keep the current one.' : 'Leave it empty to be asked each time.'}
      </p>
      {connection?.hasPassword && (
        <label className="checkbox">
          <input type="checkbox" checked={forget} onChange={(event) => setForget(event.target.checked)} />
          Forget the saved password
        </label>
      )}
      <div className="button-row">
        <button type="submit" className="button-primary" disabled={!complete || save.isPending}>
          {save.isPending ? 'Saving…' : connection ? 'Save changes' : 'Add connection'}
        </button>
        <button type="button" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
      <ErrorNotice error={save.error} onDismiss={save.reset} title="Could not save the connection" />
    </form>
  );
}
