// An append whose connection is lost after its "loaded" manifest row committed is retried: the
// retry must find the file loaded by this run and stop, not append its rows a second time.
import pg from 'pg';
import { expect, test } from 'vitest';
import { useTestHarness } from '../../../../test/load-harness.ts';
import { ensureManifest } from './manifest/manifest.ts';

const t = useTestHarness();

/**
 * Runs `load` while holding EXCLUSIVE on keyload_progress, and terminates the first session that
 * waits on it. In an append that is the "loaded" step clearing the file's progress rows, which runs
 * after the manifest row saying loaded has committed. Returns the load's result and what was killed.
 */
async function terminatingProgressWriter<T>(url: string, load: () => Promise<T>): Promise<{ result: T; killed: string[] }> {
  const killer = new pg.Client({ connectionString: url });
  killer.on('error', () => {});
  await killer.connect();
  try {
    await ensureManifest(killer, 'keyload');
    await killer.query('BEGIN; LOCK TABLE keyload.keyload_progress IN EXCLUSIVE MODE');
    let over = false;
    const loading = load().finally(() => (over = true));
    const killed: string[] = [];
    while (!over && killed.length === 0) {
      await killer.query('SELECT pg_stat_clear_snapshot()'); // pg_stat_activity is otherwise frozen for the transaction
      const waiting = await killer.query<{ pid: number; query: string }>(
        `SELECT a.pid, a.query FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE NOT l.granted AND l.relation = 'keyload.keyload_progress'::regclass AND a.datname = current_database()`,
      );
      for (const w of waiting.rows) {
        await killer.query('SELECT pg_terminate_backend($1)', [w.pid]);
        killed.push(w.query);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await killer.query('COMMIT');
    return { result: await loading, killed };
  } finally {
    await killer.end();
  }
}

// The pass-through (the server parses the file's bytes) and the reader (columns out of the table's
// order) record "loaded" on their own paths.
test.each([
  { path: 'pass-through', header: 'id,v', row: (id: number) => `${id},v${id}` },
  { path: 'reader', header: 'v,id', row: (id: number) => `v${id},${id}` },
])('a retried append whose "loaded" row had committed leaves each row once ($path)', async ({ path, header, row }) => {
  const table = `append_retry_${path.replace('-', '_')}`;
  await t.db.query(`CREATE TABLE ${table} (id int, v text)`);
  const ids = Array.from({ length: 5_000 }, (_, i) => i);
  const file = await t.h.file(`${table}.csv`, `${header}\n${ids.map(row).join('\n')}\n`);

  const { result, killed } = await terminatingProgressWriter(t.db.url, () =>
    t.h.load({ table, mode: 'append', files: [file], batchSize: 1_000, maxRetries: 2, retryWindowSeconds: 30 }),
  );

  expect(killed).toEqual([expect.stringMatching(/DELETE FROM "keyload"\.keyload_progress/)]);
  expect(result.files.map((f) => [f.status, f.counts.inserted])).toEqual([['loaded', ids.length]]);
  const counts = await t.db.query<{ rows: string; keys: string }>(`SELECT count(*) AS rows, count(DISTINCT id) AS keys FROM ${table}`);
  expect(counts).toEqual([{ rows: String(ids.length), keys: String(ids.length) }]);
}, 60_000);
