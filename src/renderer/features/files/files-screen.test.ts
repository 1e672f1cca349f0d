// @vitest-environment happy-dom
import '../../vitest.setup.ts';
import { fireEvent, screen, within } from '@testing-library/react';
import { createElement } from 'react';
import { describe, expect, test, vi } from 'vitest';
import { ErrorCodes } from '../../../shared/errors.ts';
import { ApiError } from '../../api/api-error.ts';
import { createFakeApi } from '../../test/fake-api.ts';
import { inspection } from '../../test/fixtures.ts';
import { renderScreen } from '../../test/render.tsx';
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
    expect(within(broken).getByText(/not a Parquet file/).textContent).toContain(ErrorCodes.fileCorrupt);
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
});
