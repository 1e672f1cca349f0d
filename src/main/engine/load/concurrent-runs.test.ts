// Several loads into one table at the same time: separate processes, and seed 004's hot keys.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { useTestHarness } from '../../../../test/load-harness.ts';

const run = promisify(execFile);
const t = useTestHarness();

function csv(tag: string, keys: number[]): string {
  return `id,tag,n\n${keys.map((k) => `${k},${tag},${k * 7}`).join('\n')}\n`;
}

test('two keyload processes loading overlapping files at once both succeed, and the table equals one serial order', async () => {
  await t.db.query('CREATE TABLE shared (id int PRIMARY KEY, tag text, n int)');
  const keysA = Array.from({ length: 3000 }, (_, i) => i);
  const keysB = Array.from({ length: 3000 }, (_, i) => i + 1500);
  const fileA = await t.h.file('proc-a.csv', csv('A', keysA));
  const fileB = await t.h.file('proc-b.csv', csv('B', keysB));
  const keyload = (file: string) =>
    run(process.execPath, ['bin/keyload.js', 'load', '--dsn', t.db.url, '--table', 'shared', '--batch-size', '100', '--concurrency', '3', file], {
      env: { PATH: process.env.PATH ?? '', KEYLOAD_HOME: t.h.dir },
    });
  const outcomes = await Promise.allSettled([keyload(fileA), keyload(fileB)]);
  expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
  const overlap = await t.db.query<{ tag: string; n: string }>('SELECT tag, count(*) AS n FROM shared WHERE id BETWEEN 1500 AND 2999 GROUP BY tag');
  expect(overlap).toHaveLength(1); // all from A (B ran first) or all from B (A ran first), never a mix
  expect(await t.db.query<{ n: string }>('SELECT count(*) AS n FROM shared')).toEqual([{ n: '4500' }]);
});

test('seed 004: ten concurrent loads upserting the same five hot keys finish without a single error', async () => {
  await t.db.query('CREATE TABLE hot (stats_type text PRIMARY KEY, data text, fetched_at timestamptz)');
  const files = await Promise.all(
    Array.from({ length: 10 }, (_, w) =>
      t.h.file(`hot-${w}.csv`, `stats_type,data\n${['ytd', 'recent', 'monthly', 'today', 'all_time'].map((t) => `${t},worker-${w}`).join('\n')}\n`),
    ),
  );
  const results = await Promise.all(files.map((file) => t.h.load({ files: [file], table: 'hot', touchColumn: 'fetched_at', concurrency: 2 })));
  expect(results.flatMap((r) => r.files.map((f) => f.error?.message ?? f.status))).toEqual(files.map(() => 'loaded'));
  const rows = await t.db.query<{ data: string }>('SELECT DISTINCT data FROM hot');
  expect(rows).toHaveLength(1); // the five keys come from whichever load ran last: one serial order
  expect(results.reduce((n, r) => n + r.totals.inserted, 0)).toBe(5);
});

test('--conflict-policy error refuses to write when files disagree, naming the keys and files', async () => {
  await t.db.query('CREATE TABLE strict (id int PRIMARY KEY, tag text, n int)');
  const a = await t.h.file('strict-a.csv', csv('same', [1, 2, 3]));
  const b = await t.h.file('strict-b.csv', 'id,tag,n\n2,same,14\n3,other,21\n');
  const refused = await t.h.load({ files: [a, b], table: 'strict', conflictPolicy: 'error' });
  expect(refused.exitCode).toBe(1);
  expect(refused.files.map((f) => f.error?.code)).toEqual(['KEYLOAD_CONFLICT', 'KEYLOAD_CONFLICT']);
  expect(refused.files[0]?.error?.message).toContain(`(3) in ${a} vs ${b}`);
  expect(refused.files[0]?.error?.message).not.toContain('(2)');
  expect(await t.db.query('SELECT * FROM strict')).toEqual([]);
  const agreeing = await t.h.file('strict-c.csv', 'id,tag,n\n2,same,14\n');
  const loaded = await t.h.load({ files: [a, agreeing], table: 'strict', conflictPolicy: 'error' });
  expect(loaded.exitCode).toBe(0);
});

test('the result reports the pool budget and how the pool was used', async () => {
  await t.db.query('CREATE TABLE pooled (id int PRIMARY KEY, tag text, n int)');
  const files = await Promise.all([0, 1, 2].map((i) => t.h.file(`pooled-${i}.csv`, csv(`f${i}`, [i, i + 1, i + 2]))));
  const result = await t.h.load({ files, table: 'pooled', concurrency: 3, internalConcurrency: 2 });
  expect(result.concurrency).toBe(3);
  expect(result.internalConcurrency).toBe(2);
  const pool = result.pool;
  if (!pool) throw new Error('no pool metrics');
  // 3 files x 2 connections each, plus the coordinator that holds the run's locks.
  expect(pool.size).toBe(7);
  // The coordinator stays connected while the workers write: at least two connections at once.
  expect(pool.peakTotal).toBeGreaterThanOrEqual(2);
  expect(pool.peakTotal).toBeLessThanOrEqual(pool.size);
  // The series is a time line of real samples that the summary figures agree with.
  expect(pool.series.length).toBeGreaterThan(0);
  expect(pool.series.map((s) => s.atMs)).toEqual([...pool.series.map((s) => s.atMs)].sort((x, y) => x - y));
  for (const sample of pool.series) {
    expect(sample.idle).toBeLessThanOrEqual(sample.total);
    expect(sample.total).toBeLessThanOrEqual(pool.peakTotal);
    expect(sample.waiting).toBeLessThanOrEqual(pool.peakWaiting);
  }
  expect(pool.averageTotal).toBeLessThanOrEqual(pool.peakTotal);
  expect(pool.averageIdle).toBeLessThanOrEqual(pool.averageTotal);
});
