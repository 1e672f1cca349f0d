// @vitest-environment happy-dom
import '../../vitest.setup.ts';
import { screen, within } from '@testing-library/react';
import { createElement } from 'react';
import { expect, test } from 'vitest';
import type { LoadResult } from '../../../shared/load-types.ts';
import { ApiError } from '../../api/api-error.ts';
import { initialDraft, type Draft } from '../../draft/draft-state.ts';
import { createFakeApi } from '../../test/fake-api.ts';
import { connection, counts, inspection } from '../../test/fixtures.ts';
import { renderScreen } from '../../test/render.tsx';
import { PlanScreen } from './plan-screen.tsx';

const files = [inspection('/uploads/a.csv', { id: 'bigint' }, { rowEstimate: 1200 }), inspection('/uploads/b.parquet', { id: 'bigint' }, { rowEstimate: 40 })];
const draft: Partial<Draft> = { files, target: { ...initialDraft.target, table: 'public.orders', key: ['id'], map: { notes: null } } };

function result(statuses: LoadResult['files']): LoadResult {
  return { runId: 'engine-run', table: 'public.orders', mode: 'upsert', dryRun: true, createdTable: false, files: statuses, totals: counts({}), seconds: 0.1, concurrency: 4, internalConcurrency: 2, pool: null, exitCode: 0 };
}

const checked = result([
  { path: '/uploads/a.csv', sha256: null, status: 'planned', counts: counts({}), seconds: 0 },
  { path: '/uploads/b.parquet', sha256: null, status: 'skipped', skipReason: 'already loaded', counts: counts({}), seconds: 0 },
]);

function planApi() {
  return createFakeApi({ 'connections.list': async () => [connection()], 'runs.check': async () => checked });
}

test('reviews the plan: files in load order with their sizes, the target, key, mode, policy and mapping', () => {
  renderScreen(createElement(PlanScreen, { onContinue: () => {}, onNavigate: () => {} }), { api: planApi().api, draft });
  const table = screen.getByRole('table', { name: 'Files in load order' });
  const rows = within(table).getAllByRole('row').slice(1);
  expect(rows.map((row) => within(row).getAllByRole('cell')[0]?.textContent)).toEqual(['1', '2']);
  expect(within(rows[0] as HTMLElement).getByRole('rowheader').textContent).toBe('a.csv');
  expect(rows[0]?.textContent).toContain('≈ 1,200');
  expect(rows[1]?.textContent).toContain('40');
  expect(screen.getByText('public.orders')).toBeTruthy();
  expect(screen.getByText('id')).toBeTruthy();
  expect(screen.getByText(/^Upsert:/)).toBeTruthy();
  expect(screen.getByText('Last occurrence wins')).toBeTruthy();
  expect(screen.getByText('0 columns mapped by you, 1 skipped, the others by name')).toBeTruthy();
});

test('"Check the plan" runs the engine\'s dry run and shows what each file would do', async () => {
  const fake = planApi();
  const { user } = renderScreen(createElement(PlanScreen, { onContinue: () => {}, onNavigate: () => {} }), { api: fake.api, draft });
  await user.click(await screen.findByRole('button', { name: 'Check the plan' }));

  expect(fake.calls('runs.check')).toEqual([{ connectionId: 'local', options: expect.objectContaining({ files: ['/uploads/a.csv', '/uploads/b.parquet'], table: 'public.orders' }) }]);
  expect(fake.calls('runs.start')).toEqual([]);
  expect(await screen.findByText('1 file will load, 1 skipped, 0 cannot load.')).toBeTruthy();
  const rows = within(screen.getByRole('table', { name: 'Files in load order' })).getAllByRole('row').slice(1);
  expect(rows[0]?.textContent).toContain('Will load');
  expect(rows[1]?.textContent).toContain('Skipped: already loaded');
});

test('a plan that cannot work shows why in the error panel, with what to do in the app', async () => {
  const fake = createFakeApi({
    'connections.list': async () => [connection()],
    'runs.check': async () => Promise.reject(new ApiError({ code: 'KEYLOAD_TABLE_EXISTS', message: 'public.orders already exists' })),
  });
  const { user } = renderScreen(createElement(PlanScreen, { onContinue: () => {}, onNavigate: () => {} }), { api: fake.api, draft });
  await user.click(await screen.findByRole('button', { name: 'Check the plan' }));

  const panel = await screen.findByRole('alert', { name: 'The plan does not work yet' });
  expect(panel.textContent).toContain('public.orders already exists');
  expect(panel.textContent).toContain('Choose the existing table as the target, or give the new table another name');
});

test('without files or a target it says what is still to choose, and the check waits', async () => {
  const navigated: string[] = [];
  const { user } = renderScreen(createElement(PlanScreen, { onContinue: () => {}, onNavigate: (to: string) => navigated.push(to) }), { api: planApi().api, draft: {} });
  expect(screen.getByRole('heading', { name: 'Still to choose' })).toBeTruthy();
  expect(screen.getByText('Add files on the Files screen.')).toBeTruthy();
  expect((screen.getByRole('button', { name: 'Check the plan' }) as HTMLButtonElement).disabled).toBe(true);
  await user.click(screen.getByRole('button', { name: 'Go to Files' }));
  expect(navigated).toEqual(['files']);
});
