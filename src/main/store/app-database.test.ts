import Database from 'better-sqlite3';
import { expect, test } from 'vitest';
import { migrations, openAppDatabase, schemaVersion, type AppDatabase } from './app-database.ts';
import { openTempDatabase, tempDatabaseFile } from './test-database.ts';

const tables = (db: AppDatabase) =>
  db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .all()
    .map((row) => row.name);

test('a new database gets the whole schema, in WAL mode with foreign keys and a busy timeout', () => {
  const db = openTempDatabase();
  expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion);
  expect(tables(db)).toEqual(['connections', 'profiles', 'run_files', 'runs']);
  expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
});

test('re-opening keeps the data and applies nothing twice', () => {
  const file = tempDatabaseFile();
  const first = openAppDatabase(file);
  first.prepare("INSERT INTO profiles (name, profile, updated_at) VALUES ('p', '{}', 'now')").run();
  first.close();
  for (let i = 0; i < 3; i++) {
    const again = openTempDatabase(file);
    expect(again.pragma('user_version', { simple: true })).toBe(schemaVersion);
    expect(tables(again)).toEqual(['connections', 'profiles', 'run_files', 'runs']);
    expect(again.prepare('SELECT count(*) AS n FROM profiles').get()).toEqual({ n: 1 });
    again.close();
  }
});

test('WAL mode is stored in the file: another connection sees it too', () => {
  const file = tempDatabaseFile();
  openTempDatabase(file);
  const plain = new Database(file, { readonly: true });
  try {
    expect(plain.pragma('journal_mode', { simple: true })).toBe('wal');
  } finally {
    plain.close();
  }
});

test('foreign keys are enforced', () => {
  const db = openTempDatabase();
  expect(() => db.prepare("INSERT INTO run_files (run_id, position, path) VALUES ('nope', 0, 'a.csv')").run()).toThrow(/FOREIGN KEY/);
});

test('a database from a newer Keyload is refused, and left as it was', () => {
  const file = tempDatabaseFile();
  const db = openAppDatabase(file);
  db.pragma(`user_version = ${schemaVersion + 1}`);
  db.close();
  expect(() => openAppDatabase(file)).toThrow(/newer Keyload/);
  const plain = new Database(file, { readonly: true });
  try {
    expect(plain.pragma('user_version', { simple: true })).toBe(schemaVersion + 1);
  } finally {
    plain.close();
  }
});

test('a database of schema 1 keeps its runs and files, and then takes the status partly loaded', () => {
  const file = tempDatabaseFile();
  const old = new Database(file);
  old.pragma('foreign_keys = ON');
  old.exec(migrations[0] ?? '');
  old.pragma('user_version = 1');
  old.prepare("INSERT INTO runs (run_id, connection_id, connection_name, table_name, mode, status, started_at, file_count, report_dir, options) VALUES ('r1', 'c', 'C', 't', 'upsert', 'loaded', '2025-01-01T00:00:00.000Z', 2, '/r', '{}')").run();
  old.prepare("INSERT INTO run_files (run_id, position, path) VALUES ('r1', 0, '/a.csv'), ('r1', 1, '/b.csv')").run();
  expect(() => old.prepare("UPDATE runs SET status = 'partly loaded'").run()).toThrow(/CHECK/);
  old.close();

  const db = openTempDatabase(file);
  expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion);
  expect(tables(db)).toEqual(['connections', 'profiles', 'run_files', 'runs']);
  expect(db.prepare('SELECT run_id, status FROM runs').all()).toEqual([{ run_id: 'r1', status: 'loaded' }]);
  expect(db.prepare('SELECT path FROM run_files ORDER BY position').all()).toEqual([{ path: '/a.csv' }, { path: '/b.csv' }]);
  db.prepare("UPDATE runs SET status = 'partly loaded'").run();
  expect(() => db.prepare("UPDATE runs SET status = 'half done'").run()).toThrow(/CHECK/);
  expect(() => db.prepare("INSERT INTO run_files (run_id, position, path) VALUES ('nope', 0, 'a.csv')").run()).toThrow(/FOREIGN KEY/);
  db.prepare("DELETE FROM runs WHERE run_id = 'r1'").run();
  expect(db.prepare('SELECT count(*) AS n FROM run_files').get()).toEqual({ n: 0 });
});
