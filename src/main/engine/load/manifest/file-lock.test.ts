// Runs racing on the same file without --claim load it once: real keyload processes started
// together on one file, in append mode (a second load would duplicate every row) and in insert
// mode (a second load would fail on the keys the first wrote).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { useTestHarness } from '../../../../../test/load-harness.ts';
import type { LoadResult } from '../../../../shared/load-types.ts';
import { LOADED_MEANWHILE } from './file-lock.ts';

const run = promisify(execFile);
const t = useTestHarness();
const PROCESSES = 4;

function keyload(args: string[]): Promise<LoadResult> {
  return run(process.execPath, ['bin/keyload.js', 'load', '--dsn', t.db.url, '--json', ...args], { env: { PATH: process.env.PATH ?? '', KEYLOAD_HOME: t.h.dir } }).then(
    (out) => JSON.parse(out.stdout) as LoadResult,
  );
}

test(`${PROCESSES} processes appending the same file at once load it once; the others skip it`, async () => {
  await t.db.query('CREATE TABLE raced (id int, v text)');
  const path = await t.h.file('raced.csv', `id,v\n${Array.from({ length: 20_000 }, (_, i) => `${i},v${i}`).join('\n')}\n`);
  const results = await Promise.all(Array.from({ length: PROCESSES }, () => keyload(['--table', 'raced', '--mode', 'append', '--batch-size', '2000', path])));
  expect(results.map((r) => r.exitCode)).toEqual(results.map(() => 0));
  const statuses = results.map((r) => r.files[0]?.status).sort();
  expect(statuses.filter((s) => s === 'loaded')).toHaveLength(1);
  for (const r of results) if (r.files[0]?.status === 'skipped') expect(r.files[0]?.skipReason).toMatch(/^already loaded/);
  expect(await t.db.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM raced')).toEqual([{ n: 20_000, ids: 20_000 }]);
}, 240_000); // a hang guard: several processes start on a machine of two cores

test('two files of one run with the same content append once', async () => {
  await t.db.query('CREATE TABLE twins (id int, v text)');
  const content = `id,v\n${Array.from({ length: 3000 }, (_, i) => `${i},v${i}`).join('\n')}\n`;
  const files = [await t.h.file('twin-a.csv', content), await t.h.file('twin-b.csv', content)];
  const result = await t.h.load({ files, table: 'twins', mode: 'append', concurrency: 2, batchSize: 500 });
  expect(result.files.map((f) => f.status).sort()).toEqual(['loaded', 'skipped']);
  expect(result.files.find((f) => f.status === 'skipped')?.skipReason).toBe(LOADED_MEANWHILE);
  expect(await t.db.query('SELECT count(*)::int AS n FROM twins')).toEqual([{ n: 3000 }]);
});

test('processes inserting the same file at once: one loads it, the others find it loaded instead of failing on its keys', async () => {
  await t.db.query('CREATE TABLE raced_keys (id int PRIMARY KEY, v text)');
  const path = await t.h.file('raced-keys.csv', `id,v\n${Array.from({ length: 5000 }, (_, i) => `${i},v${i}`).join('\n')}\n`);
  const results = await Promise.all(Array.from({ length: 3 }, () => keyload(['--table', 'raced_keys', '--mode', 'insert', path])));
  expect(results.map((r) => r.files[0]?.error?.message ?? r.files[0]?.status).sort()).toEqual(['loaded', 'skipped', 'skipped']);
  expect(await t.db.query('SELECT count(*)::int AS n FROM raced_keys')).toEqual([{ n: 5000 }]);
}, 240_000);
