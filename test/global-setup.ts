// Starts one real PostgreSQL for the whole test run (or uses KEYLOAD_TEST_DATABASE_URL).
// Each test file then creates its own database through test/database.ts.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedServer } from '../src/main/local-db/embedded-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.KEYLOAD_TEST_DATABASE_URL;
  if (external) {
    project.provide('databaseUrl', external);
    return async () => {};
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'keyload-test-pg-'));
  const server = await startEmbeddedServer({
    dataDir,
    persistent: false,
    initialise: true,
    // A throw-away cluster: durability settings off for speed, enough connections for parallel tests.
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
  });
  project.provide('databaseUrl', server.url);
  return () => server.stop();
}
