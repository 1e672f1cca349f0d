// @vitest-environment happy-dom
import { describe, expect, onTestFinished, test } from 'vitest';
import { runOptionsSchema, type ActiveRun, type RunDetail } from '../../../shared/ipc/contract.ts';
import type { FileProgress, LoadResult } from '../../../shared/load-types.ts';
import { createFakeApi, type Handlers } from '../../test/fake-api.ts';
import { counts } from '../../test/fixtures.ts';
import { RunStore } from './run-store.ts';

function progress(path: string, values: Partial<FileProgress>): FileProgress {
  return { path, stage: 'reading', bytesRead: 0, totalBytes: 1000, counts: counts({}), rowsPerSecond: 0, etaSeconds: null, stagedRows: 0, mergedRows: 0, ...values };
}

function setup(handlers: Handlers = {}) {
  const frames: (() => void)[] = [];
  let now = 0;
  const store = new RunStore({ schedule: (flush) => frames.push(flush), now: () => now, syncMs: 60_000 });
  const fake = createFakeApi(handlers);
  onTestFinished(store.connect(fake.api));
  let notified = 0;
  store.subscribe(() => (notified += 1));
  return {
    store,
    fake,
    notified: () => notified,
    advance: (seconds: number) => (now += seconds * 1000),
    frame: () => frames.splice(0).forEach((flush) => flush()),
  };
}

describe('RunStore', () => {
  test('keeps events that arrive before the run is tracked, and tells listeners once per frame', () => {
    const { store, fake, notified, advance, frame } = setup();
    fake.emit('run.event', { runId: 'r', event: { type: 'run-started', runId: 'r', files: ['/a', '/b'], table: 't', settings: { key: ['id'], conflictPolicy: 'last', order: 'given' } } });
    advance(2);
    fake.emit('run.event', { runId: 'r', event: { type: 'file-progress', file: progress('/a', { bytesRead: 400, counts: counts({ read: 40 }) }) } });
    fake.emit('run.event', { runId: 'r', event: { type: 'file-progress', file: progress('/b', { bytesRead: 100, counts: counts({ read: 10, rejected: 1 }) }) } });
    store.track('r', ['/a', '/b']);
    expect(notified()).toBe(0);

    frame();

    expect(notified()).toBe(1);
    const run = store.getActive();
    expect(run?.files).toEqual(['/a', '/b']);
    // 500 of 2000 bytes in 2 s: 1500 bytes left at 250 bytes/s.
    expect(run?.totals).toEqual({ bytesRead: 500, totalBytes: 2000, counts: counts({ read: 50, rejected: 1 }), finishedFiles: 0, etaSeconds: 6 });
    expect(store.getFile('r', '/a')?.bytesRead).toBe(400);
  });

  test('lock waits show while they last and go once the run reports none', () => {
    const { store, fake, frame } = setup();
    store.track('r', ['/a']);
    const wait = { relation: 'public.t', holderPid: 42, holderApplication: 'psql', holderState: 'idle in transaction', holderSince: '2026-01-01T10:00:00.000Z' };
    fake.emit('run.event', { runId: 'r', event: { type: 'lock-wait', waits: [wait] } });
    frame();
    expect(store.getActive()?.lockWaits).toEqual([wait]);
    fake.emit('run.event', { runId: 'r', event: { type: 'lock-wait', waits: [] } });
    frame();
    expect(store.getActive()?.lockWaits).toEqual([]);
  });

  test('a file row’s snapshot changes only with that file’s progress', () => {
    const { store, fake, frame } = setup();
    store.track('r', ['/a', '/b']);
    fake.emit('run.event', { runId: 'r', event: { type: 'file-progress', file: progress('/a', { bytesRead: 1 }) } });
    const before = store.getFile('r', '/a');
    fake.emit('run.event', { runId: 'r', event: { type: 'file-progress', file: progress('/b', { bytesRead: 1 }) } });
    frame();
    expect(store.getFile('r', '/a')).toBe(before);
  });

  test('ends with the result and the final status, without an ETA', () => {
    const { store, fake, frame } = setup();
    store.track('r', ['/a']);
    fake.emit('run.event', { runId: 'r', event: { type: 'file-progress', file: progress('/a', { stage: 'done', bytesRead: 1000 }) } });
    fake.emit('run.finished', { runId: 'r', status: 'cancelled' });
    frame();
    expect(store.getActive()?.status).toBe('cancelled');
    expect(store.getActive()?.totals).toMatchObject({ finishedFiles: 1, etaSeconds: null });
  });
});

function activeRun(runId: string, files: FileProgress[], notices: string[] = []): ActiveRun {
  const paths = files.map((file) => file.path);
  return { runId, startedAt: new Date(0).toISOString(), connectionId: 'local', connectionName: 'Local database', table: 't', options: runOptionsSchema.parse({ files: paths, table: 't' }), files, notices };
}

function loadResult(runId: string, status: 'loaded' | 'cancelled'): LoadResult {
  return {
    runId,
    table: 't',
    mode: 'upsert',
    dryRun: false,
    createdTable: false,
    files: [{ path: '/a', sha256: null, status, counts: counts({ read: 5 }), seconds: 1 }],
    totals: counts({ read: 5 }),
    seconds: 1,
    concurrency: 1,
    internalConcurrency: 1,
    pool: null,
    exitCode: 0,
  };
}

function detailOf(result: LoadResult, status: RunDetail['status']): RunDetail {
  return {
    runId: result.runId,
    startedAt: new Date(0).toISOString(),
    finishedAt: new Date(1000).toISOString(),
    status,
    source: 'app',
    undoneAt: null,
    connectionName: 'Local database',
    connectionId: 'local',
    table: 't',
    mode: 'upsert',
    files: 1,
    totals: result.totals,
    seconds: 1,
    options: runOptionsSchema.parse({ files: ['/a'], table: 't' }),
    result,
    error: null,
    reportDir: '/runs/r',
  };
}

describe('RunStore re-attaching to the runs of the main side', () => {
  test('on connecting, shows the active run with every file’s progress and the notices', async () => {
    const snapshot = activeRun('r', [progress('/a', { stage: 'merging', bytesRead: 1000, stagedRows: 30, mergedRows: 12 }), progress('/b', { stage: 'queued' })], ['Table t will be created']);
    const { store, fake, frame } = setup({ 'runs.active': async () => [snapshot] });
    await store.sync();
    frame();

    const run = store.getActive();
    expect(run).toMatchObject({ runId: 'r', status: 'running', files: ['/a', '/b'], notices: ['Table t will be created'] });
    expect(store.getFile('r', '/a')).toMatchObject({ stage: 'merging', mergedRows: 12 });
    expect(run?.totals).toMatchObject({ bytesRead: 1000, totalBytes: 2000, finishedFiles: 0 });

    // Live events go on from there.
    fake.emit('run.event', { runId: 'r', event: { type: 'file-progress', file: progress('/b', { stage: 'reading', bytesRead: 300 }) } });
    frame();
    expect(store.getActive()?.totals.bytesRead).toBe(1300);
  });

  test('a snapshot never takes a file back behind a live event already seen', async () => {
    let answer: ActiveRun[] = [];
    const { store, fake, frame } = setup({ 'runs.active': async () => answer });
    fake.emit('run.event', { runId: 'r', event: { type: 'file-progress', file: progress('/a', { stage: 'merging', bytesRead: 1000 }) } });
    answer = [activeRun('r', [progress('/a', { stage: 'reading', bytesRead: 600 })])];
    await store.sync();
    frame();
    expect(store.getFile('r', '/a')).toMatchObject({ stage: 'merging', bytesRead: 1000 });
  });

  test('a run that ended unseen (its events were missed) takes its status and result from history', async () => {
    let answer = [activeRun('r', [progress('/a', { stage: 'reading', bytesRead: 10 })])];
    const detail = detailOf(loadResult('r', 'cancelled'), 'cancelled');
    const { store, fake, frame } = setup({ 'runs.active': async () => answer, 'runs.get': async () => detail });
    await store.sync();
    frame();
    expect(store.getActive()?.status).toBe('running');

    answer = [];
    await store.sync();
    await new Promise((resolve) => setTimeout(resolve, 0));
    frame();
    expect(fake.calls('runs.get')).toEqual([{ runId: 'r' }]);
    expect(store.getActive()).toMatchObject({ status: 'cancelled', result: detail.result });
  });

  test('a run this window just started is not judged gone by a sync that began before it', async () => {
    let release: (runs: ActiveRun[]) => void = () => {};
    const { store, fake } = setup({ 'runs.active': () => new Promise<ActiveRun[]>((resolve) => (release = resolve)), 'runs.get': async () => null });
    const pending = store.sync();
    store.track('new', ['/a']);
    release([]);
    await pending;
    expect(fake.calls('runs.get')).toEqual([]);
    expect(store.getActive()?.status).toBe('running');
  });

  test('run.finished without the engine’s result reads the summary from history', async () => {
    const result = loadResult('r', 'loaded');
    const { store, fake, frame } = setup({ 'runs.get': async () => detailOf(result, 'loaded') });
    store.track('r', ['/a']);
    fake.emit('run.finished', { runId: 'r', status: 'loaded' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    frame();
    expect(store.getActive()).toMatchObject({ status: 'loaded', result });
  });
});

describe('RunStore totals', () => {
  test('once every byte is read, the ETA is the slowest merge, never zero while merges go on', () => {
    const { store, fake, frame } = setup();
    store.track('r', ['/a', '/b']);
    fake.emit('run.event', { runId: 'r', event: { type: 'file-progress', file: progress('/a', { stage: 'merging', bytesRead: 1000, stagedRows: 100, mergedRows: 40, etaSeconds: 9 }) } });
    fake.emit('run.event', { runId: 'r', event: { type: 'file-progress', file: progress('/b', { stage: 'merging', bytesRead: 1000, stagedRows: 100, mergedRows: 90, etaSeconds: 2 }) } });
    frame();
    expect(store.getActive()?.totals.etaSeconds).toBe(9);
    fake.emit('run.event', { runId: 'r', event: { type: 'file-progress', file: progress('/b', { stage: 'merging', bytesRead: 1000, stagedRows: 0, mergedRows: 0, etaSeconds: 0 }) } });
    frame();
    expect(store.getActive()?.totals.etaSeconds).toBeNull();
  });

  test('a cancelled run keeps the bytes it got through', () => {
    const { store, fake, frame } = setup();
    store.track('r', ['/a']);
    fake.emit('run.event', { runId: 'r', event: { type: 'file-progress', file: progress('/a', { stage: 'cancelled', bytesRead: 250 }) } });
    fake.emit('run.finished', { runId: 'r', status: 'cancelled' });
    frame();
    expect(store.getActive()?.totals).toMatchObject({ bytesRead: 250, totalBytes: 1000, finishedFiles: 1, etaSeconds: null });
  });
});
