// The desktop app's own SQLite database (<userDataDir>/keyload.db): saved connections, run history
// and mapping profiles. Its schema version is PRAGMA user_version; each migration below moves it up
// by one, so a database is always at exactly the version of the last migration applied to it.
import Database from 'better-sqlite3';
import { existsSync, renameSync } from 'node:fs';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';

export type AppDatabase = Database.Database;

/**
 * Applied in order, never edited once released: a change to the schema is a new entry at the end.
 * Tables are STRICT so a wrong type is an error rather than silently stored.
 */
export const migrations: readonly string[] = [
  // 1: the initial schema.
  `
  CREATE TABLE connections (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    host       TEXT NOT NULL,
    port       INTEGER NOT NULL,
    database   TEXT NOT NULL,
    user       TEXT NOT NULL,
    ssl_mode   TEXT NOT NULL,
    -- Encrypted by the OS keychain (SecretBox); NULL means "ask each time". Never plain text.
    password   BLOB,
    updated_at TEXT NOT NULL
  ) STRICT;

  -- Indexed columns for listing and searching; everything else about a run is JSON.
  -- connection_id has no foreign key: history outlives a removed connection.
  CREATE TABLE runs (
    run_id          TEXT PRIMARY KEY,
    connection_id   TEXT NOT NULL,
    connection_name TEXT NOT NULL,
    table_name      TEXT NOT NULL,
    mode            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('running', 'loaded', 'loaded with rejects', 'failed', 'cancelled')),
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    seconds         REAL,
    file_count      INTEGER NOT NULL,
    report_dir      TEXT NOT NULL,
    options         TEXT NOT NULL,
    totals          TEXT,
    result          TEXT,
    error           TEXT
  ) STRICT;
  CREATE INDEX runs_newest_first ON runs (started_at DESC);
  CREATE INDEX runs_running ON runs (status) WHERE status = 'running';

  -- One row per input file, so a search can match any file path of a run.
  CREATE TABLE run_files (
    run_id   TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    path     TEXT NOT NULL,
    PRIMARY KEY (run_id, position)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE profiles (
    name       TEXT PRIMARY KEY,
    profile    TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  `,
  // 2: the status 'partly loaded'. SQLite cannot change a CHECK in place, so the runs table is
  // rebuilt; run_files is rebuilt with it, as dropping the old runs would cascade to its rows.
  `
  CREATE TABLE runs_v2 (
    run_id          TEXT PRIMARY KEY,
    connection_id   TEXT NOT NULL,
    connection_name TEXT NOT NULL,
    table_name      TEXT NOT NULL,
    mode            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('running', 'loaded', 'loaded with rejects', 'partly loaded', 'failed', 'cancelled')),
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    seconds         REAL,
    file_count      INTEGER NOT NULL,
    report_dir      TEXT NOT NULL,
    options         TEXT NOT NULL,
    totals          TEXT,
    result          TEXT,
    error           TEXT
  ) STRICT;
  INSERT INTO runs_v2 SELECT * FROM runs;
  CREATE TABLE run_files_v2 (
    run_id   TEXT NOT NULL REFERENCES runs_v2 (run_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    path     TEXT NOT NULL,
    PRIMARY KEY (run_id, position)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO run_files_v2 SELECT * FROM run_files;
  DROP TABLE run_files;
  DROP TABLE runs;
  -- Renaming also points run_files_v2's foreign key at the new name.
  ALTER TABLE runs_v2 RENAME TO runs;
  ALTER TABLE run_files_v2 RENAME TO run_files;
  CREATE INDEX runs_newest_first ON runs (started_at DESC);
  CREATE INDEX runs_running ON runs (status) WHERE status = 'running';
  `,
  // 3: the CLI records its runs here too: which side started a run, and the process running it, so
  // a run is marked interrupted only once that process is gone (not because another one started).
  `
  ALTER TABLE runs ADD COLUMN source TEXT NOT NULL DEFAULT 'app' CHECK (source IN ('app', 'cli'));
  ALTER TABLE runs ADD COLUMN pid INTEGER;
  `,
  // 4: when a run was undone (keyload undo, or History's "Undo this run").
  `
  ALTER TABLE runs ADD COLUMN undone_at TEXT;
  `,
];

/** The schema version this build of Keyload writes. */
export const schemaVersion = migrations.length;

export interface OpenOptions {
  /** Told when a damaged file was moved aside and a new, empty one started in its place. */
  onNotice?: (message: string) => void;
}

/**
 * Opens (creating if needed) the app database at `file` and brings its schema up to date. A file
 * SQLite finds damaged (not a database, or failing its quick check) is moved aside, with its WAL, as
 * `<file>.corrupt-<timestamp>` for inspection, and a new database starts: losing the history is
 * better than an app that cannot open at all.
 */
export function openAppDatabase(file: string, options: OpenOptions = {}): AppDatabase {
  try {
    return openChecked(file);
  } catch (error) {
    if (!isDamage(error)) throw error;
    const aside = moveAside(file);
    options.onNotice?.(`${file} is damaged (${describe(error)}): moved it to ${aside} and started a new one; the run history, saved connections and mapping profiles start empty`);
    return openChecked(file);
  }
}

function openChecked(file: string): AppDatabase {
  const db = new Database(file);
  try {
    // WAL: readers (history lists) never block the writer (a finishing run), and commits are cheap;
    // a process killed mid-write leaves the last committed state (tested with SIGKILL).
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across app crashes in WAL mode; only an OS crash can lose the last commits.
    db.pragma('synchronous = NORMAL');
    // SQLite leaves foreign keys off unless asked, per connection.
    db.pragma('foreign_keys = ON');
    // Another Keyload process holding the write lock briefly (its own migration) is waited for.
    db.pragma('busy_timeout = 5000');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new DamagedDatabase(String(check).replace(/\s+/g, ' '));
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

class DamagedDatabase extends Error {}

/** SQLite's own words for a damaged file: SQLITE_CORRUPT (and its extended codes) and SQLITE_NOTADB. */
function isDamage(error: unknown): boolean {
  if (error instanceof DamagedDatabase) return true;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}

function moveAside(file: string): string {
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file, aside);
  // The WAL and shared-memory index belong to that file; left behind they would be replayed into the new one.
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(`${file}${suffix}`)) renameSync(`${file}${suffix}`, `${aside}${suffix}`);
  }
  return aside;
}

function userVersion(db: AppDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: AppDatabase): void {
  // IMMEDIATE takes the write lock before reading the version, so two processes opening the same
  // file at once cannot both apply a migration; the schema change and its version commit together.
  const step = db.transaction((): boolean => {
    const version = userVersion(db);
    if (version > migrations.length) {
      throw new KeyloadError(ErrorCodes.internal, `${db.name} was written by a newer Keyload (schema ${version}; this version knows up to ${migrations.length})`, {
        hint: 'Update Keyload',
      });
    }
    const next = migrations[version];
    if (next === undefined) return false;
    db.exec(next);
    db.pragma(`user_version = ${version + 1}`);
    return true;
  });
  while (step.immediate());
}
