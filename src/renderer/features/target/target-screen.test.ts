// @vitest-environment happy-dom
import '../../vitest.setup.ts';
import { screen, waitFor, within } from '@testing-library/react';
import { createElement } from 'react';
import { describe, expect, test, vi } from 'vitest';
import type { MappingSuggestion, TableInfo } from '../../../shared/ipc/contract.ts';
import type { MappingProfile } from '../../../shared/mapping-profile.ts';
import { createFakeApi, inMemoryProfiles } from '../../test/fake-api.ts';
import { connection, inspection } from '../../test/fixtures.ts';
import { renderScreen } from '../../test/render.tsx';
import { TargetScreen } from './target-screen.tsx';

const files = [
  inspection('/data/orders-1.csv', { id: 'integer', Amount: 'numeric', notes: 'text' }),
  inspection('/data/orders-2.csv', { id: 'integer', Amount: 'numeric' }),
];

const orders: TableInfo = {
  schema: 'public',
  name: 'orders',
  columns: ['id', 'amount', 'comment'].map((name) => ({ name, type: 'text', notNull: name === 'id', hasDefault: false, generated: false })),
  uniqueKeys: [{ name: 'orders_pkey', columns: ['id'], primary: true }],
};

/** The engine's matching in miniature: explicit choices, then exact, then case-insensitive names. */
function suggest(paths: string[], map: Record<string, string | null>): MappingSuggestion[] {
  const targets = orders.columns.map((column) => column.name);
  return paths.map((path) => {
    const columns = files.find((file) => file.path === path)?.columns.map((column) => column.name) ?? [];
    const suggestion: MappingSuggestion = { path, mapped: [], skipped: [], warnings: [], error: null };
    for (const source of columns) {
      const explicit = map[source];
      const similar = targets.find((target) => target === source.toLowerCase());
      if (source in map && explicit) suggestion.mapped.push({ source, target: explicit, how: 'explicit' });
      else if (source in map) suggestion.skipped.push(source);
      else if (targets.includes(source)) suggestion.mapped.push({ source, target: source, how: 'exact' });
      else if (similar) suggestion.mapped.push({ source, target: similar, how: 'normalized' });
      else suggestion.skipped.push(source);
    }
    if (path.endsWith('orders-2.csv')) suggestion.warnings.push('"Amount": numeric -> text');
    return suggestion;
  });
}

function targetApi(profiles: { name: string; profile: MappingProfile }[] = []) {
  return createFakeApi({
    ...inMemoryProfiles(profiles),
    'connections.list': async () => [connection(), connection({ id: 'warehouse', name: 'Warehouse', builtin: false, hasPassword: false, host: 'db.internal' })],
    'tables.list': async () => [
      { schema: 'public', name: 'orders' },
      { schema: 'sales', name: 'customers' },
    ],
    'tables.describe': async ({ table }) => (table === 'public.orders' ? orders : null),
    'mapping.suggest': async ({ files: paths, map }) => suggest(paths, map ?? {}),
  });
}

describe('Target and mapping screen', () => {
  test('searches the tables of the default connection and maps file columns, unmatched ones skipped', async () => {
    const fake = targetApi();
    const { user } = renderScreen(createElement(TargetScreen, { onContinue: vi.fn() }), { api: fake.api, draft: { files } });

    expect(((await screen.findByRole('combobox', { name: 'Connection' })) as HTMLSelectElement).value).toBe('local');
    await user.type(await screen.findByLabelText('Search tables'), 'ord');
    const tables = screen.getByRole('listbox', { name: 'Table' });
    expect(within(tables).getAllByRole('option').map((option) => option.textContent)).toEqual(['public.orders']);
    await user.selectOptions(tables, 'public.orders');

    const grid = await screen.findByRole('table', { name: 'Column mapping' });
    expect((within(grid).getByLabelText('Table column for id') as HTMLSelectElement).value).toBe('id');
    expect((within(grid).getByLabelText('Table column for Amount') as HTMLSelectElement).value).toBe('amount');
    const notes = within(grid).getByLabelText('Table column for notes') as HTMLSelectElement;
    expect(notes.value).toBe('');
    expect(within(notes).getByRole('option', { selected: true }).textContent).toBe('— skip —');
    const notesRow = notes.closest('[role="row"]') as HTMLElement;
    expect(within(notesRow).getByText('No match: skipped')).toBeTruthy();
    expect(within(notesRow).getByText('in 1 of 2 files')).toBeTruthy();
    expect(screen.getByText('Type warning: "Amount": numeric -> text')).toBeTruthy();
    expect(fake.calls('mapping.suggest')[0]).toEqual({ connectionId: 'local', table: 'public.orders', files: ['/data/orders-1.csv', '/data/orders-2.csv'], map: {}, overrides: {} });
    expect((screen.getByLabelText('Key') as HTMLSelectElement).selectedOptions[0]?.textContent).toBe('id (primary key)');
  });

  test('editing a row asks the engine again with the choice, and the profile saves the mapping', async () => {
    const fake = targetApi();
    const draft = { files, target: { ...initialTarget(), table: 'public.orders' } };
    const { user } = renderScreen(createElement(TargetScreen, { onContinue: vi.fn() }), { api: fake.api, draft });

    await user.selectOptions(await screen.findByLabelText('Table column for notes'), 'comment');
    await user.selectOptions(screen.getByLabelText('Table column for Amount'), '— skip —');

    await waitFor(() => expect(fake.calls('mapping.suggest').at(-1)?.map).toEqual({ notes: 'comment', Amount: null }));
    const notesRow = screen.getByLabelText('Table column for notes').closest('[role="row"]') as HTMLElement;
    expect(within(notesRow).getByText('Your choice')).toBeTruthy();
    const amountRow = screen.getByLabelText('Table column for Amount').closest('[role="row"]') as HTMLElement;
    expect(within(amountRow).getByText('Skipped by you')).toBeTruthy();

    await user.type(screen.getByLabelText('Profile name'), 'orders');
    await user.click(screen.getByRole('button', { name: 'Save mapping profile' }));

    expect(await screen.findByText('Saved mapping profile “orders”.')).toBeTruthy();
    expect(fake.calls('profiles.save')).toEqual([
      { name: 'orders', profile: { version: 1, columns: { id: 'id', Amount: null, notes: 'comment' }, table: 'public.orders' } },
    ]);
  });

  test('loading a profile applies its mapping to the grid and asks the engine with it', async () => {
    const fake = targetApi([
      { name: 'Orders with notes', profile: { version: 1, columns: { notes: 'comment', Amount: null }, table: 'public.orders', key: ['id'] } },
      { name: 'bare', profile: { version: 1, columns: {} } },
    ]);
    const draft = { files, target: { ...initialTarget(), table: 'public.orders' } };
    const { user } = renderScreen(createElement(TargetScreen, { onContinue: vi.fn() }), { api: fake.api, draft });
    const notes = (await screen.findByLabelText('Table column for notes')) as HTMLSelectElement;
    expect(notes.value).toBe('');
    const load = screen.getByLabelText('Load mapping profile') as HTMLSelectElement;
    await waitFor(() => expect(load.disabled).toBe(false));
    expect(within(load).getAllByRole('option').map((option) => option.textContent)).toEqual(['Choose a profile', 'bare', 'Orders with notes (public.orders)']);

    await user.selectOptions(load, 'Orders with notes (public.orders)');

    expect(screen.getByText('Loaded mapping profile “Orders with notes”; columns it does not name are matched again.')).toBeTruthy();
    await waitFor(() => expect(fake.calls('mapping.suggest').at(-1)?.map).toEqual({ notes: 'comment', Amount: null }));
    const grid = screen.getByRole('table', { name: 'Column mapping' });
    expect((within(grid).getByLabelText('Table column for notes') as HTMLSelectElement).value).toBe('comment');
    expect((within(grid).getByLabelText('Table column for Amount') as HTMLSelectElement).value).toBe('');
    expect((within(grid).getByLabelText('Table column for id') as HTMLSelectElement).value).toBe('id');
    const notesRow = within(grid).getByLabelText('Table column for notes').closest('[role="row"]') as HTMLElement;
    expect(within(notesRow).getByText('Your choice')).toBeTruthy();
    const amountRow = within(grid).getByLabelText('Table column for Amount').closest('[role="row"]') as HTMLElement;
    expect(within(amountRow).getByText('Skipped by you')).toBeTruthy();
  });

  test('with no saved profiles the loader says so, and a profile saved here becomes loadable', async () => {
    const fake = targetApi();
    const draft = { files, target: { ...initialTarget(), table: 'public.orders' } };
    const { user } = renderScreen(createElement(TargetScreen, { onContinue: vi.fn() }), { api: fake.api, draft });

    expect(await screen.findByText('No mapping profiles saved yet. Save this mapping to reuse it.')).toBeTruthy();
    const load = screen.getByLabelText('Load mapping profile') as HTMLSelectElement;
    expect(load.disabled).toBe(true);

    await user.type(screen.getByLabelText('Profile name'), 'orders');
    await user.click(screen.getByRole('button', { name: 'Save mapping profile' }));

    await waitFor(() => expect(load.disabled).toBe(false));
    expect(within(load).getByRole('option', { name: 'orders (public.orders)' })).toBeTruthy();
  });

  test('asks for the password of a connection that stores none before listing its tables', async () => {
    const fake = targetApi();
    const { user } = renderScreen(createElement(TargetScreen, { onContinue: vi.fn() }), { api: fake.api, draft: { files } });

    await user.selectOptions(await screen.findByRole('combobox', { name: 'Connection' }), 'warehouse');
    expect(screen.getByText('Enter the password above to list the tables.')).toBeTruthy();
    expect(fake.calls('tables.list').filter((call) => call.connectionId === 'warehouse')).toEqual([]);

    await user.type(screen.getByLabelText('Password for Warehouse'), 's3cret');
    await user.click(screen.getByRole('button', { name: 'Connect' }));

    await screen.findByRole('listbox', { name: 'Table' });
    expect(fake.calls('tables.list').at(-1)).toEqual({ connectionId: 'warehouse', password: 's3cret' });
  });

  test('a new table takes its columns and key from the files', async () => {
    const fake = targetApi();
    const { user } = renderScreen(createElement(TargetScreen, { onContinue: vi.fn() }), { api: fake.api, draft: { files } });

    await user.click(await screen.findByRole('radio', { name: 'Create new table' }));
    await user.type(screen.getByLabelText('New table name'), 'staging.orders');
    await user.selectOptions(screen.getByLabelText('Key columns'), ['id']);
    await user.selectOptions(screen.getByLabelText('Table column for notes'), '— skip —');

    expect(within(screen.getByLabelText('Table column for id').closest('[role="row"]') as HTMLElement).getByText('New column')).toBeTruthy();
    expect(within(screen.getByLabelText('Table column for notes').closest('[role="row"]') as HTMLElement).getByText('Skipped by you')).toBeTruthy();
    expect(fake.calls('mapping.suggest')).toEqual([]);
  });
});

function initialTarget() {
  return { connectionId: null, table: null, createTable: false, newTable: '', key: [], mode: 'upsert' as const, conflictPolicy: 'last' as const, versionColumn: '', map: {} };
}
