// No trace of a dead run: a keyload process killed mid-staging leaves staging tables and a
// "loading" manifest row; `keyload clean` drops the tables (saying how much it freed) and a plain
// re-run drops them too and finishes the file. A live run's tables are never touched, and a run
// that ends (here: cancelled) drops its own.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import pg from 'pg';
import { beforeEach, expect, test } from 'vitest';
import { useTestHarness } from '../../../../../test/load-harness.ts';
import type { CleanReport } from './clean.ts';

const run = promisify(execFile);
const t = useTestHarness();
const env = () => ({ PATH: process.env.PATH ?? '', KEYLOAD_HOME: t.h.dir });
const ROWS = 400_000;

beforeEach(async () => {
  await t.db.query('DROP TABLE IF EXISTS big; DROP SCHEMA IF EXISTS keyload CASCADE; CREATE TABLE big (id int PRIMARY KEY, v text)');
});

const stagingTables = async () => (await t.db.query<{ relname: string }>(`SELECT relname FROM pg_class WHERE relname ~ '^s_[0-9a-f]{8}_' ORDER BY 1`)).map((r) => r.relname);

async function bigFile(name: string): Promise<string> {
  return t.h.file(name, `id,v\n${Array.from({ length: ROWS }, (_, i) => `${i},value ${i}`).join('\n')}\n`);
}

/** Starts a keyed load in a real process and SIGKILLs it once its staging tables hold rows. */
async function killMidStaging(path: string): Promise<void> {
  const child = spawn(process.execPath, ['bin/keyload.js', 'load', '--dsn', t.db.url, '--table', 'big', '--batch-size', '20000', path], { env: env(), stdio: 'ignore' });
  const exited = once(child, 'exit');
  try {
    for (;;) {
      const rows = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_class WHERE relname ~ '^s_[0-9a-f]{8}_' AND relkind = 'r' AND pg_relation_size(oid) > 0`);
      if ((rows[0]?.n ?? 0) > 0) break;
      if (child.exitCode !== null) throw new Error('the load ended before it staged anything');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

function keyload(args: string[]) {
  return run(process.execPath, ['bin/keyload.js', ...args, '--dsn', t.db.url], { env: env() });
}

test('after SIGKILL mid-staging, keyload clean lists (--dry-run) then drops the dead run\'s staging tables, and a re-run loads the file', async () => {
  const path = await bigFile('killed-clean.csv');
  await killMidStaging(path);
  const left = await stagingTables();
  expect(left.length).toBeGreaterThan(0);

  const dry = JSON.parse((await keyload(['clean', '--dry-run', '--json'])).stdout) as CleanReport;
  // Partitions and the row-numbering sequences go with their tables. Anchored on the tag: a tag
  // can be all decimal digits, and then an unanchored "_<digits>_<digits>" matches the parent too.
  expect(dry.dead.flatMap((g) => g.tables).sort()).toEqual(left.filter((n) => !/^s_[0-9a-f]{8}_\d+_(\d+|null|ord|line)$/.test(n)).sort());
  expect(dry.dead.reduce((n, g) => n + g.bytes, 0)).toBeGreaterThan(0);
  expect(await stagingTables()).toEqual(left);

  const cleaned = await keyload(['clean', '--json']);
  expect(cleaned.stderr).toMatch(/Freed \d+(\.\d)? [KMG]?B \(\d+ staging tables? of 1 dead run\)/);
  expect(await stagingTables()).toEqual([]);

  const again = await run(process.execPath, ['bin/keyload.js', 'load', '--dsn', t.db.url, '--table', 'big', '--json', path], { env: env() });
  expect(JSON.parse(again.stdout).files[0].status).toBe('loaded');
  expect(await t.db.query('SELECT count(*)::int AS n FROM big')).toEqual([{ n: ROWS }]);
  expect(await t.db.query('SELECT status FROM keyload.keyload_manifest')).toEqual([{ status: 'loaded' }]);
  expect(await stagingTables()).toEqual([]);
}, 240_000); // a hang guard: real processes load 400,000 rows on a machine of two cores

test('after SIGKILL mid-staging, a plain re-run leaves no staging table and no file stuck loading', async () => {
  const path = await bigFile('killed-rerun.csv');
  await killMidStaging(path);
  expect((await stagingTables()).length).toBeGreaterThan(0);
  const again = await run(process.execPath, ['bin/keyload.js', 'load', '--dsn', t.db.url, '--table', 'big', '--json', path], { env: env() });
  expect(JSON.parse(again.stdout).files[0].status).toBe('loaded');
  expect(await stagingTables()).toEqual([]);
  expect(await t.db.query(`SELECT count(*)::int AS n FROM keyload.keyload_manifest WHERE status <> 'loaded'`)).toEqual([{ n: 0 }]);
  expect(await t.db.query('SELECT count(*)::int AS n FROM big')).toEqual([{ n: ROWS }]);
}, 240_000);

test('a re-run with every file already loaded still drops what a dead run left', async () => {
  // A run killed after its manifest commit and before its drops leaves tables and every file loaded.
  const path = await t.h.file('loaded.csv', 'id,v\n1,a\n2,b\n');
  await run(process.execPath, ['bin/keyload.js', 'load', '--dsn', t.db.url, '--table', 'big', path], { env: env() });
  await t.db.query('CREATE UNLOGGED TABLE keyload.s_0badf00d_c3 (id int)');
  const again = await run(process.execPath, ['bin/keyload.js', 'load', '--dsn', t.db.url, '--table', 'big', '--json', path], { env: env() });
  expect(JSON.parse(again.stdout).files[0]).toMatchObject({ status: 'skipped' });
  expect(await stagingTables()).toEqual([]);
});

test('keyload clean leaves a live run\'s staging tables alone and reports files dead runs left partly loaded', async () => {
  const live = new pg.Client({ connectionString: t.db.url });
  await live.connect();
  try {
    // What a live run holds for its whole life (runtime/run-locks.ts: class "KLR1", the run tag).
    await live.query('SELECT pg_advisory_lock($1, hashtext($2))', [0x4b4c5231, '0a1b2c3d']);
    const path = await t.h.file('partly.csv', 'id,v\n1,a\n');
    await t.h.load({ files: [path], table: 'big' });
    await t.db.query(`UPDATE keyload.keyload_manifest SET status = 'loading', inserted = 1, run_id = 'deadbeef-0000'`);
    await t.db.query('CREATE UNLOGGED TABLE keyload.s_0a1b2c3d_0 (x int); CREATE UNLOGGED TABLE keyload.s_deadbeef_0 (x int)');
    const cleaned = await keyload(['clean', '--json']);
    const report = JSON.parse(cleaned.stdout) as CleanReport;
    expect(report.dead.map((g) => g.tag)).toEqual(['deadbeef']);
    expect(report.live.map((g) => g.tag)).toEqual(['0a1b2c3d']);
    expect(report.interrupted).toEqual([{ path, targetTable: 'public.big', runId: 'deadbeef-0000', committedRows: 1 }]);
    expect(cleaned.stderr).toContain('run 0a1b2c3d is running: left its 1 staging table');
    expect(cleaned.stderr).toContain(`${path}: partly loaded into public.big (1 rows committed) by a run that ended; a re-run resumes it`);
    expect(await stagingTables()).toEqual(['s_0a1b2c3d_0']);
  } finally {
    await live.end();
  }
});

test('a cancelled keyed run drops its own staging tables before it ends', async () => {
  const path = await bigFile('cancelled.csv');
  const controller = new AbortController();
  const result = await t.h.load({ files: [path], table: 'big', batchSize: 20_000 }, controller.signal, (event) => {
    if (event.type === 'file-progress' && event.file.stage === 'staging' && event.file.counts.read > 0) controller.abort();
  });
  expect(result.files[0]?.status).toBe('cancelled');
  expect(await stagingTables()).toEqual([]);
});

test('a run over many files drops every file\'s staging tables, however many a statement drops at once', async () => {
  // 12 files of 8 partitions each: more files than one DROP statement takes (stage.ts, DROP_BATCH);
  // the end-of-run sweep (dropRunStaging) would also catch what the batches missed.
  const files = await Promise.all(Array.from({ length: 12 }, (_, f) => t.h.file(`many-${f}.csv`, `id,v\n${Array.from({ length: 50 }, (_, i) => `${f * 25 + i},f${f}`).join('\n')}\n`)));
  const result = await t.h.load({ files, table: 'big', concurrency: 4, internalConcurrency: 2 });
  expect(result.files.every((f) => f.status === 'loaded')).toBe(true);
  expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM big'))[0]?.n).toBe(11 * 25 + 50);
  expect(await stagingTables()).toEqual([]);
});
