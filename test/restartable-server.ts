// A throw-away PostgreSQL of a test's own, that the test may stop and start again (same port and
// data directory), for faults the shared test server must never see.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedServer, type EmbeddedServer } from '../src/main/local-db/embedded-server.ts';

const settings = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];

export interface RestartableServer {
  readonly url: string;
  /** A fast shutdown (live sessions get 57P01), then a start on the same port and data directory. */
  restart(): Promise<void>;
  /** Stops the server and removes its data directory. */
  remove(): Promise<void>;
}

export async function startRestartableServer(): Promise<RestartableServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'keyload-restart-pg-'));
  let server: EmbeddedServer = await startEmbeddedServer({ dataDir, persistent: true, initialise: true, postgresFlags: settings });
  return {
    url: server.url,
    async restart() {
      await server.stop();
      server = await startEmbeddedServer({ dataDir, port: server.port, persistent: true, initialise: false, postgresFlags: settings });
    },
    async remove() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
