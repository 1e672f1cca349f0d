// Test helpers: app databases in throw-away directories, closed and removed when the test ends.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { openAppDatabase, type AppDatabase } from './app-database.ts';

export function tempDatabaseFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'keyload-store-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'keyload.db');
}

export function openTempDatabase(file = tempDatabaseFile()): AppDatabase {
  const db = openAppDatabase(file);
  onTestFinished(() => {
    if (db.open) db.close();
  });
  return db;
}

/** Everything SQLite has on disk for `file`: the database and, in WAL mode, its -wal and -shm files. */
export function databaseBytes(file: string): Buffer {
  const parts = [file, `${file}-wal`, `${file}-shm`].filter((part) => existsSync(part));
  return Buffer.concat(parts.map((part) => readFileSync(part)));
}
