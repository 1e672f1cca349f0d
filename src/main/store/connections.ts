// Saved PostgreSQL connections, plus the built-in local database. Passwords are stored only
// encrypted by the OS keychain; without one (the web host, or Linux without a keyring) they are held
// in this process's memory for the session, never written to disk, and forgotten when Keyload closes.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { connectionUrl } from '../../shared/connection-string.ts';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';
import { connectionInput, type ConnectionInfo, type LocalDatabaseInfo } from '../../shared/ipc/contract.ts';
import type { AppDatabase } from './app-database.ts';

/**
 * Encrypts secrets with the OS keychain; in the app, an adapter over Electron's safeStorage.
 *
 * canEncrypt() must be false whenever the encryption is not real, so that passwords are then not
 * stored at all. In particular on Linux, when safeStorage.getSelectedStorageBackend() is
 * 'basic_text' (no keyring found; the "encryption" uses a key hard-coded in Chromium), the adapter
 * must answer false even though safeStorage.isEncryptionAvailable() is true.
 */
export interface SecretBox {
  canEncrypt(): boolean;
  encrypt(plain: string): Buffer;
  /** Throws when the data cannot be decrypted (e.g. the keychain changed). */
  decrypt(data: Buffer): string;
}

export type ConnectionSave = z.infer<typeof connectionInput> & {
  /** Absent: insert a new connection. */
  id?: string | undefined;
  /** Absent: keep the stored (or session) password. '': forget it. */
  password?: string | undefined;
};

export const builtinConnectionId = 'local';

/** The embedded local database. Its port is chosen when it first starts; 5432 is a placeholder. */
const builtinConnection: ConnectionInfo = {
  id: builtinConnectionId,
  name: 'Local database',
  builtin: true,
  hasPassword: true,
  passwordStore: 'keychain',
  host: '127.0.0.1',
  port: 5432,
  database: 'postgres',
  user: 'postgres',
  sslMode: 'disable',
};

interface ConnectionRow {
  id: string;
  name: string;
  host: string;
  port: number;
  database: string;
  user: string;
  ssl_mode: ConnectionInfo['sslMode'];
  password: Buffer | null;
}

/** The built-in local database: how to reach it (starting it if needed) and where its data lives. */
export interface LocalDatabase {
  url: () => Promise<string>;
  dataDir: () => Promise<string | null>;
}

export class ConnectionStore {
  private readonly db: AppDatabase;
  private readonly secrets: SecretBox | null;
  private readonly localDb: LocalDatabase;
  /** Passwords that could not be encrypted, by connection id: memory only, for this session. */
  private readonly sessionPasswords = new Map<string, string>();
  private localState: LocalDatabaseInfo['state'] = 'not started';

  constructor(db: AppDatabase, secrets: SecretBox | null, localDb: LocalDatabase) {
    this.db = db;
    this.secrets = secrets;
    this.localDb = localDb;
  }

  /** The local database as the first-run notice shows it. */
  async localDatabase(): Promise<LocalDatabaseInfo> {
    return { state: this.localState, dataDir: await this.localDb.dataDir().catch(() => null) };
  }

  /** Forgets the session passwords; when Keyload closes. */
  forgetSessionPasswords(): void {
    this.sessionPasswords.clear();
  }

  /** The built-in local database first, then the saved connections by name. */
  list(): ConnectionInfo[] {
    const rows = this.db.prepare<[], ConnectionRow>('SELECT * FROM connections ORDER BY name COLLATE NOCASE, name, id').all();
    return [{ ...builtinConnection }, ...rows.map((row) => this.toInfo(row))];
  }

  /** Inserts (no id) or updates a connection. */
  save(input: ConnectionSave): ConnectionInfo {
    const fields = connectionInput.parse(input);
    if (input.id === builtinConnectionId) throw new KeyloadError(ErrorCodes.usage, 'The local database is built in and cannot be changed');
    const id = input.id ?? randomUUID();
    const password = this.passwordColumn(input.password);
    const keepInSession = input.password !== undefined && input.password !== '' && password === null;
    const row = { id, ...fields, updatedAt: new Date().toISOString(), password: password ?? null };
    const saved = this.db.transaction(() => {
      if (input.id === undefined) {
        this.db
          .prepare(`INSERT INTO connections (id, name, host, port, database, user, ssl_mode, password, updated_at)
                    VALUES (@id, @name, @host, @port, @database, @user, @sslMode, @password, @updatedAt)`)
          .run(row);
      } else {
        const { changes } = this.db
          .prepare(`UPDATE connections SET name = @name, host = @host, port = @port, database = @database, user = @user,
                      ssl_mode = @sslMode, updated_at = @updatedAt, password = IIF(@keepPassword, password, @password)
                    WHERE id = @id`)
          .run({ ...row, keepPassword: password === undefined ? 1 : 0 });
        if (changes === 0) throw new KeyloadError(ErrorCodes.usage, `No connection ${input.id}`);
      }
      return this.db.prepare<[string], ConnectionRow>('SELECT * FROM connections WHERE id = ?').get(id);
    })();
    if (!saved) throw new KeyloadError(ErrorCodes.internal, `Connection ${id} vanished while being saved`);
    if (keepInSession && input.password) this.sessionPasswords.set(id, input.password);
    else if (input.password !== undefined) this.sessionPasswords.delete(id);
    return this.toInfo(saved);
  }

  /** Removing a connection that does not exist does nothing. */
  remove(id: string): void {
    if (id === builtinConnectionId) throw new KeyloadError(ErrorCodes.usage, 'The local database is built in and cannot be removed');
    this.db.prepare('DELETE FROM connections WHERE id = ?').run(id);
    this.sessionPasswords.delete(id);
  }

  /**
   * The URL to connect with: the stored password, else the session's, else `password`, else an
   * error asking for one.
   * Built for node-postgres (see connectionUrl).
   */
  async connectionString(id: string, password?: string): Promise<string> {
    if (id === builtinConnectionId) return this.localDbUrl();
    const row = this.db.prepare<[string], ConnectionRow>('SELECT * FROM connections WHERE id = ?').get(id);
    if (!row) throw new KeyloadError(ErrorCodes.connection, `No connection ${id}`);
    const secret = this.storedPassword(row) ?? this.sessionPasswords.get(id) ?? password;
    if (secret === undefined) {
      throw new KeyloadError(ErrorCodes.connection, `A password is needed to connect to "${row.name}"`, { hint: 'Enter the password for this connection' });
    }
    return connectionUrl({ host: row.host, port: row.port, database: row.database, user: row.user, password: secret, sslMode: row.ssl_mode });
  }

  /** Tracks the first start of the local database, so the UI can say "Starting the local database…". */
  private async localDbUrl(): Promise<string> {
    if (this.localState !== 'ready') this.localState = 'starting';
    try {
      const url = await this.localDb.url();
      this.localState = 'ready';
      return url;
    } catch (error) {
      this.localState = 'failed';
      throw error;
    }
  }

  /**
   * The password column's new value: undefined keeps the stored one, null stores none. A new
   * password that cannot be encrypted is not stored, and the old one goes too: it is out of date.
   */
  private passwordColumn(password: string | undefined): Buffer | null | undefined {
    if (password === undefined) return undefined;
    if (password === '' || !this.secrets?.canEncrypt()) return null;
    return this.secrets.encrypt(password);
  }

  /** A stored password that can no longer be decrypted counts as none: the user is asked again. */
  private storedPassword(row: ConnectionRow): string | undefined {
    if (!row.password || !this.secrets?.canEncrypt()) return undefined;
    try {
      return this.secrets.decrypt(row.password);
    } catch {
      return undefined;
    }
  }

  private toInfo(row: ConnectionRow): ConnectionInfo {
    // Without the keychain (the web host, or it went away) a stored password is of no use.
    const stored = row.password !== null && (this.secrets?.canEncrypt() ?? false);
    const passwordStore = stored ? 'keychain' : this.sessionPasswords.has(row.id) ? 'session' : null;
    return {
      id: row.id,
      name: row.name,
      host: row.host,
      port: row.port,
      database: row.database,
      user: row.user,
      sslMode: row.ssl_mode,
      builtin: false,
      hasPassword: passwordStore !== null,
      passwordStore,
    };
  }
}
