// @vitest-environment happy-dom
import '../vitest.setup.ts';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createElement } from 'react';
import { expect, onTestFinished, test } from 'vitest';
import { runOptionsSchema } from '../../shared/ipc/contract.ts';
import { emptyCounts } from '../../shared/load-types.ts';
import { saveDraft } from '../draft/draft-storage.ts';
import { draftReducer, initialDraft } from '../draft/draft-state.ts';
import type { RunView } from '../features/run/run-store.ts';
import { createFakeApi } from '../test/fake-api.ts';
import { counts, inspection } from '../test/fixtures.ts';
import { App } from './app.tsx';
import { stepStates } from './step-states.ts';

test('the stepper leads through Files, Target and mapping, Preview and Run, with History beside it', async () => {
  const fake = createFakeApi({ 'runs.list': async () => [], 'connections.list': async () => [] });
  const user = userEvent.setup();
  render(createElement(App, { transport: { api: fake.api, addDroppedFiles: async () => [] } }));
  const nav = screen.getByRole('navigation', { name: 'Screens' });

  const steps = within(nav).getAllByRole('listitem');
  expect(steps.map((step) => within(step).getByRole('button').textContent)).toEqual([
    '1Filescurrent step, to do: Add files',
    '2Target and mappingnot yet available: Add files first',
    '3Previewnot yet available: Choose the target first',
    '4Runnot yet available: Not yet available',
  ]);
  const files = within(nav).getByRole('button', { name: 'Files' });
  expect(files.getAttribute('aria-current')).toBe('step');
  expect(files.getAttribute('aria-describedby')).toBe('step-state-files');
  expect(nav.textContent).not.toContain('coming soon');

  await user.click(within(nav).getByRole('button', { name: 'Preview' }));
  expect(screen.getByRole('heading', { level: 1, name: 'Preview' })).toBe(document.activeElement);
  expect(screen.getByRole('button', { name: 'Check the plan' })).toBeTruthy();

  await user.click(within(nav).getByRole('button', { name: 'History' }));
  expect(within(nav).getByRole('button', { name: 'History' }).getAttribute('aria-current')).toBe('page');
  expect(screen.getByRole('heading', { level: 1, name: 'History' })).toBe(document.activeElement);
  expect(await screen.findByText('No runs yet')).toBeTruthy();
});

test('a page reloaded mid-run opens the Run screen on the run going on in main, with the draft it had', async () => {
  const fake = createFakeApi({
    'runs.list': async () => [],
    'connections.list': async () => [],
    'runs.active': async () => [
      {
        runId: 'r1',
        startedAt: new Date().toISOString(),
        connectionId: 'local',
        connectionName: 'Local database',
        table: 'public.orders',
        options: runOptionsSchema.parse({ files: ['/data/a.csv'], table: 'public.orders' }),
        files: [{ path: '/data/a.csv', stage: 'reading', bytesRead: 10, totalBytes: 100, counts: emptyCounts(), rowsPerSecond: 0, etaSeconds: null, stagedRows: 0, mergedRows: 0 }],
        notices: [],
      },
    ],
  });
  onTestFinished(() => localStorage.clear());
  saveDraft(localStorage, draftReducer(initialDraft, { type: 'files-added', files: [inspection('/data/a.csv', { id: 'integer' })] }));
  render(createElement(App, { transport: { api: fake.api, addDroppedFiles: async () => [] } }));

  expect(await screen.findByRole('heading', { level: 1, name: 'Run' })).toBeTruthy();
  expect((await screen.findByRole('status')).textContent).toBe('Running');
  expect(within(screen.getByRole('list', { name: 'File progress' })).getByText('reading')).toBeTruthy();
  expect(within(screen.getByRole('navigation', { name: 'Screens' })).getByRole('button', { name: /Files/ }).textContent).toContain('1 file');
});

test('step states follow the draft and the run, in words', () => {
  const files = [inspection('/d/a.csv', { id: 'bigint' }), inspection('/d/b.csv', {}, { error: { code: 'KEYLOAD_FILE_CORRUPT', message: 'bad' } })];
  const unreadable = stepStates({ ...initialDraft, files }, null);
  expect(unreadable.files).toEqual({ kind: 'attention', text: '1 file unreadable' });
  expect(unreadable.target).toEqual({ kind: 'todo', text: 'Choose a table' });

  const keyMissing = stepStates({ ...initialDraft, files: files.slice(0, 1), target: { ...initialDraft.target, createTable: true, newTable: 'people' } }, null);
  expect(keyMissing.files).toEqual({ kind: 'done', text: '1 file' });
  expect(keyMissing.target).toEqual({ kind: 'attention', text: '1 choice missing' });
  expect(keyMissing.preview.kind).toBe('unavailable');

  const ready = { ...initialDraft, files: files.slice(0, 1), target: { ...initialDraft.target, table: 'public.people' } };
  expect(stepStates(ready, null)).toMatchObject({ target: { kind: 'done', text: 'public.people' }, preview: { kind: 'todo' }, run: { kind: 'todo', text: 'Ready to start' } });
  const run: RunView = { runId: 'r', files: [], status: 'loaded with rejects', totals: { bytesRead: 0, totalBytes: 0, counts: counts({}), finishedFiles: 0, etaSeconds: null }, pool: null, result: null, notices: [], lockWaits: [] };
  expect(stepStates(ready, run).run).toEqual({ kind: 'attention', text: 'Loaded, with rejects' });
  expect(stepStates(ready, { ...run, status: 'running' }).run).toEqual({ kind: 'running', text: 'Running' });
});
