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
import { createFakeApi } from '../test/fake-api.ts';
import { inspection } from '../test/fixtures.ts';
import { App } from './app.tsx';

test('the navigation switches screens and shows the screens still to come as disabled', async () => {
  const fake = createFakeApi({ 'runs.list': async () => [], 'connections.list': async () => [] });
  const user = userEvent.setup();
  render(createElement(App, { transport: { api: fake.api, addDroppedFiles: async () => [] } }));
  const nav = screen.getByRole('navigation', { name: 'Screens' });

  expect(within(nav).getByRole('button', { name: 'Files' }).getAttribute('aria-current')).toBe('page');
  expect((within(nav).getByRole('button', { name: 'Preview coming soon' }) as HTMLButtonElement).disabled).toBe(true);
  expect((within(nav).getByRole('button', { name: 'Report coming soon' }) as HTMLButtonElement).disabled).toBe(true);

  await user.click(within(nav).getByRole('button', { name: 'History' }));

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
  expect(within(screen.getByRole('navigation', { name: 'Screens' })).getByRole('button', { name: /Files/ }).textContent).toContain('(1)');
});
