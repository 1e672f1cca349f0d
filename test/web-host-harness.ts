// A test file's web host: a test database, the app over it with a data directory of its own, and the
// localhost web host serving a stub renderer; created before the file's tests, closed after them.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { createApp, type App } from '../src/main/app/app.ts';
import { startWebHost, type WebHost } from '../src/main/web-host/web-host.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface WebHostContext {
  db: TestDatabase;
  app: App;
  host: WebHost;
  /** The test's own directory; the app's data directory is `dataDir` inside it. */
  dir: string;
  dataDir: string;
}

export function useWebHost(prefix: string): WebHostContext {
  const context = {} as WebHostContext;
  beforeAll(async () => {
    context.db = await createTestDatabase();
    context.dir = await mkdtemp(join(tmpdir(), prefix));
    context.dataDir = join(context.dir, 'data');
    await mkdir(join(context.dir, 'renderer'));
    await writeFile(join(context.dir, 'renderer', 'index.html'), '<!doctype html><title>Keyload</title>');
    context.app = createApp({ dataDir: context.dataDir, host: 'web', secrets: null, localDbUrl: async () => context.db.url });
    context.host = await startWebHost(context.app, join(context.dir, 'renderer'));
  });
  afterAll(async () => {
    await context.host.close();
    await context.app.close();
    await context.db.drop();
    await rm(context.dir, { recursive: true, force: true });
  });
  return context;
}
