import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../../test/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

async function backendOf(application: string): Promise<{ pid: number; state: string } | undefined> {
  const rows = await db.query<{ pid: number; state: string }>('SELECT pid, state FROM pg_stat_activity WHERE application_name = $1', [application]);
  return rows[0];
}

async function waitFor<T>(probe: () => Promise<T | undefined | false>, ms: number): Promise<T | undefined> {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(100)) {
    const found = await probe();
    if (found) return found;
  }
  return undefined;
}

test("a killed client's running statement ends on the server, not when it would have finished", async () => {
  const application = `keyload-killed-${process.pid}`;
  // A process that opens the engine's pool and runs a ten-minute statement, then is SIGKILLed.
  const script = `
    const { openPool } = await import(${JSON.stringify(new URL('./pool.ts', import.meta.url).href)});
    const pool = openPool({ connectionString: ${JSON.stringify(db.url)}, applicationName: ${JSON.stringify(application)} }, 1);
    await pool.query('SELECT pg_sleep(600)');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
  try {
    const running = await waitFor(async () => (await backendOf(application))?.state === 'active', 30_000);
    expect(running, 'the statement never started').toBe(true);
  } finally {
    child.kill('SIGKILL');
  }
  // The session checks its client every second; without the check it would run for ten minutes.
  const gone = await waitFor(async () => (await backendOf(application)) === undefined, 20_000);
  expect(gone, 'the killed client’s backend is still running').toBe(true);
});
