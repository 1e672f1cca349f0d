// @vitest-environment happy-dom
// History's "Undo this run…": the dialog shows the dry run, holds back on changed rows until
// "Restore anyway", and undoes with the choice made.
import '../../vitest.setup.ts';
import { screen, within } from '@testing-library/react';
import { createElement } from 'react';
import { expect, test } from 'vitest';
import type { RunDetail } from '../../../shared/ipc/contract.ts';
import type { UndoOutcome } from '../../../shared/undo-types.ts';
import { createFakeApi } from '../../test/fake-api.ts';
import { connection } from '../../test/fixtures.ts';
import { renderScreen } from '../../test/render.tsx';
import { UndoRun } from './undo-run.tsx';

const local = connection({ id: 'local', name: 'Local database' });

const run = {
  runId: 'run-7',
  startedAt: '2026-12-01T10:00:00Z',
  finishedAt: '2026-12-01T10:00:02Z',
  status: 'loaded',
  source: 'app',
  connectionName: 'Local database',
  connectionId: 'local',
  table: 'public.orders',
  mode: 'upsert',
  files: 1,
  totals: null,
  seconds: 2,
  undoneAt: null,
  reportDir: '/runs/run-7',
  error: null,
  result: null,
  options: { files: ['/data/orders.csv'], table: 'public.orders', undo: true },
} as unknown as RunDetail;

function outcome(overrides: Partial<UndoOutcome> = {}): UndoOutcome {
  return {
    entry: { runId: 'run-7', table: 'public.orders', mode: 'upsert', key: ['id'], status: 'kept', createdAt: '2026-12-01T10:00:00Z', finishedAt: null, undoneAt: null, bytes: 8192 },
    toDelete: 3,
    toRestore: 2,
    conflicts: 1,
    shownConflicts: [{ key: { id: 9 }, change: 'changed', current: { id: 9, v: 'by hand' }, restore: { id: 9, v: 'before' } }],
    laterRuns: [],
    refused: null,
    done: false,
    chained: [],
    ...overrides,
  };
}

test('changed rows hold the undo back until "Restore anyway"; the undo then goes with force', async () => {
  const fake = createFakeApi({
    'connections.list': async () => [local],
    'runs.undo': async ({ dryRun, force }) => (dryRun ? outcome() : outcome({ done: force })),
  });
  const { user } = renderScreen(createElement(UndoRun, { run }), { api: fake.api });
  await user.click(await screen.findByRole('button', { name: 'Undo this run…' }));
  const dialog = await screen.findByRole('dialog', { name: 'Undo this run: public.orders' });
  expect(within(dialog).getAllByRole('definition').map((d) => d.textContent)).toEqual(['3', '2', '1']);
  const changed = within(dialog).getByRole('table', { name: 'Rows changed since the run' });
  expect(within(changed).getAllByRole('cell').map((c) => c.textContent)).toEqual(['{"id":9,"v":"by hand"}', '{"id":9,"v":"before"}']);
  const confirm = within(dialog).getByRole('button', { name: 'Undo the run' });
  expect(confirm).toHaveProperty('disabled', true);
  await user.click(within(dialog).getByRole('checkbox', { name: 'Restore anyway: overwrite the rows changed since' }));
  await user.click(confirm);
  expect(await within(dialog).findByRole('status')).toHaveProperty('textContent', expect.stringContaining('Undone'));
  expect(fake.calls('runs.undo')).toEqual([{ runId: 'run-7', dryRun: true, force: false, chain: false }, { runId: 'run-7', dryRun: false, force: true, chain: false }]);
});

test('a refused run says why and cannot be undone; a run without undo state offers nothing', async () => {
  const fake = createFakeApi({
    'connections.list': async () => [local],
    'runs.undo': async () => outcome({ refused: 'public.orders was dropped and created again since the run', conflicts: 0, shownConflicts: [] }),
  });
  const { user, unmount } = renderScreen(createElement(UndoRun, { run }), { api: fake.api });
  await user.click(await screen.findByRole('button', { name: 'Undo this run…' }));
  expect(await screen.findByText('public.orders was dropped and created again since the run')).toBeTruthy();
  expect(screen.getByRole('button', { name: 'Undo the run' })).toHaveProperty('disabled', true);
  unmount();
  renderScreen(createElement(UndoRun, { run: { ...run, options: { ...run.options, undo: false } } }), { api: fake.api });
  expect(await screen.findByText('This run kept no undo state, so it cannot be undone.')).toBeTruthy();
  expect(screen.queryByRole('button', { name: 'Undo this run…' })).toBeNull();
});
