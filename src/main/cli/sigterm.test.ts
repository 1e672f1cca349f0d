// SIGTERM to the real `keyload load` process mid-run behaves like Ctrl-C: a message, a clean stop
// (the statement in flight finishes, the rest is cancelled), the summary, the run's result recorded
// as cancelled, and the exit code of a cancelled run. The run is held mid-merge by a second session's
// lock, which the CLI shows with its holder while it waits.
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/database.ts';
import type { LoadResult } from '../../shared/load-types.ts';

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'keyload-sigterm-'));
});
afterAll(() => db.drop());

test('SIGTERM mid-run cancels cleanly, prints the summary and exits as Ctrl-C does', async () => {
  await db.query('CREATE TABLE sig (id int PRIMARY KEY, v text)');
  const path = join(dir, 'sig.csv');
  await writeFile(path, `id,v\n${Array.from({ length: 5_000 }, (_, i) => `${i},v${i}`).join('\n')}\n`);
  const holder = new pg.Client({ connectionString: db.url, application_name: 'sigterm-holder' });
  await holder.connect();
  await holder.query('BEGIN; LOCK TABLE sig IN SHARE MODE');

  const child = spawn(process.execPath, ['bin/keyload.js', 'load', '--dsn', db.url, '--table', 'sig', '--json', path], {
    env: { PATH: process.env.PATH ?? '', KEYLOAD_HOME: dir },
  });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/waiting for a lock on sig held by pid \d+ \(sigterm-holder, idle in transaction, since /.test(stderr)) resolve();
    });
  });
  child.kill('SIGTERM');
  // The lock goes once the CLI has taken the signal (or has died of it, as it did before).
  await Promise.race([exited, new Promise<void>((resolve) => child.stderr.on('data', () => stderr.includes('SIGTERM received') && resolve()))]);
  await holder.query('COMMIT');
  const code = await exited;
  await holder.end();

  expect(stderr).toContain('SIGTERM received. Cancelling: finishing the current statement and rolling back...');
  expect(code).toBe(1);
  expect(stderr).toMatch(/sig\.csv\s+cancelled/);
  const result = JSON.parse(stdout) as LoadResult;
  expect(result.files[0]?.status).toBe('cancelled');
}, 120_000);
