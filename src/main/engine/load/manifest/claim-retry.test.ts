// --claim's own queries (register, claim, lease renewal) meet terminated backends: with no
// --max-retries, the retry window alone carries the run through, and the table comes out right.
import pg from 'pg';
import { expect, test } from 'vitest';
import { useTestHarness } from '../../../../../test/load-harness.ts';
import { ensureManifest } from './manifest.ts';

const t = useTestHarness();

/** The claim queries to catch, each by its SQL, in the order a one-lane claimer reaches them. */
const targets = [
  { name: 'register', sql: /VALUES \(\$1, \$2, \$3, \$4, \$5, 'queued'/ },
  { name: 'claim', sql: /SET status = 'loading', claimed_by/ },
  { name: 'renew', sql: /SET lease_until = now\(\) \+ make_interval/ },
];

test('a --claim load whose claim queries are terminated still ends loaded, through the retry window alone', async () => {
  await t.db.query('CREATE TABLE claimed_retry (id int PRIMARY KEY, v text)');
  const fileIds = [0, 1, 2].map((f) => Array.from({ length: 20_000 }, (_, i) => f * 7_000 + i));
  const paths = await Promise.all(fileIds.map((ids, f) => t.h.file(`claim-retry-${f}.csv`, `id,v\n${ids.map((id) => `${id},f${f}-${id}`).join('\n')}\n`)));

  const killer = new pg.Client({ connectionString: t.db.url });
  killer.on('error', () => {}); // dropping the test database ends this session too
  await killer.connect();
  await ensureManifest(killer, 'keyload');
  // Holding EXCLUSIVE on the manifest makes its next writer wait; the first waiter of each kind of
  // claim query is terminated (57P01), any other writer is let through.
  let done = false;
  const killed: string[] = [];
  const waiters = async () => {
    await killer.query('SELECT pg_stat_clear_snapshot()'); // pg_stat_activity is otherwise frozen for the transaction
    return (
      await killer.query<{ pid: number; query: string }>(
        `SELECT a.pid, a.query FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE NOT l.granted AND l.relation = 'keyload.keyload_manifest'::regclass AND a.application_name = 'keyload-test' AND a.datname = current_database()`,
      )
    ).rows;
  };
  // The load starts only once the first lock is held, so registering (its first manifest write)
  // always waits behind it, however fast the load reaches it.
  let firstLockHeld!: () => void;
  const lockHeld = new Promise<void>((resolve) => (firstLockHeld = resolve));
  const killing = (async () => {
    while (!done && killed.length < targets.length) {
      await killer.query('BEGIN; LOCK TABLE keyload.keyload_manifest IN EXCLUSIVE MODE');
      firstLockHeld();
      for (;;) {
        const waiting = await waiters();
        const victim = waiting.flatMap((w) => targets.filter((k) => !killed.includes(k.name) && k.sql.test(w.query)).map((k) => ({ pid: w.pid, kind: k.name })))[0];
        if (victim) {
          await killer.query('SELECT pg_terminate_backend($1)', [victim.pid]);
          killed.push(victim.kind);
          break;
        }
        if (done || waiting.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await killer.query('COMMIT');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  await lockHeld;
  const result = await t.h
    .load({ table: 'claimed_retry', mode: 'upsert', claim: true, concurrency: 1, leaseSeconds: 3, maxRetries: 0, retryWindowSeconds: 60, files: paths })
    .finally(() => {
      done = true;
    });
  await killing;
  await killer.end();

  expect(result.files.map((f) => [f.path, f.status, f.error?.message])).toEqual(paths.map((p) => [p, 'loaded', undefined]));
  expect(result.exitCode).toBe(0);
  // Registering is always caught; a claim or a renewal (every second) only when its wait lines up
  // with the lock, so they are not asserted.
  expect(killed).toContain('register');
  const notices = result.events.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
  expect(notices.some((n) => n.includes('Registering the files to claim: server unavailable, retrying'))).toBe(true);
  const expected = new Map<number, string>();
  fileIds.forEach((ids, f) => ids.forEach((id) => expected.set(id, `f${f}-${id}`)));
  const rows = await t.db.query<{ id: number; v: string }>('SELECT id, v FROM claimed_retry ORDER BY id');
  expect(rows.length).toBe(expected.size);
  expect(rows.filter((r) => expected.get(r.id) !== r.v).slice(0, 5)).toEqual([]);
  expect(await t.db.query(`SELECT DISTINCT status FROM keyload.keyload_manifest WHERE target_table = 'public.claimed_retry'`)).toEqual([{ status: 'loaded' }]);
}, 120_000);
