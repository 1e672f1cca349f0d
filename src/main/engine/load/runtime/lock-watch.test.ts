// Lock waits against a real server: a second session holds ACCESS EXCLUSIVE on the target while a
// run loads into it. The run shows who holds the lock while it waits, and --lock-timeout fails it
// with an error naming the table and the holder.
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { useTestHarness } from '../../../../../test/load-harness.ts';
import type { LoadEvent } from '../../../../shared/load-types.ts';
import { lockWaitMessage, type LockWait } from '../../../../shared/lock-wait.ts';
import { planLoad, runLoad } from '../../index.ts';

const t = useTestHarness();
let holder: pg.Client;
let holderPid: number;

beforeEach(async () => {
  await t.db.query('DROP TABLE IF EXISTS t; DROP SCHEMA IF EXISTS keyload CASCADE; CREATE TABLE t (id int PRIMARY KEY, v text)');
  holder = new pg.Client({ connectionString: t.db.url, application_name: 'lock-holder' });
  await holder.connect();
  holderPid = Number((await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid);
});
afterEach(() => holder.end());

/** Plans first (planning only reads the catalog), then takes the lock, then runs. */
async function loadWhileLocked(options: { lockTimeoutMs?: number }, onEvent: (event: LoadEvent) => void) {
  const path = await t.h.file('locked.csv', 'id,v\n1,a\n2,b\n3,c\n');
  const plan = await planLoad({ connectionString: t.db.url, applicationName: 'keyload-test' }, { files: [path], table: 't', ...options });
  await holder.query('BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE');
  return runLoad(plan, { reportDir: await mkdtemp(join(t.h.dir, 'report-')), onEvent });
}

test('a run waiting for a lock shows the holder, and loads once the lock is released', async () => {
  const shown: LockWait[][] = [];
  let released: Promise<unknown> | null = null;
  const result = await loadWhileLocked({}, (event) => {
    if (event.type !== 'lock-wait') return;
    shown.push(event.waits);
    if (event.waits.some((w) => w.holderPid === holderPid)) released ??= holder.query('COMMIT');
  });
  await released;
  expect(result.files[0]?.status).toBe('loaded');
  const wait = shown.flat().find((w) => w.holderPid === holderPid);
  expect(wait).toMatchObject({ relation: 't', holderApplication: 'lock-holder', holderState: 'idle in transaction' });
  expect(lockWaitMessage(wait as LockWait)).toMatch(new RegExp(`^waiting for a lock on t held by pid ${holderPid} \\(lock-holder, idle in transaction, since \\d\\d:\\d\\d:\\d\\d\\)$`));
  // Once the wait is over the run says so: the last report has no wait.
  expect(shown.at(-1)).toEqual([]);
  expect(await t.db.query('SELECT count(*)::int AS n FROM t')).toEqual([{ n: 3 }]);
});

test('--lock-timeout fails the file with KEYLOAD_LOCK_TIMEOUT, naming the table and the holder', async () => {
  const result = await loadWhileLocked({ lockTimeoutMs: 1_000 }, () => {});
  await holder.query('COMMIT');
  const file = result.files[0];
  expect(file?.status).toBe('failed');
  expect(file?.error?.code).toBe('KEYLOAD_LOCK_TIMEOUT');
  expect(file?.error?.message).toMatch(new RegExp(`lock on t after --lock-timeout \\(1000 ms\\) \\(SQLSTATE 55P03\\): it is held by pid ${holderPid} \\(lock-holder, idle in transaction, since `));
  expect(await t.db.query('SELECT count(*)::int AS n FROM t')).toEqual([{ n: 0 }]);
});
