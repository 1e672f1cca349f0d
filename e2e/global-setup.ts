// Starts a throw-away PostgreSQL and the app's web host on it, built from the current sources.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/main/app/app.ts';
import { startEmbeddedServer } from '../src/main/local-db/embedded-server.ts';
import { rendererDir } from '../src/main/web-host/renderer-dir.ts';
import { startWebHost } from '../src/main/web-host/web-host.ts';

// Per checkout, so two checkouts can run their e2e suites at once.
export const stateFile = join(import.meta.dirname, '..', 'test-results', 'e2e-state.json');

export default async function globalSetup(): Promise<() => Promise<void>> {
  execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], { stdio: 'inherit' });
  const pgDataDir = await mkdtemp(join(tmpdir(), 'keyload-e2e-pg-'));
  const server = await startEmbeddedServer({
    dataDir: pgDataDir,
    persistent: false,
    initialise: true,
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off'],
  });
  const dataDir = await mkdtemp(join(tmpdir(), 'keyload-e2e-app-'));
  const app = createApp({ dataDir, host: 'web', secrets: null, localDbUrl: async () => server.url, localDbDataDir: pgDataDir });
  const host = await startWebHost(app, rendererDir(join(import.meta.dirname, '..')));
  await mkdir(join(import.meta.dirname, '..', 'test-results'), { recursive: true });
  await writeFile(stateFile, JSON.stringify({ launchUrl: host.launchUrl, databaseUrl: server.url, dataDir }));
  return async () => {
    await host.close();
    await app.close();
    await server.stop();
  };
}
