// The history database after the worst: a real process SIGKILLed while it writes runs, and files
// that are not (or no longer) a database.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, onTestFinished, test } from 'vitest';
import { openAppDatabase, schemaVersion, type AppDatabase } from './app-database.ts';
import { RunHistory } from './run-history.ts';
import { tempDatabaseFile } from './test-database.ts';

const here = path.dirname(new URL(import.meta.url).pathname);

/** A child that records runs as the app does (start, then finish, each a transaction) and says how many finished. */
function writerScript(file: string): string {
  const module = (name: string) => JSON.stringify(pathToFileURL(path.join(here, name)).href);
  return `
    import { openAppDatabase } from ${module('app-database.ts')};
    import { RunHistory } from ${module('run-history.ts')};
    const history = new RunHistory(openAppDatabase(${JSON.stringify(file)}));
    for (let n = 1; ; n++) {
      const runId = 'run-' + process.pid + '-' + n;
      const files = Array.from({ length: 1 + (n % 40) }, (_, i) => '/data/' + runId + '/part-' + i + '.csv');
      history.start({ runId, source: 'app', pid: process.pid, connectionId: 'local', connectionName: 'Local', table: 't', mode: 'upsert', files, options: { files, table: 't' }, reportDir: '/r/' + runId, startedAt: new Date().toISOString() });
      history.finish(runId, { status: 'failed', result: null, error: { code: 'KEYLOAD_INTERNAL', message: 'x'.repeat(n % 5000) }, finishedAt: new Date().toISOString() });
      process.stdout.write('finished ' + n + '\\n');
    }
  `;
}

/** Runs the writer until it has finished `runs` runs, then SIGKILLs it; returns how many it reported. */
async function killWhileWriting(file: string, runs: number): Promise<number> {
  const script = path.join(path.dirname(file), `writer-${randomBytes(3).toString('hex')}.mts`);
  writeFileSync(script, writerScript(file));
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let reported = 0;
  let buffer = '';
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the writer exited by itself (${code})`)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const match of buffer.matchAll(/finished (\d+)\n/g)) reported = Number(match[1]);
      buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
      if (reported >= runs) resolve();
    });
  });
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return reported;
}

function consistency(db: AppDatabase) {
  const runs = db.prepare<[], { status: string; n: number }>('SELECT status, count(*) AS n FROM runs GROUP BY status ORDER BY status').all();
  // Every run has exactly its files: a start is one transaction, never half written.
  const torn = db.prepare('SELECT r.run_id FROM runs r WHERE r.file_count <> (SELECT count(*) FROM run_files f WHERE f.run_id = r.run_id)').all();
  return { runs, torn };
}

test('SIGKILL while a real process writes runs leaves every committed run, whole, and a database that opens', { timeout: 120_000 }, async () => {
  const file = tempDatabaseFile();
  let committed = 0;
  // Three kills at whatever moment the writer is in (inside a transaction, or between them).
  for (let round = 0; round < 3; round++) committed += await killWhileWriting(file, 150 + round * 37);
  const notices: string[] = [];
  const db = openAppDatabase(file, { onNotice: (message) => notices.push(message) });
  try {
    expect(notices).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const { runs, torn } = consistency(db);
    expect(torn).toEqual([]);
    const finished = runs.find((r) => r.status === 'failed')?.n ?? 0;
    // Each kill may land after the last report and before its run's start or finish committed.
    expect(finished).toBeGreaterThanOrEqual(committed);
    expect(finished).toBeLessThanOrEqual(committed + 3);
    expect(runs.find((r) => r.status === 'running')?.n ?? 0).toBeLessThanOrEqual(3);
    // The app's start-up marks what the killed writers left running.
    new RunHistory(db).markInterrupted();
    expect(consistency(db).runs.map((r) => r.status)).toEqual(['failed']);
  } finally {
    db.close();
  }
});

function openNoting(file: string, notices: string[]): AppDatabase {
  const db = openAppDatabase(file, { onNotice: (message) => notices.push(message) });
  onTestFinished(() => {
    db.close();
  });
  return db;
}

function movedAside(file: string): string[] {
  const dir = path.dirname(file);
  return readdirSync(dir)
    .filter((name) => name.startsWith(`${path.basename(file)}.corrupt-`))
    .map((name) => path.join(dir, name));
}

test('a file that is no database is moved aside with a clear message, and a new database starts', () => {
  const file = tempDatabaseFile();
  const garbage = Buffer.from('this is not a SQLite file, it is a note someone saved over keyload.db\n'.repeat(200));
  writeFileSync(file, garbage);
  const notices: string[] = [];
  const db = openNoting(file, notices);
  expect(notices).toHaveLength(1);
  expect(notices[0]).toMatch(/keyload\.db is damaged \(SQLITE_NOTADB: file is not a database\): moved it to .*keyload\.db\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z and started a new one/);
  const [aside] = movedAside(file);
  expect(aside && readFileSync(aside)).toEqual(garbage);
  expect(notices[0]).toContain(aside);
  expect(db.pragma('user_version', { simple: true })).toBe(schemaVersion);
  expect(db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 0 });
});

test('a database with damaged pages is moved aside too', () => {
  const file = tempDatabaseFile();
  const db = openAppDatabase(file);
  const history = new RunHistory(db);
  for (let n = 0; n < 300; n++) {
    const files = Array.from({ length: 10 }, (_, i) => `/data/${n}/${i}-${'x'.repeat(50)}.csv`);
    history.start({ runId: `r${n}`, source: 'app', pid: process.pid, connectionId: 'c', connectionName: 'C', table: 't', mode: 'upsert', files, options: { files, table: 't' }, reportDir: '/r', startedAt: new Date().toISOString() });
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  // Scribble over pages across the file, as a failing disk or a stray write would.
  const pages = statSync(file).size / 4096;
  expect(pages).toBeGreaterThan(20);
  const fd = openSync(file, 'r+');
  for (const part of [0.25, 0.5, 0.75]) writeSync(fd, randomBytes(4096), 0, 4096, Math.floor(pages * part) * 4096);
  closeSync(fd);

  const notices: string[] = [];
  const fresh = openNoting(file, notices);
  expect(notices).toHaveLength(1);
  expect(notices[0]).toMatch(/is damaged \((SQLITE_CORRUPT\w*: )?.+\): moved it to/);
  expect(movedAside(file)).toHaveLength(1);
  expect(fresh.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 0 });
});
