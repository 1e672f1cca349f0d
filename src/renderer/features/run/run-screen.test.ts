// @vitest-environment happy-dom
import '../../vitest.setup.ts';
import { act, screen, waitFor, within } from '@testing-library/react';
import { createElement } from 'react';
import { describe, expect, test } from 'vitest';
import { ErrorCodes } from '../../../shared/errors.ts';
import { runOptionsSchema, type ActiveRun, type RunDetail } from '../../../shared/ipc/contract.ts';
import type { FileProgress, FileResult, LoadResult } from '../../../shared/load-types.ts';
import { initialDraft } from '../../draft/draft-state.ts';
import { createFakeApi } from '../../test/fake-api.ts';
import { connection, counts, inspection } from '../../test/fixtures.ts';
import { renderScreen } from '../../test/render.tsx';
import { RunScreen } from './run-screen.tsx';

const paths = ['/data/a.csv', '/data/b.csv'];
const draft = {
  files: paths.map((path) => inspection(path, { id: 'integer' })),
  target: { ...initialDraft.target, table: 'public.orders', map: { notes: null } },
};

function runApi(more: Parameters<typeof createFakeApi>[0] = {}) {
  return createFakeApi({
    ...more,
    'connections.list': async () => [connection()],
    'connections.test': async () => ({ serverVersion: '17.2', freeConnections: 40, recommended: { concurrency: 6, internalConcurrency: 3 } }),
    'tables.describe': async () => ({ schema: 'public', name: 'orders', columns: [{ name: 'id', type: 'integer', notNull: true, hasDefault: false, generated: false }], uniqueKeys: [{ name: 'orders_pkey', columns: ['id'], primary: true }] }),
    'mapping.suggest': async ({ files }) => files.map((path) => ({ path, mapped: [{ source: 'id', target: 'id', how: 'exact' as const }], skipped: [], warnings: [], error: null })),
    'runs.start': async () => ({ runId: 'run-1' }),
    'runs.cancel': async () => undefined,
  });
}

function progress(path: string, values: Partial<FileProgress>): FileProgress {
  return { path, stage: 'queued', bytesRead: 0, totalBytes: 1000, counts: counts({}), rowsPerSecond: 0, etaSeconds: null, stagedRows: 0, mergedRows: 0, ...values };
}

function chip(item: HTMLElement): { text: string; tone: string } {
  const found = item.querySelector('.chip');
  return { text: found?.textContent ?? '', tone: [...(found?.classList ?? [])].find((name) => name !== 'chip') ?? '' };
}

function numbers(item: HTMLElement): string {
  return item.querySelector('.progress-numbers')?.textContent ?? '';
}

function fileItem(name: string): HTMLElement {
  const list = screen.getByRole('list', { name: 'File progress' });
  const item = within(list)
    .getAllByRole('listitem')
    .find((candidate) => within(candidate).queryByText(name));
  if (!item) throw new Error(`no progress item for ${name}`);
  return item;
}

describe('Run screen', () => {
  test('starts with the options of the draft, shows live progress, and summarises the result', async () => {
    const fake = runApi();
    const { user } = renderScreen(createElement(RunScreen), { api: fake.api, draft });

    await user.click(await screen.findByRole('button', { name: 'Use recommended' }));
    expect(screen.getByText(/Recommended for this server: concurrency 6, internal concurrency 3/)).toBeTruthy();
    const concurrency = screen.getByRole('spinbutton', { name: 'Concurrency (files at once)' });
    await user.clear(concurrency);
    await user.type(concurrency, '8');
    await user.click(screen.getByRole('button', { name: 'Start' }));

    expect(fake.calls('runs.start')).toEqual([
      {
        connectionId: 'local',
        options: {
          files: paths,
          table: 'public.orders',
          mode: 'upsert',
          map: { notes: null },
          createTable: false,
          concurrency: 8,
          internalConcurrency: 3,
          conflictPolicy: 'last',
        },
      },
    ]);

    act(() => {
      fake.emit('run.event', { runId: 'run-1', event: { type: 'run-started', runId: 'run-1', files: paths, table: 'public.orders', settings: { key: ['id'], conflictPolicy: 'last', order: 'given' } } });
      fake.emit('run.event', {
        runId: 'run-1',
        event: { type: 'file-progress', file: progress(paths[0] ?? '', { stage: 'reading', bytesRead: 500, counts: counts({ read: 1200 }), rowsPerSecond: 600, etaSeconds: 2 }) },
      });
      fake.emit('run.pool', { runId: 'run-1', sample: { atMs: 100, total: 4, idle: 1, waiting: 0 } });
    });

    expect(await screen.findByText('Connections: 3 in use, 1 idle, 0 waiting')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Running');
    const a = fileItem('a.csv');
    expect(chip(a)).toEqual({ text: 'reading', tone: 'chip-info' });
    expect(within(a).getByRole('progressbar', { name: 'Progress of a.csv' }).getAttribute('value')).toBe('0.5');
    expect(numbers(a)).toBe('1,200 rows · 600 rows/s · 2.0 s left');
    expect(chip(fileItem('b.csv')).text).toBe('queued');

    const result: LoadResult = {
      runId: 'run-1',
      table: 'public.orders',
      mode: 'upsert',
      dryRun: false,
      createdTable: false,
      files: [
        { path: paths[0] ?? '', sha256: null, status: 'loaded', counts: counts({ read: 2000, inserted: 2000 }), seconds: 1.5 },
        { path: paths[1] ?? '', sha256: null, status: 'loaded', counts: counts({ read: 10, inserted: 7, rejected: 3 }), rejectsFile: '/runs/run-1/b.rejects.csv', seconds: 0.4 },
      ],
      totals: counts({ read: 2010, inserted: 2007, rejected: 3 }),
      seconds: 2.1,
      concurrency: 8,
      internalConcurrency: 3,
      pool: null,
      exitCode: 3,
    };
    act(() => {
      for (const path of paths) fake.emit('run.event', { runId: 'run-1', event: { type: 'file-progress', file: progress(path, { stage: 'done', bytesRead: 1000 }) } });
      fake.emit('run.event', { runId: 'run-1', event: { type: 'run-finished', result } });
      fake.emit('run.finished', { runId: 'run-1', status: 'loaded with rejects' });
    });

    expect(await screen.findByText('Loaded, with rejected rows')).toBeTruthy();
    expect(chip(fileItem('b.csv'))).toEqual({ text: 'loaded', tone: 'chip-success' });
    expect(numbers(fileItem('b.csv'))).toBe('10 read · 7 inserted · 0 updated · 0 unchanged · 0 duplicates · 3 rejected');
    expect(screen.getByText(/^2 files into public\.orders/)).toBeTruthy();
    expect(screen.queryByText(/Connections:/)).toBeNull();
    const totals = screen.getByLabelText('Total rows');
    expect(within(totals).getByText('2,007')).toBeTruthy();
    expect(within(screen.getByRole('list', { name: 'Rejects files' })).getByText('/runs/run-1/b.rejects.csv')).toBeTruthy();
    expect(screen.getByRole('table', { name: 'Per-file results' })).toBeTruthy();
  });

  test('cancels the running run', async () => {
    const fake = runApi();
    const { user } = renderScreen(createElement(RunScreen), { api: fake.api, draft });
    const cancel = screen.getByRole('button', { name: 'Cancel' }) as HTMLButtonElement;
    expect(cancel.disabled).toBe(true);

    const start = (await screen.findByRole('button', { name: 'Start' })) as HTMLButtonElement;
    // Enabled once the table and the mapping have been checked.
    await waitFor(() => expect(start.disabled).toBe(false));
    await user.click(start);
    await user.click(await screen.findByRole('button', { name: 'Cancel' }));

    expect(fake.calls('runs.cancel')).toEqual([{ runId: 'run-1' }]);
  });

  test('says what is missing before a run can start', async () => {
    const fake = runApi();
    renderScreen(createElement(RunScreen), { api: fake.api, draft: { files: [] } });

    const missing = await screen.findByRole('list', { name: 'Before starting' });
    expect(within(missing).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['Add files on the Files screen.', 'Choose a table on the Target screen.']);
    expect((screen.getByRole('button', { name: 'Start' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('No run yet')).toBeTruthy();
  });
});

function resultOf(files: FileResult[], exitCode: LoadResult['exitCode']): LoadResult {
  const totals = counts({ read: files.reduce((n, f) => n + f.counts.read, 0) });
  return { runId: 'run-1', table: 'public.orders', mode: 'upsert', dryRun: false, createdTable: false, files, totals, seconds: 3, concurrency: 1, internalConcurrency: 1, pool: null, exitCode };
}

async function nextFrame(): Promise<void> {
  await act(() => new Promise<void>((resolve) => requestAnimationFrame(() => resolve())));
}

async function startedRun() {
  const fake = runApi();
  const view = renderScreen(createElement(RunScreen), { api: fake.api, draft });
  // Start is enabled once the table and the mapping have been checked.
  const start = (await screen.findByRole('button', { name: 'Start' })) as HTMLButtonElement;
  await waitFor(() => expect(start.disabled).toBe(false));
  await view.user.click(start);
  await screen.findByRole('list', { name: 'File progress' });
  // The store tells the screen once per frame: each event is followed by one.
  const emit = async (event: Parameters<typeof fake.emit<'run.event'>>[1]['event']) => {
    act(() => fake.emit('run.event', { runId: 'run-1', event }));
    await nextFrame();
  };
  return { fake, emit };
}

describe('Run screen states', () => {
  test('a cancelled run shows its files as cancelled, never a raw KEYLOAD_CANCELLED, and the bytes it got through', async () => {
    const { fake, emit } = await startedRun();
    const [a = '', b = ''] = paths;
    await emit({ type: 'file-progress', file: progress(a, { stage: 'reading', bytesRead: 250 }) });
    await emit({ type: 'file-progress', file: progress(b, { stage: 'cancelled', bytesRead: 100 }) });
    const cancelled = { code: ErrorCodes.cancelled, message: 'Load cancelled', file: a };
    await emit({
      type: 'run-finished',
      result: resultOf(
        [
          // An engine of before issue 8 said so with a failed file and the code.
          { path: a, sha256: null, status: 'failed', error: cancelled, counts: counts({ read: 40 }), seconds: 1 },
          { path: b, sha256: null, status: 'cancelled', committedRows: 1200, counts: counts({ read: 10 }), seconds: 1 },
        ],
        1,
      ),
    });
    act(() => fake.emit('run.finished', { runId: 'run-1', status: 'cancelled' }));

    expect(await screen.findByText('Cancelled')).toBeTruthy();
    expect(chip(fileItem('a.csv'))).toEqual({ text: 'cancelled', tone: 'chip-neutral' });
    expect(chip(fileItem('b.csv')).text).toBe('cancelled');
    expect(within(fileItem('b.csv')).getByText('1,200 rows committed; a re-run resumes')).toBeTruthy();
    expect(document.body.textContent).not.toMatch(/KEYLOAD_CANCELLED|failed/);
    const total = screen.getByRole('progressbar', { name: 'Total progress' });
    expect([total.getAttribute('value'), total.getAttribute('max')]).toEqual(['350', '2000']);
    const results = screen.getByRole('table', { name: 'Per-file results' });
    expect(within(results).getAllByText('cancelled')).toHaveLength(2);
    expect(screen.getByText(/^2 files: 2 cancelled · 350 B of 2.0 KB read$/)).toBeTruthy();
  });

  test('while merging, the row shows merged out of staged rows and no made-up ETA', async () => {
    const { emit } = await startedRun();
    await emit({ type: 'file-progress', file: progress(paths[0] ?? '', { stage: 'merging', bytesRead: 1000, stagedRows: 30_000, mergedRows: 12_000, etaSeconds: null, counts: counts({ read: 30_000 }) }) });
    const a = fileItem('a.csv');
    expect(numbers(a)).toBe('merging 40% (12,000 of 30,000 rows)');
    expect(within(a).getByRole('progressbar', { name: 'Progress of a.csv' }).getAttribute('value')).toBe('0.4');
    expect(document.body.textContent).not.toMatch(/0\.0 s left|100%/);

    await emit({ type: 'file-progress', file: progress(paths[0] ?? '', { stage: 'merging', bytesRead: 1000, stagedRows: 30_000, mergedRows: 27_000, etaSeconds: 3, counts: counts({ read: 30_000 }) }) });
    expect(numbers(fileItem('a.csv'))).toBe('merging 90% (27,000 of 30,000 rows) · 3.0 s left');

    // All read, the last rows still being staged: finishing, not "0.0 s left".
    await emit({ type: 'file-progress', file: progress(paths[1] ?? '', { stage: 'staging', bytesRead: 999, etaSeconds: 0, counts: counts({ read: 900 }), rowsPerSecond: 450 }) });
    expect(numbers(fileItem('b.csv'))).toBe('900 rows · 450 rows/s · finishing…');
  });

  test('a partly loaded file says how many rows it committed, and the run is partly loaded', async () => {
    const { fake, emit } = await startedRun();
    const [a = '', b = ''] = paths;
    const error = { code: '23505', message: 'duplicate key value violates unique constraint "orders_email_key"', file: b };
    const result = resultOf(
      [
        { path: a, sha256: null, status: 'loaded', counts: counts({ read: 5, inserted: 5 }), seconds: 1 },
        { path: b, sha256: null, status: 'partly-loaded', committedRows: 50_000, error, counts: counts({ read: 80_000 }), seconds: 1 },
      ],
      1,
    );
    await emit({ type: 'run-finished', result });
    act(() => fake.emit('run.finished', { runId: 'run-1', status: 'partly loaded' }));

    expect(await screen.findByText('Partly loaded')).toBeTruthy();
    expect(chip(fileItem('b.csv'))).toEqual({ text: 'partly loaded', tone: 'chip-warning' });
    expect(within(fileItem('b.csv')).getByText('partly loaded: 50,000 rows committed; a re-run resumes')).toBeTruthy();
  });

  test('after a run that failed as a whole nothing stale stays: no queued files, no pool, no plan notices', async () => {
    const { fake, emit } = await startedRun();
    await emit({ type: 'notice', message: 'Table public.orders will be created from /data/a.csv' });
    await emit({ type: 'file-progress', file: progress(paths[0] ?? '', { stage: 'reading', bytesRead: 100 }) });
    act(() => fake.emit('run.pool', { runId: 'run-1', sample: { atMs: 1, total: 3, idle: 1, waiting: 0 } }));
    await nextFrame();
    expect(screen.getByText(/will be created/)).toBeTruthy();
    expect(screen.getByText(/Connections: 2 in use/)).toBeTruthy();

    act(() => fake.emit('run.finished', { runId: 'run-1', status: 'failed' }));

    expect(await screen.findByText('Failed')).toBeTruthy();
    for (const name of ['a.csv', 'b.csv']) {
      expect(chip(fileItem(name)).text).toBe('not loaded');
      expect(within(fileItem(name)).getByText('The run stopped before this file finished.')).toBeTruthy();
    }
    expect(document.body.textContent).not.toMatch(/queued|reading|will be created|Connections:/);
    expect(screen.getByText(/^0 of 2 files finished/)).toBeTruthy();
  });

  test('re-attaches to the run going on in main: progress, a working Cancel, and the summary at the end', async () => {
    const [a = '', b = ''] = paths;
    const active: ActiveRun = {
      runId: 'run-9',
      startedAt: new Date().toISOString(),
      connectionId: 'local',
      connectionName: 'Local database',
      table: 'public.orders',
      options: runOptionsSchema.parse({ files: paths, table: 'public.orders' }),
      files: [progress(a, { stage: 'reading', bytesRead: 600, counts: counts({ read: 60 }), rowsPerSecond: 30, etaSeconds: 4 }), progress(b, { stage: 'queued' })],
      notices: [],
    };
    const result = resultOf([
      { path: a, sha256: null, status: 'cancelled', counts: counts({ read: 60 }), seconds: 2 },
      { path: b, sha256: null, status: 'cancelled', counts: counts({}), seconds: 0 },
    ], 1);
    let running = true;
    const detail: RunDetail = { ...active, finishedAt: null, status: 'cancelled', source: 'app', undoneAt: null, mode: 'upsert', files: 2, totals: result.totals, seconds: 2, result, error: null, reportDir: '/runs/run-9' };
    const fake = runApi({ 'runs.active': async () => (running ? [active] : []), 'runs.get': async () => detail });
    // No draft: a reloaded page knows nothing but what main tells it.
    const { user } = renderScreen(createElement(RunScreen), { api: fake.api, draft: { files: [] } });

    expect((await screen.findByRole('status')).textContent).toBe('Running');
    expect(chip(fileItem('a.csv')).text).toBe('reading');
    expect(numbers(fileItem('a.csv'))).toBe('60 rows · 30 rows/s · 4.0 s left');
    expect(within(fileItem('a.csv')).getByRole('progressbar', { name: 'Progress of a.csv' }).getAttribute('value')).toBe('0.6');
    expect(chip(fileItem('b.csv')).text).toBe('queued');

    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(fake.calls('runs.cancel')).toEqual([{ runId: 'run-9' }]);

    // This window missed the engine's last event: the summary comes from history.
    running = false;
    act(() => fake.emit('run.finished', { runId: 'run-9', status: 'cancelled' }));
    expect(await screen.findByText('Cancelled')).toBeTruthy();
    expect(await screen.findByRole('table', { name: 'Per-file results' })).toBeTruthy();
    expect(chip(fileItem('a.csv')).text).toBe('cancelled');
    expect(fake.calls('runs.get')).toContainEqual({ runId: 'run-9' });
  });
});
