import { expect, test } from 'vitest';
import { ErrorCodes, type ErrorInfo } from '../../shared/errors.ts';
import type { LoadResult } from '../../shared/load-types.ts';
import { interruptedError, RunHistory, type RunStart } from './run-history.ts';
import { openTempDatabase, tempDatabaseFile } from './test-database.ts';

let counter = 0;

function run(overrides: Partial<RunStart> = {}): RunStart {
  counter += 1;
  const files = overrides.files ?? ['/data/orders.csv'];
  const table = overrides.table ?? 'public.orders';
  return {
    runId: `run-${counter}`,
    source: 'app',
    pid: process.pid,
    connectionId: 'conn-1',
    connectionName: 'Production',
    table,
    mode: 'upsert',
    files,
    options: { files, table, key: ['id'] },
    reportDir: `/reports/run-${counter}`,
    startedAt: '2025-03-01T10:00:00.000Z',
    ...overrides,
  };
}

function result(runId: string): LoadResult {
  const counts = { read: 10, inserted: 7, updated: 1, unchanged: 0, collapsed: 0, superseded: 0, rejected: 2 };
  return {
    runId,
    table: 'public.orders',
    mode: 'upsert',
    dryRun: false,
    createdTable: false,
    files: [
      { path: '/data/orders.csv', sha256: 'ab12', status: 'loaded', counts, rejectsFile: '/reports/x/orders.rejects.csv', seconds: 1.25 },
      { path: '/data/bad.csv', sha256: null, status: 'failed', counts: { ...counts, read: 0 }, error: { code: '22P02', message: 'bad integer', file: '/data/bad.csv', line: 3 }, seconds: 0.5 },
    ],
    totals: counts,
    seconds: 1.5,
    concurrency: 4,
    internalConcurrency: 2,
    pool: { size: 8, peakTotal: 6, peakWaiting: 1, averageTotal: 4.5, averageIdle: 1, averageWaiting: 0.1, series: [{ atMs: 0, total: 2, idle: 1, waiting: 0 }] },
    exitCode: 3,
  };
}

function history(): RunHistory {
  return new RunHistory(openTempDatabase());
}

test('a started run is listed as running, with its settings and files', () => {
  const runs = history();
  const start = run({ files: ['/data/a.csv', '/data/b.csv'] });
  runs.start(start);

  const detail = runs.get(start.runId);
  expect(detail).toMatchObject({
    runId: start.runId,
    status: 'running',
    startedAt: '2025-03-01T10:00:00.000Z',
    finishedAt: null,
    connectionId: 'conn-1',
    connectionName: 'Production',
    table: 'public.orders',
    mode: 'upsert',
    files: 2,
    totals: null,
    seconds: null,
    result: null,
    error: null,
    reportDir: start.reportDir,
  });
  // Stored validated, with the engine's defaults filled in.
  expect(detail?.options).toMatchObject({ files: ['/data/a.csv', '/data/b.csv'], table: 'public.orders', key: ['id'], mode: 'upsert', batchSize: 50_000 });
  expect(runs.list({ limit: 10, offset: 0 })).toEqual([expect.objectContaining({ runId: start.runId, status: 'running', files: 2 })]);
  expect(runs.get('unknown')).toBeNull();
});

test('a finished run keeps its whole result: per-file results and errors, timings, pool metrics, rejects', () => {
  const runs = history();
  const start = run();
  runs.start(start);
  const loaded = result(start.runId);
  runs.finish(start.runId, { status: 'loaded with rejects', result: loaded, error: null, finishedAt: '2025-03-01T10:00:02.000Z' });

  const detail = runs.get(start.runId);
  expect(detail).toMatchObject({ status: 'loaded with rejects', finishedAt: '2025-03-01T10:00:02.000Z', seconds: 1.5, totals: loaded.totals, error: null });
  expect(detail?.result).toEqual(loaded);
  expect(runs.list({ limit: 10, offset: 0 })[0]).toMatchObject({ status: 'loaded with rejects', totals: loaded.totals, seconds: 1.5 });
});

test('a run that failed without a result keeps its error and its wall time', () => {
  const runs = history();
  const start = run();
  runs.start(start);
  const error: ErrorInfo = { code: ErrorCodes.connection, message: 'connection refused' };
  runs.finish(start.runId, { status: 'failed', result: null, error, finishedAt: '2025-03-01T10:00:02.500Z' });

  const detail = runs.get(start.runId);
  expect(detail).toMatchObject({ status: 'failed', result: null, error, totals: null });
  expect(detail?.seconds).toBeCloseTo(2.5, 2);
});

test('finish refuses an unknown run, a run finished already, and the status running', () => {
  const runs = history();
  const start = run();
  runs.start(start);
  const outcome = { status: 'loaded' as const, result: null, error: null, finishedAt: '2025-03-01T10:00:01.000Z' };
  expect(() => runs.finish('unknown', outcome)).toThrow(/not running/);
  expect(() => runs.finish(start.runId, { ...outcome, status: 'running' })).toThrow(/cannot finish/);
  runs.finish(start.runId, outcome);
  expect(() => runs.finish(start.runId, { ...outcome, status: 'failed' })).toThrow(/not running/);
  expect(runs.get(start.runId)?.status).toBe('loaded');
});

test('timestamps are stored in UTC, so that newest first is by time whatever the offset given', () => {
  const runs = history();
  const early = run({ startedAt: '2025-03-01T11:30:00+02:00' }); // 09:30 UTC
  const late = run({ startedAt: '2025-03-01T10:00:00Z' });
  runs.start(late);
  runs.start(early);
  expect(runs.get(early.runId)?.startedAt).toBe('2025-03-01T09:30:00.000Z');
  expect(runs.list({ limit: 10, offset: 0 }).map((r) => r.runId)).toEqual([late.runId, early.runId]);
  expect(() => runs.start(run({ startedAt: 'yesterday' }))).toThrow(/Not a timestamp/);
});

test('newest first, ties by the order started, with limit and offset', () => {
  const runs = history();
  const a = run({ startedAt: '2025-01-01T00:00:00Z' });
  const b = run({ startedAt: '2025-03-01T00:00:00Z' });
  const c = run({ startedAt: '2025-02-01T00:00:00Z' });
  const d = run({ startedAt: '2025-03-01T00:00:00Z' });
  for (const r of [a, b, c, d]) runs.start(r);
  const ids = (limit: number, offset: number) => runs.list({ limit, offset }).map((r) => r.runId);
  expect(ids(10, 0)).toEqual([d.runId, b.runId, c.runId, a.runId]);
  expect(ids(2, 0)).toEqual([d.runId, b.runId]);
  expect(ids(2, 2)).toEqual([c.runId, a.runId]);
  expect(ids(2, 4)).toEqual([]);
});

test('search matches table, connection name, any file path and status, ignoring case', () => {
  const runs = history();
  const orders = run({ table: 'public.Orders', files: ['/in/2025/jan.csv', '/in/2025/feb.csv'] });
  const customers = run({ table: 'crm.customers', connectionName: 'Staging', files: ['/in/Übersicht.parquet'] });
  runs.start(orders);
  runs.start(customers);
  runs.finish(customers.runId, { status: 'cancelled', result: null, error: null, finishedAt: '2025-03-01T10:00:01Z' });
  const search = (text: string) =>
    runs
      .list({ search: text, limit: 10, offset: 0 })
      .map((r) => r.runId)
      .sort();

  expect(search('ORDERS')).toEqual([orders.runId]);
  expect(search('staging')).toEqual([customers.runId]);
  expect(search('FEB.CSV')).toEqual([orders.runId]);
  expect(search('übersicht')).toEqual([customers.runId]);
  expect(search('Cancel')).toEqual([customers.runId]);
  expect(search('running')).toEqual([orders.runId]);
  expect(search('/in/')).toEqual([customers.runId, orders.runId].sort());
  expect(search('  ')).toEqual([customers.runId, orders.runId].sort());
  expect(search('nothing like it')).toEqual([]);
});

test('search treats %, _ and \\ literally', () => {
  const runs = history();
  const plain = run({ table: 'public.orders', files: ['/in/orders.csv'] });
  const percent = run({ table: 'public.orders', files: ['/in/100%.csv'] });
  const underscore = run({ table: 'public.order_items', files: ['/in/items.csv'] });
  const backslash = run({ table: 'public.orders', files: ['C:\\in\\x.csv'] });
  for (const r of [plain, percent, underscore, backslash]) runs.start(r);
  const search = (text: string) => runs.list({ search: text, limit: 10, offset: 0 }).map((r) => r.runId);

  expect(search('%')).toEqual([percent.runId]);
  expect(search('0%.')).toEqual([percent.runId]);
  expect(search('_')).toEqual([underscore.runId]);
  expect(search('r_i')).toEqual([underscore.runId]);
  expect(search('\\in\\')).toEqual([backslash.runId]);
});

test('markInterrupted fails the runs whose process is gone, with a clear error, and leaves live ones running', () => {
  const file = tempDatabaseFile();
  const before = new RunHistory(openTempDatabase(file));
  const crashed = run({ pid: 41 });
  const cliRunning = run({ source: 'cli', pid: 42 });
  const done = run({ pid: 41 });
  before.start(crashed);
  before.start(cliRunning);
  before.start(done);
  before.finish(done.runId, { status: 'loaded', result: null, error: null, finishedAt: '2025-03-01T10:00:01Z' });
  // Process 41 dies here: no finish for `crashed`. Process 42 (a CLI load) is still going.

  const after = new RunHistory(openTempDatabase(file));
  const alive = (pid: number) => pid === 42;
  expect(after.markInterrupted(alive)).toBe(1);
  expect(after.get(crashed.runId)).toMatchObject({ status: 'failed', error: interruptedError, finishedAt: null, seconds: null });
  expect(after.get(cliRunning.runId)).toMatchObject({ status: 'running', source: 'cli' });
  expect(after.get(done.runId)).toMatchObject({ status: 'loaded', error: null });
  expect(after.list({ search: 'failed', limit: 10, offset: 0 }).map((r) => r.runId)).toEqual([crashed.runId]);
  expect(after.markInterrupted(alive)).toBe(0);
  // The CLI load can still record its end.
  after.finish(cliRunning.runId, { status: 'loaded', result: null, error: null, finishedAt: '2025-03-01T10:00:03Z' });
  expect(after.get(cliRunning.runId)?.status).toBe('loaded');
});

test('by default a run of this very process counts as alive', () => {
  const runs = history();
  const mine = run();
  runs.start(mine);
  expect(runs.markInterrupted()).toBe(0);
  expect(runs.get(mine.runId)?.status).toBe('running');
});

test('a run can finish partly loaded, and the status is searchable', () => {
  const runs = history();
  const start = run();
  runs.start(start);
  runs.finish(start.runId, { status: 'partly loaded', result: result(start.runId), error: null, finishedAt: '2025-03-01T10:00:02Z' });
  expect(runs.get(start.runId)?.status).toBe('partly loaded');
  expect(runs.list({ search: 'partly', limit: 10, offset: 0 }).map((r) => r.runId)).toEqual([start.runId]);
});

test('resolve finds a run by "last", by its id or by a unique prefix, and says when a prefix is ambiguous', () => {
  const runs = history();
  const older = run({ runId: 'ab12-older', startedAt: '2025-03-01T10:00:00.000Z' });
  const newer = run({ runId: 'ab34-newer', startedAt: '2025-03-02T10:00:00.000Z' });
  expect(() => runs.resolve('last')).toThrow(/no run in the history yet/);
  runs.start(older);
  runs.start(newer);
  expect(runs.resolve('last').runId).toBe(newer.runId);
  expect(runs.resolve('ab12').runId).toBe(older.runId);
  expect(runs.resolve(newer.runId).runId).toBe(newer.runId);
  expect(() => runs.resolve('ab')).toThrow(/start of several run ids/);
  expect(() => runs.resolve('zz')).toThrow(/There is no run zz/);
  // A prefix is text, not a pattern.
  expect(() => runs.resolve('a%')).toThrow(/There is no run a%/);
});
