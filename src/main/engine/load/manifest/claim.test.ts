// --claim with three real processes sharing one list of files through the manifest.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { expect, test } from 'vitest';
import { useTestHarness } from '../../../../../test/load-harness.ts';
import type { LoadResult } from '../../../../shared/load-types.ts';
import { ensureManifest } from './manifest.ts';

const run = promisify(execFile);
const t = useTestHarness();

function keyload(args: string[]): Promise<{ stdout: string }> {
  return run(process.execPath, ['bin/keyload.js', 'load', '--dsn', t.db.url, '--json', ...args], { env: { PATH: process.env.PATH ?? '', KEYLOAD_HOME: t.h.dir } });
}

test('three claimers load every file exactly once, and take over a dead claimer\'s file when its lease runs out', async () => {
  // Append has no key: a file loaded twice would show up as duplicate rows.
  await t.db.query('CREATE TABLE claimed (file int, n int)');
  const files = await Promise.all(
    Array.from({ length: 9 }, (_, f) => t.h.file(`claim-${f}.csv`, `file,n\n${Array.from({ length: 2000 }, (_, n) => `${f},${n}`).join('\n')}\n`)),
  );
  // File 0 was claimed by a process that died: its lease ran out a second ago.
  const client = new pg.Client({ connectionString: t.db.url });
  await client.connect();
  await ensureManifest(client, 'keyload');
  const sha = createHash('sha256').update(await readFile(files[0] as string)).digest('hex');
  await client.query(
    `INSERT INTO keyload.keyload_manifest (sha256, target_table, path, size_bytes, mtime, status, mode, batch_rows, batches_done, parts,
       rows_read, inserted, updated, unchanged, collapsed, rejected, run_id, seconds, claimed_by, lease_until)
     VALUES ($1, 'public.claimed', $2, 0, now(), 'loading', 'append', 500, 0, 1, 0, 0, 0, 0, 0, 0, 'dead', 0, 'dead-host/1/deadbeef', now() - interval '1 second')`,
    [sha, files[0]],
  );
  await client.end();
  // A lease long enough that a live claimer on a busy machine keeps its files; file 0's ran out already.
  const args = ['--table', 'claimed', '--mode', 'append', '--claim', '--lease-seconds', '6', '--concurrency', '2', '--batch-size', '500', ...files];
  const outputs = await Promise.all([keyload(args), keyload(args), keyload(args)]);
  const results = outputs.map((o) => JSON.parse(o.stdout) as LoadResult);
  const loadedBy = files.map((file) => results.filter((r) => r.files.find((f) => f.path === file)?.status === 'loaded').length);
  expect(loadedBy).toEqual(files.map(() => 1));
  expect(results.every((r) => r.exitCode === 0)).toBe(true);
  const counts = await t.db.query<{ file: number; n: string }>('SELECT file, count(*) AS n FROM claimed GROUP BY file ORDER BY file');
  expect(counts).toEqual(files.map((_, f) => ({ file: f, n: '2000' })));
  const manifest = await t.db.query<{ status: string; claimed_by: string }>(`SELECT status, claimed_by FROM keyload.keyload_manifest WHERE sha256 = $1`, [sha]);
  expect(manifest[0]?.status).toBe('loaded');
  expect(manifest[0]?.claimed_by).not.toContain('dead-host'); // taken over by a live claimer
  expect(await t.db.query(`SELECT DISTINCT status FROM keyload.keyload_manifest WHERE target_table = 'public.claimed'`)).toEqual([{ status: 'loaded' }]);
});

test('keyed modes claim too: each file reports its own outcome, and a failed one is marked failed in the queue', async () => {
  await t.db.query('CREATE TABLE claimed_keyed (id int PRIMARY KEY, name text); INSERT INTO claimed_keyed VALUES (1, \'kept\')');
  const fresh = await t.h.file('claim-keyed-fresh.csv', 'id,name\n2,b\n3,c\n');
  const clashing = await t.h.file('claim-keyed-clash.csv', 'id,name\n1,again\n');
  const result = await t.h.load({ table: 'claimed_keyed', mode: 'insert', claim: true, files: [fresh, clashing] });
  expect(result.files.map((f) => [f.path, f.status, f.error?.code])).toEqual([
    [fresh, 'loaded', undefined],
    [clashing, 'failed', 'KEYLOAD_DUPLICATE_KEY'],
  ]);
  expect(result.exitCode).toBe(1);
  expect(await t.db.query('SELECT id, name FROM claimed_keyed ORDER BY id')).toEqual([{ id: 1, name: 'kept' }, { id: 2, name: 'b' }, { id: 3, name: 'c' }]);
  const queue = await t.db.query<{ path: string; status: string; error: string | null }>(
    `SELECT path, status, error FROM keyload.keyload_manifest WHERE target_table = 'public.claimed_keyed' ORDER BY path`,
  );
  expect(queue).toEqual([
    { path: clashing, status: 'failed', error: expect.stringContaining('already exist') },
    { path: fresh, status: 'loaded', error: null },
  ]);
});
