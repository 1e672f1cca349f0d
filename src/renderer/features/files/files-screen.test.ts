// @vitest-environment happy-dom
import '../../vitest.setup.ts';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { createElement, Fragment } from 'react';
import { describe, expect, test, vi } from 'vitest';
import { ErrorCodes } from '../../../shared/errors.ts';
import { ApiError } from '../../api/api-error.ts';
import { initialDraft } from '../../draft/draft-state.ts';
import { createFakeApi, inMemoryFiles } from '../../test/fake-api.ts';
import { connection, inspection } from '../../test/fixtures.ts';
import { renderScreen } from '../../test/render.tsx';
import { RunScreen } from '../run/run-screen.tsx';
import { FilesScreen } from './files-screen.tsx';

const inspections = {
  '/uploads/orders.csv': inspection('/uploads/orders.csv', { id: 'integer', amount: 'numeric' }),
  '/uploads/broken.parquet': inspection('/uploads/broken.parquet', {}, { type: null, format: '', error: { code: ErrorCodes.fileCorrupt, message: 'not a Parquet file' } }),
};

function inspectingApi() {
  return createFakeApi({
    'files.inspect': async ({ paths }) => paths.map((path) => inspections[path as keyof typeof inspections] ?? inspection(path, { id: 'integer' })),
  });
}

function columnsOf(name: string): string[] {
  const list = within(screen.getByRole('article', { name })).getByRole('list', { name: `Columns of ${name}` });
  return within(list)
    .getAllByRole('listitem')
    .map((item) => item.textContent ?? '');
}

/** The Files and Run screens over one draft, as the app has them, with CSV text in memory. */
function renderFilesAndRun(contents: Record<string, string>) {
  const fake = createFakeApi({
    ...inMemoryFiles(contents),
    'connections.list': async () => [connection()],
    'connections.test': async () => ({ serverVersion: '17.2', freeConnections: 40, recommended: { concurrency: 4, internalConcurrency: 2 } }),
    // Start waits until the table is read and every file column is mapped: a table that takes any column.
    'tables.describe': async () => ({ schema: 'public', name: 'orders', columns: [], uniqueKeys: [{ name: 'orders_pkey', columns: [], primary: true }] }),
    'mapping.suggest': async ({ files, overrides }) =>
      (await inMemoryFiles(contents)['files.inspect']({ paths: files, overrides })).map((file) => ({
        path: file.path,
        mapped: file.columns.map((column) => ({ source: column.name, target: column.name, how: 'exact' as const })),
        skipped: [],
        warnings: [],
        error: null,
      })),
    'runs.start': async () => ({ runId: 'run-1' }),
  });
  const screens = createElement(Fragment, null, createElement(FilesScreen, { onContinue: vi.fn() }), createElement(RunScreen));
  const view = renderScreen(screens, { api: fake.api, draft: { target: { ...initialDraft.target, table: 'public.orders' } } });
  return { fake, ...view };
}

function fileNames(): string[] {
  const list = screen.getByRole('list', { name: 'Files in load order' });
  return within(list)
    .getAllByRole('article')
    .map((row) => row.getAttribute('aria-label') ?? '');
}

describe('Files screen', () => {
  test('inspects picked files and shows what was detected, errors inline', async () => {
    const fake = inspectingApi();
    const { user } = renderScreen(createElement(FilesScreen, { onContinue: vi.fn() }), { api: fake.api });
    expect(screen.getByText('No files yet')).toBeTruthy();

    await user.upload(screen.getByLabelText('Add files'), [new File(['id,amount'], 'orders.csv'), new File(['x'], 'broken.parquet')]);

    await screen.findByRole('article', { name: 'orders.csv' });
    expect(fake.calls('files.inspect')).toEqual([{ paths: ['/uploads/orders.csv', '/uploads/broken.parquet'] }]);
    const orders = screen.getByRole('article', { name: 'orders.csv' });
    expect(within(orders).getByText("csv, ',' separated, UTF-8, header")).toBeTruthy();
    expect(within(within(orders).getByRole('list', { name: 'Columns of orders.csv' })).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'id integer',
      'amount numeric',
    ]);
    const broken = screen.getByRole('article', { name: 'broken.parquet' });
    expect(within(broken).getByText('not a Parquet file')).toBeTruthy();
    expect(within(broken).getByText(`Code ${ErrorCodes.fileCorrupt}`)).toBeTruthy();
  });

  test('adds dropped files', async () => {
    const fake = inspectingApi();
    renderScreen(createElement(FilesScreen, { onContinue: vi.fn() }), { api: fake.api });
    const dropZone = screen.getByRole('button', { name: /drop files or folders here/i });

    fireEvent.drop(dropZone, { dataTransfer: { files: [new File(['id'], 'a.csv')] } });

    await screen.findByRole('article', { name: 'a.csv' });
    expect(fake.calls('files.inspect')).toEqual([{ paths: ['/uploads/a.csv'] }]);
  });

  test('the drop zone opens the file picker from the keyboard', async () => {
    const fake = inspectingApi();
    const { user } = renderScreen(createElement(FilesScreen, { onContinue: vi.fn() }), { api: fake.api });
    const picker = screen.getByLabelText('Add files');
    const click = vi.spyOn(picker, 'click');

    screen.getByRole('button', { name: /drop files or folders here/i }).focus();
    await user.keyboard('{Enter}');

    expect(click).toHaveBeenCalled();
  });

  test('removing and moving files changes the load order', async () => {
    const fake = inspectingApi();
    const draft = { files: ['a.csv', 'b.csv', 'c.csv'].map((name) => inspection(`/data/${name}`, { id: 'integer' })) };
    const { user } = renderScreen(createElement(FilesScreen, { onContinue: vi.fn() }), { api: fake.api, draft });
    expect(fileNames()).toEqual(['a.csv', 'b.csv', 'c.csv']);

    await user.click(screen.getByRole('button', { name: 'Move c.csv up' }));
    expect(fileNames()).toEqual(['a.csv', 'c.csv', 'b.csv']);

    await user.click(screen.getByRole('button', { name: 'Move a.csv down' }));
    expect(fileNames()).toEqual(['c.csv', 'a.csv', 'b.csv']);

    await user.click(screen.getByRole('button', { name: 'Move c.csv up' }));
    expect(fileNames()).toEqual(['c.csv', 'a.csv', 'b.csv']);

    await user.click(screen.getByRole('button', { name: 'Remove a.csv' }));
    expect(fileNames()).toEqual(['c.csv', 'b.csv']);
  });

  test('a failed inspection stays visible until dismissed', async () => {
    const fake = createFakeApi({
      'files.inspect': async () => {
        throw new ApiError({ code: ErrorCodes.fileNotFound, message: 'no such file: /uploads/gone.csv' });
      },
    });
    const { user } = renderScreen(createElement(FilesScreen, { onContinue: vi.fn() }), { api: fake.api });

    await user.upload(screen.getByLabelText('Add files'), new File(['x'], 'gone.csv'));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('no such file: /uploads/gone.csv');
    expect(alert.textContent).toContain(ErrorCodes.fileNotFound);
    await user.click(within(alert).getByRole('button', { name: /dismiss/i }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  test('on the web host a file shows as an uploaded copy, never by its temporary path; on the desktop by its path', async () => {
    const draft = { files: [inspection('/tmp/keyload-uploads-x1/ab12/orders.csv', { id: 'integer' })] };
    const system = (host: 'web' | 'electron') => createFakeApi({ 'system.info': async () => ({ cores: 2, host, canStorePasswords: host === 'electron' }) }).api;
    const web = renderScreen(createElement(FilesScreen, { onContinue: vi.fn() }), { api: system('web'), draft });
    const card = screen.getByRole('article', { name: 'orders.csv' });
    expect(await within(card).findByText(/Uploaded copy/)).toBeTruthy();
    expect(within(card).queryByText(/keyload-uploads/)).toBeNull();
    web.unmount();
    renderScreen(createElement(FilesScreen, { onContinue: vi.fn() }), { api: system('electron'), draft });
    expect(await within(screen.getByRole('article', { name: 'orders.csv' })).findByText('/tmp/keyload-uploads-x1/ab12/orders.csv')).toBeTruthy();
  });

  test("shows each file's rows: exact for Parquet, estimated for CSV, nothing when unknown", () => {
    const draft = {
      files: [
        inspection('/data/exact.parquet', { id: 'integer' }, { rowEstimate: 1204 }),
        inspection('/data/sampled.csv', { id: 'integer' }, { rowEstimate: 1187 }),
        inspection('/data/one.csv', { id: 'integer' }, { rowEstimate: 1 }),
        inspection('/data/packed.csv.gz', { id: 'integer' }, { rowEstimate: null }),
      ],
    };
    renderScreen(createElement(FilesScreen, { onContinue: vi.fn() }), { api: createFakeApi({}).api, draft });

    expect(within(screen.getByRole('article', { name: 'exact.parquet' })).getByText('1,204 rows')).toBeTruthy();
    expect(within(screen.getByRole('article', { name: 'sampled.csv' })).getByText('≈ 1,200 rows')).toBeTruthy();
    expect(within(screen.getByRole('article', { name: 'one.csv' })).getByText('≈ 1 row')).toBeTruthy();
    expect(within(screen.getByRole('article', { name: 'packed.csv.gz' })).queryByText(/\brows?\b/)).toBeNull();
  });

  test('choosing a delimiter reads the file again with it, and the run carries it as a file override', async () => {
    const { fake, user } = renderFilesAndRun({ '/uploads/ambiguous.csv': 'a;b,c\n1;2,3\n' });
    await user.upload(screen.getByLabelText('Add files'), new File(['a;b,c\n1;2,3\n'], 'ambiguous.csv'));
    await screen.findByRole('article', { name: 'ambiguous.csv' });
    expect(columnsOf('ambiguous.csv')).toEqual(['a;b text', 'c text']);

    const toggle = screen.getByRole('button', { name: 'Change format of ambiguous.csv' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    await user.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const format = screen.getByRole('group', { name: 'Format of ambiguous.csv' });
    const delimiter = within(format).getByLabelText('Delimiter') as HTMLSelectElement;
    expect(within(delimiter).getByRole('option', { selected: true }).textContent).toBe('Detected');

    await user.selectOptions(delimiter, 'Semicolon ( ; )');

    expect(fake.calls('files.inspect').at(-1)).toEqual({ paths: ['/uploads/ambiguous.csv'], overrides: { '/uploads/ambiguous.csv': { delimiter: ';' } } });
    await waitFor(() => expect(columnsOf('ambiguous.csv')).toEqual(['a text', 'b,c text']));
    expect(within(screen.getByRole('article', { name: 'ambiguous.csv' })).getByText('format set by you')).toBeTruthy();

    const start = screen.getByRole('button', { name: 'Start' }) as HTMLButtonElement;
    await waitFor(() => expect(start.disabled).toBe(false));
    await user.click(start);
    expect(fake.calls('runs.start')[0]?.options).toMatchObject({
      files: ['/uploads/ambiguous.csv'],
      fileOverrides: { '/uploads/ambiguous.csv': { delimiter: ';' } },
    });
  });

  test('"Detected" drops the override, and Parquet leaves no dialect to choose', async () => {
    const fake = createFakeApi(inMemoryFiles({ '/data/a.csv': 'id|name\n1|x\n' }));
    const draft = { files: [inspection('/data/a.csv', { 'id|name': 'text' })], overrides: { '/data/a.csv': { delimiter: '|' as const, hasHeader: false } } };
    const { user } = renderScreen(createElement(FilesScreen, { onContinue: vi.fn() }), { api: fake.api, draft });
    await user.click(screen.getByRole('button', { name: 'Change format of a.csv' }));
    const format = screen.getByRole('group', { name: 'Format of a.csv' });

    await user.selectOptions(within(format).getByLabelText('Header'), 'Detected');
    expect(fake.calls('files.inspect').at(-1)).toEqual({ paths: ['/data/a.csv'], overrides: { '/data/a.csv': { delimiter: '|' } } });
    await waitFor(() => expect(columnsOf('a.csv')).toEqual(['id text', 'name text']));

    await user.selectOptions(within(format).getByLabelText('Delimiter'), 'Detected');
    expect(fake.calls('files.inspect').at(-1)).toEqual({ paths: ['/data/a.csv'], overrides: { '/data/a.csv': {} } });
    await waitFor(() => expect(within(screen.getByRole('article', { name: 'a.csv' })).queryByText('format set by you')).toBeNull());

    await user.selectOptions(within(format).getByLabelText('File type'), 'Parquet');
    expect(fake.calls('files.inspect').at(-1)).toEqual({ paths: ['/data/a.csv'], overrides: { '/data/a.csv': { fileType: 'parquet' } } });
    for (const label of ['Delimiter', 'Quote', 'Encoding', 'Header']) expect((within(format).getByLabelText(label) as HTMLSelectElement).disabled).toBe(true);
    expect(await within(screen.getByRole('article', { name: 'a.csv' })).findByText(/is not a Parquet file/)).toBeTruthy();
  });

  test('a file added again is read with the format chosen for it', async () => {
    const fake = createFakeApi(inMemoryFiles({ '/uploads/a.csv': 'x;y\n' }));
    const draft = { files: [inspection('/uploads/a.csv', { 'x;y': 'text' })], overrides: { '/uploads/a.csv': { delimiter: ';' as const } } };
    const { user } = renderScreen(createElement(FilesScreen, { onContinue: vi.fn() }), { api: fake.api, draft });

    await user.upload(screen.getByLabelText('Add files'), new File(['x;y\n'], 'a.csv'));

    expect(fake.calls('files.inspect')).toEqual([{ paths: ['/uploads/a.csv'], overrides: { '/uploads/a.csv': { delimiter: ';' } } }]);
    await waitFor(() => expect(columnsOf('a.csv')).toEqual(['x text', 'y text']));
  });
});
