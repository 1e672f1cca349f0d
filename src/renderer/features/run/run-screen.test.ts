// @vitest-environment happy-dom
import '../../vitest.setup.ts';
import { act, screen, waitFor, within } from '@testing-library/react';
import { createElement } from 'react';
import { describe, expect, test } from 'vitest';
import type { FileProgress, LoadResult } from '../../../shared/load-types.ts';
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

function runApi() {
  return createFakeApi({
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
      fake.emit('run.event', { runId: 'run-1', event: { type: 'run-started', runId: 'run-1', files: paths, table: 'public.orders' } });
      fake.emit('run.event', {
        runId: 'run-1',
        event: { type: 'file-progress', file: progress(paths[0] ?? '', { stage: 'reading', bytesRead: 500, counts: counts({ read: 1200 }), rowsPerSecond: 600, etaSeconds: 2 }) },
      });
      fake.emit('run.pool', { runId: 'run-1', sample: { atMs: 100, total: 4, idle: 1, waiting: 0 } });
    });

    expect(await screen.findByText('Connections: 3 in use, 1 idle, 0 waiting')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('Running');
    const a = fileItem('a.csv');
    expect(within(a).getByText('reading')).toBeTruthy();
    expect(within(a).getByRole('progressbar', { name: 'Progress of a.csv' }).getAttribute('value')).toBe('0.5');
    expect(within(a).getByText(/1,200 rows · 600 rows\/s · 2\.0 s left/)).toBeTruthy();
    expect(within(fileItem('b.csv')).getByText('queued')).toBeTruthy();

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
    expect(within(fileItem('b.csv')).getByText('done')).toBeTruthy();
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
