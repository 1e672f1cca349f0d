// Interrupted and failing loads: cancel midway then re-run, a killed connection, the manifest.
import { beforeEach, expect, test } from 'vitest';
import { useTestHarness } from '../../../../test/load-harness.ts';
import type { LoadEvent } from '../../../shared/load-types.ts';

const t = useTestHarness();
beforeEach(async () => {
  await t.db.query('DROP TABLE IF EXISTS t; DROP SCHEMA IF EXISTS keyload CASCADE');
});

function csv(rows: number, start = 0, suffix = ''): string {
  const lines = ['id,v'];
  for (let i = 0; i < rows; i++) lines.push(`${start + i},v${start + i}${suffix}`);
  return `${lines.join('\n')}\n`;
}

/** Aborts once the load has committed `batches` sub-batches of the file. */
function abortAfterMerging(controller: AbortController, batches: number, batchRows: number) {
  return (event: LoadEvent) => {
    if (event.type === 'file-progress' && event.file.stage === 'merging' && event.file.counts.inserted >= batches * batchRows) controller.abort();
  };
}

for (const mode of ['upsert', 'append'] as const) {
  test(`${mode}: a run cancelled midway and re-run ends with exactly the file's rows`, async () => {
    await t.db.query(mode === 'append' ? 'CREATE TABLE t (id bigint, v text)' : 'CREATE TABLE t (id bigint PRIMARY KEY, v text)');
    const path = await t.h.file(`resume-${mode}.csv`, csv(2000));
    const controller = new AbortController();
    const onEvent = (event: LoadEvent) => {
      if (event.type === 'file-progress' && event.file.counts.inserted >= 600) controller.abort();
    };
    const first = await t.h.load({ files: [path], table: 't', mode, batchSize: 200 }, controller.signal, mode === 'append' ? onEvent : abortAfterMerging(controller, 3, 200));
    const partial = Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM t'))[0]?.n);
    expect(first.files[0]).toMatchObject({ status: 'cancelled', committedRows: partial });
    expect(first.files[0]?.error).toBeUndefined();
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(2000);
    // Append commits whole sub-batches of the file; upsert commits sub-batches of hash partitions.
    if (mode === 'append') expect(partial % 200).toBe(0);

    const second = await t.h.load({ files: [path], table: 't', mode, batchSize: 200 });
    expect(second.files[0]?.status).toBe('loaded');
    expect(second.files[0]?.counts.inserted).toBe(2000);
    const rows = await t.db.query<{ n: string; distinct: string }>('SELECT count(*) AS n, count(DISTINCT id) AS distinct FROM t');
    expect(rows[0]).toEqual({ n: '2000', distinct: '2000' });
    const manifest = await t.db.query('SELECT status, inserted FROM keyload.keyload_manifest');
    expect(manifest).toEqual([{ status: 'loaded', inserted: '2000' }]);
    expect(await t.db.query('SELECT * FROM keyload.keyload_progress')).toEqual([]);
  });
}

test('upsert into a filled table: a cancelled run resumes in the key ranges it recorded, though the table changed meanwhile', async () => {
  await t.db.query('CREATE TABLE t (id bigint PRIMARY KEY, v text); INSERT INTO t SELECT g, $$old$$ FROM generate_series(0, 1999) g');
  const path = await t.h.file('resume-ranges.csv', csv(4000));
  const controller = new AbortController();
  const first = await t.h.load({ files: [path], table: 't', batchSize: 200 }, controller.signal, (event) => {
    if (event.type === 'file-progress' && event.file.stage === 'merging' && event.file.counts.inserted + event.file.counts.updated >= 800) controller.abort();
  });
  expect(first.files[0]?.status).toBe('cancelled');
  const recorded = await t.db.query<{ bounds: string[][] | null; parts: number }>('SELECT unit_bounds AS bounds, parts FROM keyload.keyload_manifest');
  expect(recorded[0]?.bounds?.length).toBe((recorded[0]?.parts ?? 0) - 1);
  const merged = await t.db.query<{ n: string }>('SELECT count(*) AS n FROM keyload.keyload_progress WHERE done');
  expect(Number(merged[0]?.n)).toBeGreaterThan(0);
  // Rows far above the file's keys: a fresh sample of the table would range the units differently.
  await t.db.query('INSERT INTO t SELECT g, $$other$$ FROM generate_series(100000, 160000) g');

  const second = await t.h.load({ files: [path], table: 't', batchSize: 200 });
  expect(second.files[0]?.status).toBe('loaded');
  expect(second.files[0]?.counts).toMatchObject({ inserted: 2000, updated: 2000 });
  const after = await t.db.query<{ bounds: string[][] | null }>('SELECT unit_bounds AS bounds FROM keyload.keyload_manifest');
  expect(after[0]?.bounds).toEqual(recorded[0]?.bounds);
  const rows = await t.db.query<{ n: string; fresh: string }>(`SELECT count(*) AS n, count(*) FILTER (WHERE v = 'v' || id) AS fresh FROM t WHERE id < 4000`);
  expect(rows[0]).toEqual({ n: '4000', fresh: '4000' });
});

test('a dropped connection is retried, resumes after the last committed sub-batch, and the file loads completely', async () => {
  await t.db.query('CREATE TABLE t (id bigint PRIMARY KEY, v text)');
  // The server drops the loading connection once, in the middle of the third sub-batch.
  await t.db.query(`CREATE SEQUENCE drop_once;
    CREATE FUNCTION drop_connection_once() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.id = 1200 AND nextval('drop_once') = 1 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER drop_connection BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION drop_connection_once();`);
  const path = await t.h.file('retry.csv', csv(3000));
  const result = await t.h.load({ files: [path], table: 't', batchSize: 500, maxRetries: 2 });
  const notices = result.events.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
  expect(notices.some((n) => /retry\.csv: server unavailable, retrying \(attempt 1, \d+s left\)/.test(n))).toBe(true);
  expect(result.files[0]?.status).toBe('loaded');
  expect(result.files[0]?.counts.inserted).toBe(3000);
  expect((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM t'))[0]?.n).toBe('3000');
  await t.db.query('DROP TRIGGER drop_connection ON t; DROP FUNCTION drop_connection_once(); DROP SEQUENCE drop_once');
});

test('--dry-run validates and writes nothing, not even the manifest', async () => {
  await t.db.query('CREATE TABLE t (id bigint PRIMARY KEY, v text)');
  const path = await t.h.file('dry.csv', csv(10));
  const result = await t.h.load({ files: [path], table: 't', dryRun: true });
  expect(result.files[0]?.status).toBe('planned');
  expect(await t.db.query('SELECT * FROM t')).toEqual([]);
  expect(await t.db.query(`SELECT to_regclass('keyload.keyload_manifest') AS m`)).toEqual([{ m: null }]);
});

test('progress events carry every stage, and the last one per file is done', async () => {
  await t.db.query('CREATE TABLE t (id bigint PRIMARY KEY, v text)');
  const path = await t.h.file('stages.csv', csv(100));
  const result = await t.h.load({ files: [path], table: 't' });
  const stages = result.events.flatMap((e) => (e.type === 'file-progress' ? [e.file.stage] : []));
  expect(stages).toEqual(expect.arrayContaining(['reading', 'staging', 'merging', 'done']));
  expect(stages.at(-1)).toBe('done');
  expect(result.events.at(-1)?.type).toBe('run-finished');
});

test('staging tables left by a run that died are dropped by the next run', async () => {
  await t.db.query('CREATE TABLE t (id bigint PRIMARY KEY, v text); CREATE SCHEMA IF NOT EXISTS keyload');
  await t.db.query('CREATE UNLOGGED TABLE keyload.s_deadbeef_0 (x int); CREATE UNLOGGED TABLE keyload.s_deadbeef_rejects (x int)');
  const path = await t.h.file('cleanup.csv', csv(3));
  await t.h.load({ files: [path], table: 't' });
  expect(await t.db.query(`SELECT relname FROM pg_class WHERE relname LIKE 's\\_deadbeef%'`)).toEqual([]);
});
