// Server restarts (fast shutdown, then start on the same port and data) at random moments of
// reading, staging, merging and the manifest write. The server is this file's own embedded one,
// never the shared test server other files use.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { embeddedUrl, startEmbeddedServer, type EmbeddedServer } from '../../src/main/local-db/embedded-server.ts';
import { faultSuite, resilientDb } from './fault-suite.ts';

// A throw-away cluster, as the shared test server is.
const FLAGS = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];

let dataDir = '';
let server: EmbeddedServer | undefined;
let db: ReturnType<typeof resilientDb> | undefined;

faultSuite({
  kind: 'server-restart',
  runs: 12,
  size: { minRows: 5_000, maxRows: 12_000 },
  async target() {
    dataDir = await mkdtemp(join(tmpdir(), 'keyload-fault-pg-'));
    const started = await startEmbeddedServer({ dataDir, persistent: true, initialise: true, postgresFlags: FLAGS });
    server = started;
    const admin = new pg.Client({ connectionString: started.url });
    await admin.connect();
    await admin.query('CREATE DATABASE faults');
    await admin.end();
    const dsn = embeddedUrl(started.port, 'faults');
    db = resilientDb(dsn);
    return {
      db,
      dsn,
      inject: async () => {
        await server?.stop();
        server = await startEmbeddedServer({ dataDir, port: started.port, persistent: true, initialise: false, postgresFlags: FLAGS });
        return 'restarted the server (fast shutdown, then start)';
      },
    };
  },
  async close() {
    await db?.end();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  },
});
