// @vitest-environment happy-dom
// The conflict preview of the Preview step, fed what a real preview returned (the fixture is written
// and checked by src/main/app/handlers/preview.test.ts against a real PostgreSQL).
import '../../vitest.setup.ts';
import { screen, waitFor, within } from '@testing-library/react';
import { createElement } from 'react';
import { expect, test } from 'vitest';
import type { HandlerInput } from '../../../shared/ipc/contract.ts';
import type { ConflictPolicy } from '../../../shared/load-types.ts';
import type { ConflictPage, PreviewSummary } from '../../../shared/preview-types.ts';
import { initialDraft, type Draft } from '../../draft/draft-state.ts';
import { createFakeApi } from '../../test/fake-api.ts';
import { connection, inspection } from '../../test/fixtures.ts';
import fixture from '../../test/preview-fixture.json';
import { renderScreen } from '../../test/render.tsx';
import { PlanScreen } from '../plan/plan-screen.tsx';

const recorded = fixture as unknown as { summaries: Record<'last' | 'first', PreviewSummary>; pages: Record<'last' | 'first', Record<string, ConflictPage>> };
const columns = { id: 'integer', city: 'text', amount: 'integer' };
const files = [inspection('/data/a.csv', columns, { rowEstimate: 6 }), inspection('/data/b.csv', columns, { rowEstimate: 4 })];
const draft: Partial<Draft> = { files, target: { ...initialDraft.target, table: 'public.orders', key: ['id'] } };

/** The main side as the recording saw it: the session is ranked by the last policy asked for. */
function previewApi() {
  let ranked: 'last' | 'first' = 'last';
  const policyOf = (policy: ConflictPolicy | undefined) => (policy === 'first' ? 'first' : 'last');
  return createFakeApi({
    'connections.list': async () => [connection()],
    'preview.open': async ({ options }) => {
      ranked = policyOf(options.conflictPolicy);
      return recorded.summaries[ranked];
    },
    'preview.summary': async ({ conflictPolicy }) => {
      ranked = policyOf(conflictPolicy);
      return recorded.summaries[ranked];
    },
    'preview.conflicts': async ({ previewId: _id, offset: _offset, limit: _limit, ...filter }) => {
      const page = recorded.pages[ranked][JSON.stringify(filter)];
      if (!page) throw new Error(`not recorded: ${JSON.stringify(filter)}`);
      return page;
    },
    'preview.close': async () => {},
    'runs.start': async () => ({ runId: 'run-1' }),
  });
}

function card(label: string): string | undefined {
  const cards = screen.getByRole('list', { name: 'What the load would do' });
  return within(cards).getByText(label).previousElementSibling?.textContent ?? undefined;
}

function winnerOf(table: HTMLElement): string | undefined {
  return within(table).getAllByRole('row').find((row) => row.textContent?.includes('Wins'))?.querySelector('th')?.textContent ?? undefined;
}

test('a small file set is previewed on its own: cards, matrix and the conflict list, filtered from a matrix cell', async () => {
  const fake = previewApi();
  const { user } = renderScreen(createElement(PlanScreen, { onContinue: () => {}, onNavigate: () => {} }), { api: fake.api, draft });
  await screen.findByRole('list', { name: 'What the load would do' });
  expect(fake.calls('preview.open')).toEqual([expect.objectContaining({ connectionId: 'local', options: expect.objectContaining({ files: ['/data/a.csv', '/data/b.csv'], conflictPolicy: 'last' }) })]);
  expect([card('Would insert'), card('Would update'), card('Unchanged'), card('Superseded'), card('Duplicates collapsed'), card('Rejected')]).toEqual(['3', '1', '2', '2', '1', '1']);
  await waitFor(() => expect(card('Keys in conflict')).toBe('2'));

  const matrix = screen.getByRole('table', { name: 'Overlap between files and the table' });
  const pair = await within(matrix).findByRole('button', { name: 'a.csv and b.csv: 2 shared keys, 2 in conflict' });
  expect(within(matrix).getByRole('button', { name: 'a.csv: 4 distinct keys, 1 repeated within the file' })).toBeTruthy();
  expect(within(matrix).getByRole('button', { name: 'b.csv and the table: 1 stored keys would change' })).toBeTruthy();
  await user.click(pair);
  expect(pair.getAttribute('aria-pressed')).toBe('true');
  await waitFor(() => expect(fake.calls('preview.conflicts')).toContainEqual(expect.objectContaining({ kind: 'cross-file', files: ['/data/a.csv', '/data/b.csv'], offset: 0 })));

  const list = await screen.findByRole('list', { name: 'Conflicts' });
  expect(within(list).getAllByRole('listitem').map((item) => item.textContent)).toEqual([expect.stringContaining('id 2'), expect.stringContaining('id 3')]);
});

test('a key expands to its versions, stored row first; "first" and a new order change the winners; Load runs that plan', async () => {
  const fake = previewApi();
  const { user } = renderScreen(createElement(PlanScreen, { onContinue: () => {}, onNavigate: () => {} }), { api: fake.api, draft });
  const list = await screen.findByRole('list', { name: 'Conflicts' });
  await user.click(await within(list).findByRole('button', { name: /id 2/ }));
  const versions = screen.getByRole('table', { name: 'Versions of id 2' });
  const rows = within(versions).getAllByRole('row').slice(1);
  expect(rows.map((row) => row.querySelector('th')?.textContent?.trim())).toEqual(['Stored in the table', 'a.csv, line 3', 'Wins b.csv, line 2']);
  // The stored city and amount (Oslo, 20) both differ from the winner's (Bergen, 22).
  expect(within(rows[0] as HTMLElement).getAllByRole('cell').map((cell) => cell.className)).toEqual(['', 'cell-differs', 'cell-differs']);

  await user.selectOptions(screen.getByRole('combobox', { name: 'When files repeat a key' }), 'first');
  await waitFor(() => expect(fake.calls('preview.summary')).toEqual([{ previewId: expect.any(String), conflictPolicy: 'first', files: ['/data/a.csv', '/data/b.csv'] }]));
  const reranked = await screen.findByRole('list', { name: 'Conflicts' });
  await user.click(await within(reranked).findByRole('button', { name: /id 2/ }));
  expect(winnerOf(screen.getByRole('table', { name: 'Versions of id 2' }))).toContain('a.csv, line 3');
  expect(fake.calls('preview.open')).toHaveLength(1);

  await user.click(screen.getByRole('button', { name: 'Load' }));
  expect(fake.calls('runs.start')).toEqual([{ connectionId: 'local', options: expect.objectContaining({ files: ['/data/a.csv', '/data/b.csv'], conflictPolicy: 'first', key: ['id'] }) }]);

  // Another order re-ranks the same session (no file is read again), and the load takes that order.
  await user.click(screen.getByRole('button', { name: 'Move b.csv up' }));
  await waitFor(() => expect(fake.calls('preview.summary').at(-1)).toEqual({ previewId: expect.any(String), conflictPolicy: 'first', files: ['/data/b.csv', '/data/a.csv'] }));
  expect(fake.calls('preview.open')).toHaveLength(1);
  expect(fake.calls('preview.close')).toEqual([]);
  await waitFor(() => expect((screen.getByRole('button', { name: 'Load' }) as HTMLButtonElement).disabled).toBe(false));
  await user.click(screen.getByRole('button', { name: 'Load' }));
  expect(fake.calls('runs.start').at(-1)).toEqual({ connectionId: 'local', options: expect.objectContaining({ files: ['/data/b.csv', '/data/a.csv'], conflictPolicy: 'first' }) });
});

test('a large file set waits for "Preview conflicts"; staging shows its progress and can be cancelled', async () => {
  const fake = previewApi();
  const opened: string[] = [];
  const large = { files: files.map((file) => ({ ...file, rowEstimate: 600_000 })), target: draft.target ?? initialDraft.target };
  const api = { ...fake.api, 'preview.open': async (input: HandlerInput<'preview.open'>) => {
    opened.push(input.previewId);
    return new Promise<PreviewSummary>(() => {});
  } };
  const { user } = renderScreen(createElement(PlanScreen, { onContinue: () => {}, onNavigate: () => {} }), { api, draft: large });
  await user.click(await screen.findByRole('button', { name: 'Preview conflicts' }));
  expect(opened).toHaveLength(1);
  fake.emit('preview.event', { previewId: opened[0] ?? '', event: { type: 'file-progress', file: { path: '/data/a.csv', stage: 'reading', bytesRead: 512, totalBytes: 2048, counts: recorded.summaries.last.totals, rowsPerSecond: 0, etaSeconds: null, stagedRows: 0, mergedRows: 0 } } });
  expect((await screen.findByRole('progressbar', { name: 'Staging the files' })).getAttribute('aria-valuetext')).toBe('512 B of 2.0 KB, 25%');

  await user.click(screen.getByRole('button', { name: 'Cancel' }));
  expect(fake.calls('preview.close')).toEqual([{ previewId: opened[0] }]);
  expect(screen.getByRole('button', { name: 'Preview conflicts' })).toBeTruthy();
});
