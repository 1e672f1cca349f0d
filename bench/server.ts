// A throw-away PostgreSQL for one bench run, with server defaults (fsync on): psql, pgloader and
// Keyload are all measured against this same, realistically durable server.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedServer } from '../src/main/local-db/embedded-server.ts';

export interface BenchServer {
  url: string;
  version: string;
  /** Runs SQL on the bench's own admin connection (resets and checks, never timed). */
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string): Promise<T[]>;
  stop(): Promise<void>;
}

export async function startBenchServer(): Promise<BenchServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'keyload-bench-pg-'));
  const server = await startEmbeddedServer({ dataDir, persistent: false, initialise: true });
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
    version,
    query,
    async stop() {
      await client.end().catch(() => {});
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
