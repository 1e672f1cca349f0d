// A real server restarted (fast shutdown, then started again on the same port and data directory)
// in the middle of a multi-file upsert's merge: the retries wait for it, and the run ends loaded
// with the table equal to loading the files one by one. The test starts its own server, so the
// shared test server is never restarted under other tests.
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createHarness } from '../../../../../test/load-harness.ts';
import { startRestartableServer, type RestartableServer } from '../../../../../test/restartable-server.ts';

let server: RestartableServer;
beforeAll(async () => {
  server = await startRestartableServer();
}, 120_000);
afterAll(() => server.remove(), 60_000);

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const csv = (file: number, ids: number[]) => `id,v\n${ids.map((id) => `${id},f${file}-${id}`).join('\n')}\n`;

test('a server restart in the middle of the merge is waited for; the run ends loaded, in serial order', async () => {
  await query('CREATE TABLE t (id int PRIMARY KEY, v text)');
  const fileIds = [0, 1, 2].map((f) => Array.from({ length: 2_000 }, (_, i) => f * 700 + i));
  const h = await createHarness({ url: server.url, name: 'postgres', query, drop: async () => {} });
  const paths = await Promise.all(fileIds.map((ids, f) => h.file(`restart-${f}.csv`, csv(f, ids))));

  // The merge cannot write t while this session holds SHARE: it is caught waiting when the server stops.
  const holder = new pg.Client({ connectionString: server.url });
  holder.on('error', () => {}); // the shutdown ends this session too
  await holder.connect();
  await holder.query('BEGIN; LOCK TABLE t IN SHARE MODE');
  // Once a merge statement waits for the lock, the server stops under it and starts again.
  const restarted = (async () => {
    while (Number((await holder.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 't'::regclass`)).rows[0]?.n) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await server.restart();
  })();
  const result = await h.load({ files: paths, table: 't', mode: 'upsert', maxRetries: 0 });
  await restarted;

  expect(result.files.map((f) => f.status)).toEqual(['loaded', 'loaded', 'loaded']);
  const notices = result.events.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
  expect(notices.some((n) => /server unavailable, retrying \(attempt \d+, \d+s left\)/.test(n))).toBe(true);
  const expected = new Map<number, string>();
  fileIds.forEach((ids, f) => ids.forEach((id) => expected.set(id, `f${f}-${id}`)));
  const rows = await query<{ id: number; v: string }>('SELECT id, v FROM t ORDER BY id');
  expect(rows.length).toBe(expected.size);
  expect(rows.filter((r) => expected.get(r.id) !== r.v).slice(0, 5)).toEqual([]);
  // Nothing left behind: the staging tables were dropped after the restart.
  expect(await query(`SELECT relname FROM pg_class WHERE relname ~ '^s_[0-9a-f]{8}_'`)).toEqual([]);
}, 180_000);
