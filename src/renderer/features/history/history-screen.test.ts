// @vitest-environment happy-dom
import '../../vitest.setup.ts';
import { screen, waitFor, within } from '@testing-library/react';
import { createElement } from 'react';
import { describe, expect, test, vi } from 'vitest';
import { ErrorCodes } from '../../../shared/errors.ts';
import type { RunDetail } from '../../../shared/ipc/contract.ts';
import { createFakeApi } from '../../test/fake-api.ts';
import { connection, counts } from '../../test/fixtures.ts';
import { renderScreen } from '../../test/render.tsx';
import { HistoryScreen } from './history-screen.tsx';

function run(runId: string, table: string, startedAt: string, extra: Partial<RunDetail> = {}): RunDetail {
  const files = [`/data/${table}-1.csv`, `/data/${table}-2.csv`];
  return {
    runId,
    startedAt,
    finishedAt: startedAt,
    status: 'loaded',
    source: 'app',
    undoneAt: null,
    connectionName: 'Warehouse',
    connectionId: 'warehouse',
    table,
    mode: 'upsert',
    files: files.length,
    totals: counts({ read: 10, inserted: 10 }),
    seconds: 3,
    reportDir: `/runs/${runId}`,
    error: null,
    result: null,
    options: {
      files,
      table,
      mode: 'upsert',
      fileOverrides: {},
      key: ['id'],
      map: { Notes: null },
      // As the app's "Create new table" sends it.
      createTable: true,
      tableMustBeNew: true,
      columnTypes: {},
      batchSize: 50_000,
      maxRetries: 3,
      retryWindowSeconds: 60,
      order: 'given',
      onError: 'reject',
      force: false,
      dryRun: false,
      atomicFile: false,
      ignoreExtraColumns: true,
      concurrency: 4,
      internalConcurrency: 2,
      disableInternalParallelism: false,
      conflictPolicy: 'last',
      claim: false,
      leaseSeconds: 60,
      undoKeepMs: 604_800_000,
    },
    ...extra,
  };
}

const failedFile = {
  path: '/data/public.customers-2.csv',
  sha256: null,
  status: 'failed' as const,
  counts: counts({}),
  error: { code: ErrorCodes.mapping, message: 'File columns "x" match no table column', file: '/data/public.customers-2.csv' },
  seconds: 0.1,
};

const stored = [
  run('r1', 'public.orders', '2025-01-01T10:00:00Z', { status: 'partly loaded' }),
  run('r2', 'public.customers', '2025-03-01T10:00:00Z', {
    status: 'failed',
    result: {
      runId: 'r2',
      table: 'public.customers',
      mode: 'upsert',
      dryRun: false,
      createdTable: false,
      files: [{ path: '/data/public.customers-1.csv', sha256: null, status: 'loaded', counts: counts({ read: 5, inserted: 5 }), seconds: 1 }, failedFile],
      totals: counts({ read: 5, inserted: 5 }),
      seconds: 1.2,
      concurrency: 4,
      internalConcurrency: 2,
      pool: { size: 8, peakTotal: 6, peakWaiting: 1, averageTotal: 4, averageIdle: 1, averageWaiting: 0.2, series: [] },
      exitCode: 1,
    },
  }),
  run('r3', 'public.orders', '2025-02-01T10:00:00Z'),
];

function historyApi(withPassword = true) {
  return createFakeApi({
    'connections.list': async () => [connection({ id: 'warehouse', name: 'Warehouse', builtin: false, hasPassword: withPassword })],
    // Oldest first on purpose: the screen sorts.
    'runs.list': async ({ search }) =>
      stored
        .filter((entry) => !search || `${entry.table} ${entry.status} ${entry.connectionName}`.includes(search))
        .toSorted((a, b) => a.startedAt.localeCompare(b.startedAt))
        .map(({ options: _options, result: _result, error: _error, connectionId: _id, reportDir: _dir, ...summary }) => summary),
    'runs.get': async ({ runId }) => stored.find((entry) => entry.runId === runId) ?? null,
    'runs.start': async () => ({ runId: 'r4' }),
  });
}

function runButtons(): string[] {
  return within(screen.getByRole('list', { name: 'Runs' }))
    .getAllByRole('button')
    .map((button) => button.querySelector('strong')?.textContent ?? '');
}

describe('History screen', () => {
  test('lists runs newest first and filters them by the search', async () => {
    const fake = historyApi();
    const { user } = renderScreen(createElement(HistoryScreen, { onRunStarted: vi.fn() }), { api: fake.api });

    await screen.findByRole('list', { name: 'Runs' });
    expect(runButtons()).toEqual(['public.customers', 'public.orders', 'public.orders']);

    await user.type(screen.getByRole('searchbox', { name: 'Search runs' }), 'orders');

    await waitFor(() => expect(runButtons()).toEqual(['public.orders', 'public.orders']));
    expect(fake.calls('runs.list').at(-1)).toEqual({ search: 'orders' });

    await user.clear(screen.getByRole('searchbox', { name: 'Search runs' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search runs' }), 'nothing like it');
    expect(await screen.findByText('No runs match “nothing like it”')).toBeTruthy();
  });

  test('shows a run with its settings, per-file errors and pool, and runs it again with the same options', async () => {
    const fake = historyApi();
    const onRunStarted = vi.fn();
    const { user } = renderScreen(createElement(HistoryScreen, { onRunStarted }), { api: fake.api });

    await user.click(await screen.findByRole('button', { name: /public\.customers/ }));

    const detail = await screen.findByRole('article', { name: /public\.customers/ });
    expect(within(detail).getByText('Warehouse')).toBeTruthy();
    expect(within(detail).getByText('4 files × 2 connections')).toBeTruthy();
    const results = within(detail).getByRole('table', { name: 'Per-file results' });
    // The table cell stays short; the error has a panel of its own, with the code for support.
    expect(within(results).getByText('not loaded: see the error below')).toBeTruthy();
    const panel = within(detail).getByRole('alert', { name: 'public.customers-2.csv: failed' });
    expect(within(panel).getByText('File columns "x" match no table column')).toBeTruthy();
    expect(within(panel).getByText('Code KEYLOAD_MAPPING · /data/public.customers-2.csv')).toBeTruthy();
    // It asked to create the table, but this run did not create it.
    expect(within(detail).getByText('Table').nextElementSibling?.textContent).toBe('public.customers');
    expect(within(within(detail).getByLabelText('Connection pool')).getByText('6')).toBeTruthy();

    await user.click(within(detail).getByRole('button', { name: 'Run again' }));

    // It asks first, naming the files and the target.
    const dialog = screen.getByRole('dialog', { name: 'Run again: public.customers-1.csv, public.customers-2.csv into public.customers' });
    expect(within(within(dialog).getByRole('list', { name: 'Files to load' })).getAllByRole('listitem').map((item) => item.textContent)).toEqual(['public.customers-1.csv', 'public.customers-2.csv']);
    expect(fake.calls('runs.start')).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Start the run' }));

    await waitFor(() => expect(onRunStarted).toHaveBeenCalled());
    expect(fake.calls('runs.start')).toEqual([{ connectionId: 'warehouse', options: { ...stored[1]?.options, tableMustBeNew: false } }]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  test('asks for the password before running again on a connection that stores none', async () => {
    const fake = historyApi(false);
    const { user } = renderScreen(createElement(HistoryScreen, { onRunStarted: vi.fn() }), { api: fake.api });
    await user.click(await screen.findByRole('button', { name: /public\.customers/ }));
    const runAgain = (await screen.findByRole('button', { name: 'Run again' })) as HTMLButtonElement;
    expect(runAgain.disabled).toBe(true);

    await user.type(screen.getByLabelText('Password for Warehouse'), 'pw');
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    await user.click(runAgain);
    await user.click(screen.getByRole('button', { name: 'Start the run' }));

    await waitFor(() => expect(fake.calls('runs.start')).toEqual([{ connectionId: 'warehouse', password: 'pw', options: { ...stored[1]?.options, tableMustBeNew: false } }]));
  });
});

describe('History: Run again and statuses', () => {
  test('Run again can reload the files already loaded, and Back or Escape starts nothing', async () => {
    const fake = historyApi();
    const onRunStarted = vi.fn();
    const { user } = renderScreen(createElement(HistoryScreen, { onRunStarted }), { api: fake.api });
    await user.click(await screen.findByRole('button', { name: /public\.customers/ }));
    const runAgain = await screen.findByRole('button', { name: 'Run again' });

    await user.click(runAgain);
    expect(screen.getByRole('button', { name: 'Start the run' })).toBe(document.activeElement);
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(runAgain).toBe(document.activeElement);
    await user.click(runAgain);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();

    await user.click(runAgain);
    const dialog = screen.getByRole('dialog', { name: /^Run again:/ });
    await user.click(within(dialog).getByRole('checkbox', { name: 'Reload files already loaded' }));
    expect(within(dialog).getByText('Every file is loaded again, even one this table already has.')).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Start the run' }));

    await waitFor(() => expect(fake.calls('runs.start')).toEqual([{ connectionId: 'warehouse', options: { ...stored[1]?.options, force: true, tableMustBeNew: false } }]));
  });

  test('statuses read as chips, a run that created its table says so, and partly loaded runs are told apart', async () => {
    const base = stored[1]?.result;
    if (!base) throw new Error('the stored failed run has a result');
    const created = { ...base, createdTable: true };
    const fake = historyApi();
    stored.push(run('r5', 'public.fresh', '2025-04-01T10:00:00Z', { status: 'cancelled', result: created }));
    try {
      const { user } = renderScreen(createElement(HistoryScreen, { onRunStarted: vi.fn() }), { api: fake.api });
      const list = await screen.findByRole('list', { name: 'Runs' });
      const chips = [...list.querySelectorAll('.chip')].map((chip) => `${chip.textContent} ${chip.className}`);
      expect(chips).toEqual(['cancelled chip chip-neutral', 'failed chip chip-danger', 'loaded chip chip-success', 'partly loaded chip chip-warning']);
      expect(within(list).getAllByText(/2 files/)).toHaveLength(4);

      await user.click(screen.getByRole('button', { name: /public\.fresh/ }));
      const detail = await screen.findByRole('article', { name: /public\.fresh/ });
      expect(within(detail).getByText('Table').nextElementSibling?.textContent).toBe('public.fresh (created)');
    } finally {
      stored.pop();
    }
  });
});
