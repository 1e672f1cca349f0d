// The persistent local database, against real PostgreSQL servers in temporary homes.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, test } from 'vitest';
import { processExists } from './file-lock.ts';
import { ensureLocalDb, localDbStatus, localDbUrl, serverBinaries, serverUser, startLocalDb, stopLocalDb, type LocalDbStatus } from './local-db.ts';
import { hiddenBinaries } from '../../../test/hidden-binaries.ts';

const homes: string[] = [];

async function newHome(): Promise<string> {
  const home = await mkdtemp(path.join(tmpdir(), 'keyload-local-db-'));
  // As root the server runs as the "postgres" user, which must be able to pass through.
  await chmod(home, 0o755);
  homes.push(home);
  return home;
}

afterAll(async () => {
  for (const home of homes) {
    await stopLocalDb({ home }).catch((error: unknown) => console.error(error));
    await rm(home, { recursive: true, force: true });
  }
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const pinnedNode = path.join(repoRoot, 'node_modules', '.bin', 'node');
const nodeBinary = existsSync(pinnedNode) ? pinnedNode : process.execPath;
const moduleUrl = pathToFileURL(path.join(import.meta.dirname, 'local-db.ts')).href;

/** Runs `await <call>` from local-db.ts in a separate Node process, which then exits; returns its JSON output. */
function inChildProcess(call: string, home: string): Promise<unknown> {
  const script = `const m = await import(${JSON.stringify(moduleUrl)}); const home = process.argv[1]; console.log(JSON.stringify(await m.${call}));`;
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBinary, ['--no-warnings', '--input-type=module', '-e', script, home], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(stdout) as unknown) : reject(new Error(`child exited ${code}: ${stderr}`))));
  });
}

/** The process has exited (an exited child of init may linger as a zombie until it is reaped). */
async function isGone(pid: number): Promise<boolean> {
  if (!processExists(pid)) return true;
  const procStat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return /^\d+ \(.*\) Z/s.test(procStat);
}

async function waitUntilStopped(home: string): Promise<void> {
  for (let i = 0; i < 100 && (await localDbStatus({ home })).running; i++) await sleep(100);
  expect((await localDbStatus({ home })).running).toBe(false);
}

describe('lifecycle of one local database', () => {
  let home: string;
  let first: LocalDbStatus;

  test('a fresh home has no local database', async () => {
    home = await newHome();
    const status = await localDbStatus({ home });
    expect(status).toEqual({ initialised: false, running: false, dataDir: path.join(home, 'postgres', 'data') });
    await expect(localDbUrl({ home })).rejects.toMatchObject({ code: 'KEYLOAD_LOCAL_DB' });
    expect(await stopLocalDb({ home })).toMatchObject({ running: false });
  });

  test('start initialises it, and it accepts connections with a generated password', async () => {
    first = await startLocalDb({ home });
    expect(first).toMatchObject({ initialised: true, running: true });
    expect(first.pid).toBeGreaterThan(0);
    expect(first.url).toBe(await localDbUrl({ home }));
    const url = new URL(first.url ?? '');
    expect(url.hostname).toBe('127.0.0.1');
    expect(Number(url.port)).toBe(first.port);
    expect(url.pathname).toBe('/postgres');
    expect(url.password.length).toBeGreaterThanOrEqual(20);

    const [row] = await query<{ one: number; encoding: string }>(first.url ?? '', `SELECT 1 AS one, pg_encoding_to_char(encoding) AS encoding FROM pg_database WHERE datname = 'postgres'`);
    expect(row).toEqual({ one: 1, encoding: 'UTF8' });
    const wrong = new URL(first.url ?? '');
    wrong.password = 'wrong';
    await expect(query(wrong.toString(), 'SELECT 1')).rejects.toThrow(/password/);

    const stateFile = path.join(home, 'postgres', 'state.json');
    if (process.platform !== 'win32') expect((await stat(stateFile)).mode & 0o777).toBe(0o600);
    const state = JSON.parse(await readFile(stateFile, 'utf8')) as Record<string, unknown>;
    expect(state).toMatchObject({ version: 1, postgresVersion: '18', port: first.port, password: url.password });
  });

  test('start and ensure are idempotent while it runs', async () => {
    expect(await startLocalDb({ home })).toEqual(first);
    expect(await ensureLocalDb({ home })).toBe(first.url);
  });

  test('data persists across stop and start, on the remembered port', async () => {
    await query(first.url ?? '', `CREATE TABLE kept (id int PRIMARY KEY, name text); INSERT INTO kept VALUES (1, 'one')`);
    const stopped = await stopLocalDb({ home });
    expect(stopped).toMatchObject({ initialised: true, running: false, port: first.port });
    expect(stopped.pid).toBeUndefined();
    expect(stopped.url).toBeUndefined();
    expect(await isGone(first.pid ?? 0)).toBe(true);
    expect(await stopLocalDb({ home })).toMatchObject({ running: false });

    const again = await startLocalDb({ home });
    expect(again).toMatchObject({ running: true, port: first.port, url: first.url });
    expect(await query(again.url ?? '', 'SELECT * FROM kept')).toEqual([{ id: 1, name: 'one' }]);
  });

  test('the server outlives the process that started it', async () => {
    await stopLocalDb({ home });
    const started = (await inChildProcess('startLocalDb({ home })', home)) as LocalDbStatus;
    expect(started.running).toBe(true);
    // The child has exited; the server it started is still there.
    const status = await localDbStatus({ home });
    expect(status).toMatchObject({ running: true, pid: started.pid, url: started.url });
    expect(await query(status.url ?? '', 'SELECT name FROM kept')).toEqual([{ name: 'one' }]);
  });

  test('after a crash, start recovers (PostgreSQL replaces the stale postmaster.pid itself)', async () => {
    const before = await localDbStatus({ home });
    process.kill(before.pid ?? 0, 'SIGKILL');
    await waitUntilStopped(home);
    const after = await startLocalDb({ home });
    expect(after).toMatchObject({ running: true, url: before.url });
    expect(await query(after.url ?? '', 'SELECT name FROM kept')).toEqual([{ name: 'one' }]);
  });

  test('a crash leaves a postmaster.pid behind; start copes, even if its pid was reused', async () => {
    const before = await localDbStatus({ home });
    process.kill(before.pid ?? 0, 'SIGKILL');
    await waitUntilStopped(home);
    const pidFile = path.join(home, 'postgres', 'data', 'postmaster.pid');
    expect(existsSync(pidFile)).toBe(true);
    // The pid now belongs to another live process (this one): PostgreSQL alone would refuse to start.
    const lines = (await readFile(pidFile, 'utf8')).split('\n');
    lines[0] = String(process.pid);
    await writeFile(pidFile, lines.join('\n'));
    expect((await localDbStatus({ home })).running).toBe(false);

    const after = await startLocalDb({ home });
    expect(after).toMatchObject({ running: true, url: before.url });
    expect(after.pid).not.toBe(before.pid);
    expect(await query(after.url ?? '', 'SELECT name FROM kept')).toEqual([{ name: 'one' }]);
  });

  test('stop stops it', async () => {
    const pid = (await localDbStatus({ home })).pid ?? 0;
    expect(await stopLocalDb({ home })).toMatchObject({ initialised: true, running: false });
    expect(await isGone(pid)).toBe(true);
    await expect(query(first.url ?? '', 'SELECT 1')).rejects.toThrow();
  });
});

test('concurrent ensureLocalDb calls, in one process and in several, share one server', async () => {
  const home = await newHome();
  const [a, b, c, d] = await Promise.all([
    ensureLocalDb({ home }),
    ensureLocalDb({ home }),
    inChildProcess('ensureLocalDb({ home })', home),
    inChildProcess('ensureLocalDb({ home })', home),
  ]);
  expect(new Set([a, b, c, d]).size).toBe(1);
  const status = await localDbStatus({ home });
  expect(status.url).toBe(a);
  expect(await query(a, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  // Initialised and started exactly once.
  const log = await readFile(path.join(home, 'postgres', 'server.log'), 'utf8');
  expect(log.match(/starting PostgreSQL/g)).toHaveLength(1);
  expect(existsSync(path.join(home, 'postgres', 'start-stop.lock'))).toBe(false);
});

test('a lock held by a process that was killed does not block start for long', async () => {
  const home = await newHome();
  await startLocalDb({ home });
  await stopLocalDb({ home });
  const lockPath = path.join(home, 'postgres', 'start-stop.lock');
  // A real crash: a process takes the lock, says so, and is killed while holding it (the interval
  // keeps it alive until then: a process that merely exits releases the lock on the way out).
  const lockUrl = pathToFileURL(path.join(import.meta.dirname, 'file-lock.ts')).href;
  const script = `const m = await import(${JSON.stringify(lockUrl)}); await m.withFileLock(process.argv[1], async () => { console.log('held'); await new Promise(() => setInterval(() => {}, 1000)); });`;
  const holder = spawn(nodeBinary, ['--no-warnings', '--input-type=module', '-e', script, lockPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
  expect(existsSync(lockPath)).toBe(true);
  holder.kill('SIGKILL');
  await new Promise((resolve) => holder.once('exit', resolve));
  // Taken over once stale (10 s); waiting out the 180 s allowed for a live holder would time the test out.
  expect(await startLocalDb({ home })).toMatchObject({ running: true });
  expect(existsSync(lockPath)).toBe(false);
});

test.runIf(process.getuid?.() === 0)('as root, a home the postgres user cannot reach is a clear error', async () => {
  const home = await newHome();
  await chmod(home, 0o700);
  await expect(startLocalDb({ home })).rejects.toMatchObject({ code: 'KEYLOAD_LOCAL_DB', message: expect.stringMatching(/cannot reach/) as unknown });
  expect((await localDbStatus({ home })).initialised).toBe(false);
});

test.runIf(process.getuid?.() === 0)('as root, binaries the postgres user cannot reach are copied where it can run them, once', async () => {
  const { dir: hidden, binaries } = await hiddenBinaries();
  const user = await serverUser();
  if (!user) throw new Error('root has a server user');
  const copies = path.join(await newHome(), 'postgres-binaries');

  const usable = await serverBinaries(binaries, user, copies);
  expect(usable.pgCtl.startsWith(`${copies}/`)).toBe(true);
  // The server user runs the copy, shared libraries included.
  const version = spawn(usable.initdb, ['--version'], { uid: user.uid, gid: user.gid, cwd: '/' });
  let output = '';
  version.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  expect(await new Promise((resolve) => version.once('exit', resolve))).toBe(0);
  expect(output).toMatch(/PostgreSQL/);
  const copied = (await stat(usable.pgCtl)).mtimeMs;
  expect(await serverBinaries(binaries, user, copies)).toEqual(usable);
  expect((await stat(usable.pgCtl)).mtimeMs).toBe(copied);
  await rm(hidden, { recursive: true, force: true });
});
