// @vitest-environment happy-dom
import '../../vitest.setup.ts';
import { screen, waitFor, within } from '@testing-library/react';
import { createElement } from 'react';
import { describe, expect, test, vi } from 'vitest';
import { ErrorCodes } from '../../../shared/errors.ts';
import type { FilePreview } from '../../../shared/ipc/contract.ts';
import { createFakeApi, inMemoryFiles } from '../../test/fake-api.ts';
import { inspection } from '../../test/fixtures.ts';
import { renderScreen } from '../../test/render.tsx';
import { FilesScreen } from './files-screen.tsx';

function grid(name: string): HTMLElement {
  return screen.getByRole('grid', { name: `First rows of ${name}` });
}

/** Header texts (name and type), then each rendered row's line number and cells, as text. */
function gridText(name: string): string[][] {
  return within(grid(name))
    .getAllByRole('row')
    .map((row) => [...row.querySelectorAll('[role=columnheader], [role=rowheader], [role=gridcell]')].map((cell) => cell.textContent ?? ''));
}

function renderFiles(contents: Record<string, string>, preview?: (path: string) => FilePreview) {
  const files = inMemoryFiles(contents);
  const fake = createFakeApi({ ...files, ...(preview ? { 'files.preview': async ({ path }) => preview(path) } : {}) });
  const draft = { files: Object.keys(contents).map((path) => inspection(path, {})) };
  return { fake, ...renderScreen(createElement(FilesScreen, { onContinue: vi.fn() }), { api: fake.api, draft }) };
}

describe('Row preview', () => {
  test('shows the first rows with line numbers, column names and types, NULLs, and marks the cells that would be rejected', async () => {
    const { fake, user } = renderFiles({ '/data/orders.csv': '' }, (path) => ({
      path,
      format: 'CSV, comma-separated, utf-8, header row, LF',
      columns: [
        { name: 'id', pgType: 'bigint' },
        { name: 'amount', pgType: 'numeric' },
      ],
      rows: [
        ['1', '2.50'],
        ['2', 'oops'],
        ['3', null],
      ],
      lines: [2, 3, 5],
      invalidCells: [{ row: 1, column: 1, reason: 'invalid input syntax for type numeric: "oops"' }],
      error: null,
    }));
    const toggle = screen.getByRole('button', { name: 'Preview rows of orders.csv' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');

    await user.click(toggle);

    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    await screen.findByRole('grid', { name: 'First rows of orders.csv' });
    expect(fake.calls('files.preview')).toEqual([{ path: '/data/orders.csv', overrides: {} }]);
    expect(gridText('orders.csv')).toEqual([
      ['Line', 'idbigint', 'amountnumeric'],
      ['2', '1', '2.50'],
      ['3', '2', '⚠oops (will be rejected: invalid input syntax for type numeric: "oops")'],
      ['5', '3', 'NULL'],
    ]);
    const bad = within(grid('orders.csv')).getByRole('gridcell', { name: /will be rejected/ });
    expect(bad.className).toContain('cell-invalid');
    expect(bad.getAttribute('title')).toBe('invalid input syntax for type numeric: "oops"');
    const region = screen.getByRole('region', { name: 'Row preview of orders.csv' });
    expect(within(region).getByText('⚠ 1 cell would be rejected').className).toContain('chip-danger');
    expect(within(region).getByText(/first 3 rows/)).toBeTruthy();

    await user.click(within(region).getByRole('button', { name: 'Close the row preview of orders.csv' }));
    expect(screen.queryByRole('grid')).toBeNull();
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
  });

  test('is read again when the delimiter, the NULL string or a custom delimiter is chosen', async () => {
    const { fake, user } = renderFiles({ '/data/a.csv': 'x;y,z\n1;NULL,2\n' });
    await user.click(screen.getByRole('button', { name: 'Preview rows of a.csv' }));
    await screen.findByRole('grid', { name: 'First rows of a.csv' });
    expect(gridText('a.csv')).toEqual([
      ['Line', 'x;ytext', 'ztext'],
      ['2', '1;NULL', '2'],
    ]);

    await user.click(screen.getByRole('button', { name: 'Change format of a.csv' }));
    const format = screen.getByRole('group', { name: 'Format of a.csv' });
    await user.selectOptions(within(format).getByLabelText('Delimiter'), 'Semicolon ( ; )');
    await waitFor(() =>
      expect(gridText('a.csv')).toEqual([
        ['Line', 'xtext', 'y,ztext'],
        ['2', '1', 'NULL,2'],
      ]),
    );

    await user.selectOptions(within(format).getByLabelText('NULL written as'), 'Other…');
    await user.type(within(format).getByRole('textbox', { name: 'Custom NULL text' }), 'NULL,2{Enter}');
    await waitFor(() => expect(gridText('a.csv')[1]).toEqual(['2', '1', 'NULL']));
    expect(fake.calls('files.preview').at(-1)).toEqual({ path: '/data/a.csv', overrides: { delimiter: ';', nullString: 'NULL,2' } });

    await user.selectOptions(within(format).getByLabelText('Delimiter'), 'Other…');
    const custom = within(format).getByRole('textbox', { name: 'Custom delimiter' });
    await user.type(custom, ',');
    await user.tab();
    await waitFor(() => expect(gridText('a.csv')[0]).toEqual(['Line', 'x;ytext', 'ztext']));
    expect(fake.calls('files.inspect').at(-1)).toEqual({ paths: ['/data/a.csv'], overrides: { '/data/a.csv': { delimiter: ',', nullString: 'NULL,2' } } });
  });

  test('every new CSV option has a named control that becomes an override', async () => {
    const { fake, user } = renderFiles({ '/data/a.csv': 'd\n31/12/2024\n' });
    await user.click(screen.getByRole('button', { name: 'Change format of a.csv' }));
    const format = screen.getByRole('group', { name: 'Format of a.csv' });
    await user.selectOptions(within(format).getByLabelText('Escape'), 'Backslash ( \\ )');
    await user.selectOptions(within(format).getByLabelText('Dates'), 'DD/MM/YYYY');
    await user.type(within(format).getByRole('textbox', { name: 'Time zone for timestamps without one' }), 'Europe/Berlin{Enter}');
    await user.click(within(format).getByRole('checkbox', { name: 'Decimal comma ( 1.234,56 )' }));
    await user.click(within(format).getByRole('checkbox', { name: 'Trim spaces around fields' }));
    expect(fake.calls('files.inspect').at(-1)?.overrides).toEqual({
      '/data/a.csv': { escape: '\\', dateFormat: 'DD/MM/YYYY', timeZone: 'Europe/Berlin', decimalComma: true, trim: true },
    });
    await user.click(within(format).getByRole('checkbox', { name: 'Trim spaces around fields' }));
    expect(fake.calls('files.inspect').at(-1)?.overrides?.['/data/a.csv']).not.toHaveProperty('trim');
  });

  test('2,000 columns: only the cells in view are rendered', async () => {
    const columns = Array.from({ length: 2000 }, (_, i) => ({ name: `c${i}`, pgType: 'bigint' }));
    const { user } = renderFiles({ '/data/wide.csv': '' }, (path) => ({
      path,
      format: 'CSV',
      columns,
      rows: Array.from({ length: 100 }, (_, r) => columns.map((_, c) => String(r * c))),
      lines: Array.from({ length: 100 }, (_, r) => r + 2),
      invalidCells: [],
      error: null,
    }));
    await user.click(screen.getByRole('button', { name: 'Preview rows of wide.csv' }));
    const wide = await screen.findByRole('grid', { name: 'First rows of wide.csv' });
    expect(wide.getAttribute('aria-colcount')).toBe('2001');
    expect(wide.getAttribute('aria-rowcount')).toBe('101');
    const cells = within(wide).getAllByRole('gridcell');
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.length).toBeLessThan(1000);
    expect(within(wide).getAllByRole('columnheader').length).toBeLessThan(30);
  });

  test('a file that cannot be read with the chosen format says why', async () => {
    const { user } = renderFiles({ '/data/broken.csv': '' }, (path) => ({
      path,
      format: 'unreadable',
      columns: [],
      rows: [],
      lines: [],
      invalidCells: [],
      error: { code: ErrorCodes.fileCorrupt, message: 'Unterminated quoted field: the quote opened on line 3 is never closed.', file: path, line: 3 },
    }));
    await user.click(screen.getByRole('button', { name: 'Preview rows of broken.csv' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('broken.csv cannot be read with this format');
    expect(alert.textContent).toContain('Unterminated quoted field');
    expect(screen.queryByRole('grid')).toBeNull();
  });
});
