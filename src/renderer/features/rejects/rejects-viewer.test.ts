// @vitest-environment happy-dom
import '../../vitest.setup.ts';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createElement } from 'react';
import { expect, test } from 'vitest';
import type { RejectsPage } from '../../../shared/ipc/contract.ts';
import type { FileResult } from '../../../shared/load-types.ts';
import { AppProviders } from '../../app/providers.tsx';
import { createFakeApi, type FakeApi } from '../../test/fake-api.ts';
import { RejectsEntry } from './rejects-entry.tsx';

const counts = (rejected: number) => ({ read: 10, inserted: 10 - rejected, updated: 0, unchanged: 0, collapsed: 0, superseded: 0, rejected });
const files: FileResult[] = [
  { path: '/data/a.csv', sha256: null, status: 'loaded', counts: counts(0), seconds: 1 },
  { path: '/data/b.csv', sha256: null, status: 'loaded', counts: counts(1_500), rejectsFile: '/runs/run-1/002-b.csv.rejects.csv', seconds: 1 },
];
const page: RejectsPage = {
  path: '/runs/run-1/002-b.csv.rejects.csv',
  columns: ['line', 'column', 'reason', 'id', 'amount'],
  rows: Array.from({ length: 1_000 }, (_, i) => [String(i + 2), i === 1 ? null : 'amount', i === 1 ? 'row has 1 value, expected 2' : 'invalid input syntax for type integer: "ten"', String(i), i === 1 ? null : 'ten']),
  total: 1_500,
  truncated: true,
};

function renderEntry(fake: FakeApi, rejectsDownloadUrl?: (runId: string, path: string) => string) {
  const transport = { api: fake.api, addDroppedFiles: async () => [], ...(rejectsDownloadUrl ? { rejectsDownloadUrl } : {}) };
  const user = userEvent.setup();
  render(createElement(AppProviders, { transport, children: createElement(RejectsEntry, { runId: 'run-1', files }) }));
  return user;
}

test('lists only files with rejects and opens the first rows with line, column and reason, plus the raw values', async () => {
  const fake = createFakeApi({ 'runs.rejects': async () => page });
  const user = renderEntry(fake);
  const list = screen.getByRole('list', { name: 'Rejects files' });
  expect(within(list).getAllByRole('listitem')).toHaveLength(1);
  expect(list.textContent).toContain('1,500 rejected');

  await user.click(within(list).getByRole('button', { name: 'View rejected rows of b.csv' }));

  const grid = await screen.findByRole('table', { name: 'Rejected rows of b.csv' });
  expect(fake.calls('runs.rejects')).toEqual([{ runId: 'run-1', path: '/runs/run-1/002-b.csv.rejects.csv' }]);
  expect(within(grid).getAllByRole('columnheader').map((cell) => cell.textContent)).toEqual(['Line', 'Column', 'Reason', 'id', 'amount']);
  const [first, second] = within(grid).getAllByRole('row').slice(1);
  expect(within(first as HTMLElement).getAllByRole('cell').map((cell) => cell.textContent)).toEqual(['2', 'amount', 'invalid input syntax for type integer: "ten"', '0', 'ten']);
  expect(within(second as HTMLElement).getAllByRole('cell').map((cell) => cell.textContent)).toEqual(['3', 'whole row', 'row has 1 value, expected 2', '1', 'NULL']);
  // Virtualized: a thousand rows, only those in view rendered.
  expect(grid.getAttribute('aria-rowcount')).toBe('1001');
  expect(within(grid).getAllByRole('row').length).toBeLessThan(100);
  expect(screen.getByText('Showing the first 1,000 of 1,500 rejected rows.')).toBeTruthy();

  await user.click(screen.getByRole('button', { name: 'Close' }));
  expect(screen.queryByRole('table')).toBeNull();
});

test('in the desktop app the file is revealed or saved through the main side', async () => {
  const fake = createFakeApi({ 'runs.rejects': async () => page, 'runs.revealRejects': async () => {}, 'runs.saveRejects': async () => ({ savedTo: '/home/me/b-rejects.csv' }) });
  const user = renderEntry(fake);
  await user.click(screen.getByRole('button', { name: 'View rejected rows of b.csv' }));
  await user.click(await screen.findByRole('button', { name: 'Reveal in folder' }));
  await user.click(screen.getByRole('button', { name: 'Save as…' }));

  expect(await screen.findByText('/home/me/b-rejects.csv')).toBeTruthy();
  const input = { runId: 'run-1', path: '/runs/run-1/002-b.csv.rejects.csv' };
  expect(fake.calls('runs.revealRejects')).toEqual([input]);
  expect(fake.calls('runs.saveRejects')).toEqual([input]);
  expect(screen.queryByRole('link', { name: /Download/ })).toBeNull();
});

test('in a browser the file downloads from the web host instead', async () => {
  const fake = createFakeApi({ 'runs.rejects': async () => page });
  const user = renderEntry(fake, (runId, path) => `/api/download/rejects?runId=${runId}&path=${encodeURIComponent(path)}`);
  await user.click(screen.getByRole('button', { name: 'View rejected rows of b.csv' }));
  const link = await screen.findByRole('link', { name: 'Download CSV' });
  expect(link.getAttribute('href')).toBe('/api/download/rejects?runId=run-1&path=%2Fruns%2Frun-1%2F002-b.csv.rejects.csv');
  expect(link.getAttribute('download')).toBe('002-b.csv.rejects.csv');
  expect(screen.queryByRole('button', { name: 'Reveal in folder' })).toBeNull();
});

test('a file that cannot be read shows the error panel', async () => {
  const fake = createFakeApi({ 'runs.rejects': async () => Promise.reject(new Error('gone')) });
  const user = renderEntry(fake);
  await user.click(screen.getByRole('button', { name: 'View rejected rows of b.csv' }));
  expect((await screen.findByRole('alert', { name: 'Could not read the rejected rows' })).textContent).toContain('gone');
});
