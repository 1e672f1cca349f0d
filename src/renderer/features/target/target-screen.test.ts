// @vitest-environment happy-dom
import '../../vitest.setup.ts';
import { screen, waitFor, within } from '@testing-library/react';
import { createElement } from 'react';
import { describe, expect, test, vi } from 'vitest';
import { ErrorCodes } from '../../../shared/errors.ts';
import type { MappingSuggestion, TableInfo } from '../../../shared/ipc/contract.ts';
import { ApiError } from '../../api/api-error.ts';
import type { MappingProfile } from '../../../shared/mapping-profile.ts';
import { createFakeApi, inMemoryProfiles, type Handlers } from '../../test/fake-api.ts';
import { connection, inspection } from '../../test/fixtures.ts';
import { initialDraft } from '../../draft/draft-state.ts';
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

function targetApi(profiles: { name: string; profile: MappingProfile }[] = [], overrides: Handlers = {}) {
  return createFakeApi({
    ...inMemoryProfiles(profiles),
    'connections.list': async () => [connection(), connection({ id: 'warehouse', name: 'Warehouse', builtin: false, hasPassword: false, host: 'db.internal' })],
    'tables.list': async () => [
      { schema: 'public', name: 'orders', rowEstimate: 125_000, columns: orders.columns.map(({ name, type }) => ({ name, type })) },
      { schema: 'sales', name: 'customers', rowEstimate: null, columns: [{ name: 'customer_id', type: 'bigint' }, { name: 'email', type: 'text' }] },
    ],
    'tables.describe': async ({ table }) => (table === 'public.orders' ? orders : null),
    'mapping.suggest': async ({ files: paths, map }) => suggest(paths, map ?? {}),
    ...overrides,
  });
}

describe('Target and mapping screen', () => {
  test('searches the tables (with row estimates and columns) and maps file columns; an unmatched one blocks Continue until skipped', async () => {
    const fake = targetApi();
    const onContinue = vi.fn();
    const { user } = renderScreen(createElement(TargetScreen, { onContinue }), { api: fake.api, draft: { files } });

    expect(((await screen.findByRole('combobox', { name: 'Connection' })) as HTMLSelectElement).value).toBe('local');
    const tables = await screen.findByRole('radiogroup', { name: 'Table' });
    expect(within(tables).getByRole('radio', { name: /public\.orders/ }).closest('label')?.textContent).toContain('≈ 125,000 rows');
    expect(within(tables).getByRole('radio', { name: /sales\.customers/ }).closest('label')?.textContent).toMatch(/rows unknown.*customer_id bigint, email text/);
    await user.type(screen.getByLabelText('Search tables'), 'ord');
    expect(within(tables).getAllByRole('radio').map((radio) => radio.getAttribute('value'))).toEqual(['public.orders']);
    // A column name finds its table too.
    await user.clear(screen.getByLabelText('Search tables'));
    await user.type(screen.getByLabelText('Search tables'), 'email');
    expect(within(tables).getAllByRole('radio').map((radio) => radio.getAttribute('value'))).toEqual(['sales.customers']);
    expect(within(tables).getByText('column email')).toBeTruthy();
    await user.clear(screen.getByLabelText('Search tables'));
    await user.click(within(tables).getByRole('radio', { name: /public\.orders/ }));

    const grid = await screen.findByRole('table', { name: 'Column mapping' });
    expect((within(grid).getByLabelText('Table column for id') as HTMLSelectElement).value).toBe('id');
    expect((within(grid).getByLabelText('Table column for Amount') as HTMLSelectElement).value).toBe('amount');
    const notes = within(grid).getByLabelText('Table column for notes') as HTMLSelectElement;
    expect(within(notes).getByRole('option', { selected: true }).textContent).toBe('— choose or skip —');
    const notesRow = notes.closest('[role="row"]') as HTMLElement;
    expect(within(notesRow).getByText('No match: choose or skip')).toBeTruthy();
    expect(within(notesRow).getByText('in 1 of 2 files')).toBeTruthy();
    expect(screen.getByText('Type warning: "Amount": numeric -> text')).toBeTruthy();
    expect(fake.calls('mapping.suggest')[0]).toEqual({ connectionId: 'local', table: 'public.orders', files: ['/data/orders-1.csv', '/data/orders-2.csv'], map: {}, overrides: {} });
    expect((screen.getByLabelText('Key') as HTMLSelectElement).selectedOptions[0]?.textContent).toBe('id (primary key)');

    const unmatched = screen.getByRole('list', { name: 'Unmatched file columns' });
    expect(within(unmatched).getAllByRole('listitem').map((item) => item.querySelector('strong')?.textContent)).toEqual(['notes']);
    const next = screen.getByRole('button', { name: 'Continue to preview' }) as HTMLButtonElement;
    expect(next.disabled).toBe(true);
    expect(within(screen.getByRole('list', { name: 'Before starting' })).getByText('1 file column matches no table column (notes): choose a table column or Skip for each.')).toBeTruthy();

    await user.click(within(unmatched).getByRole('button', { name: 'Skip notes' }));
    await waitFor(() => expect(fake.calls('mapping.suggest').at(-1)?.map).toEqual({ notes: null }));
    await waitFor(() => expect(next.disabled).toBe(false));
    expect(screen.queryByRole('list', { name: 'Unmatched file columns' })).toBeNull();
    expect(within(screen.getByLabelText('Table column for notes').closest('[role="row"]') as HTMLElement).getByText('Skipped by you')).toBeTruthy();
    await user.click(next);
    expect(onContinue).toHaveBeenCalledOnce();
  });

  test('"Skip all unmatched" skips every unmatched column; one can be mapped instead from the list', async () => {
    const fake = targetApi();
    const wide = [inspection('/data/orders-1.csv', { id: 'integer', notes: 'text', region: 'text', Amount: 'numeric' })];
    const draft = { files: wide, target: { ...initialTarget(), table: 'public.orders' } };
    const { user } = renderScreen(createElement(TargetScreen, { onContinue: vi.fn() }), { api: fake.api, draft });
    const unmatched = await screen.findByRole('list', { name: 'Unmatched file columns' });
    expect(within(unmatched).getAllByRole('listitem')).toHaveLength(2);
    // Only table columns nothing else feeds are offered.
    expect(within(within(unmatched).getByLabelText('Map notes to')).getAllByRole('option').map((option) => option.textContent)).toEqual(['Choose a table column', 'comment']);
    await user.selectOptions(within(unmatched).getByLabelText('Map notes to'), 'comment');
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'Unmatched file columns' })).getAllByRole('listitem')).toHaveLength(1));
    await user.click(screen.getByRole('button', { name: 'Skip all unmatched' }));
    await waitFor(() => expect(fake.calls('mapping.suggest').at(-1)?.map).toEqual({ notes: 'comment', region: null }));
    await waitFor(() => expect((screen.getByRole('button', { name: 'Continue to preview' }) as HTMLButtonElement).disabled).toBe(false));
  });

  test('a table without a primary key or unique index: upsert is refused beside the button, append is allowed', async () => {
    const log: TableInfo = { ...orders, name: 'log', uniqueKeys: [] };
    const fake = createFakeApi({
      ...inMemoryProfiles(),
      'connections.list': async () => [connection()],
      'tables.list': async () => [{ schema: 'public', name: 'log', rowEstimate: 3, columns: [] }],
      'tables.describe': async () => log,
      'mapping.suggest': async ({ files: paths }) => paths.map((path) => ({ path, mapped: [{ source: 'id', target: 'id', how: 'exact' as const }], skipped: [], warnings: [], error: null })),
    });
    const draft = { files: [inspection('/data/log.csv', { id: 'integer' })], target: { ...initialTarget(), table: 'public.log' } };
    const { user } = renderScreen(createElement(TargetScreen, { onContinue: vi.fn() }), { api: fake.api, draft });
    const reason = 'This table has no primary key or unique index: choose Append, or add a key to the table.';
    expect(await within(await screen.findByRole('list', { name: 'Before starting' })).findByText(reason)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Continue to preview' }) as HTMLButtonElement).disabled).toBe(true);
    await user.selectOptions(screen.getByLabelText('Mode'), 'Append');
    await waitFor(() => expect((screen.getByRole('button', { name: 'Continue to preview' }) as HTMLButtonElement).disabled).toBe(false));
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
    expect(within(notes).getByRole('option', { selected: true }).textContent).toBe('— choose or skip —');
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

    await screen.findByRole('radiogroup', { name: 'Table' });
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
  return { ...initialDraft.target };
}

describe('Target and mapping screen when the database cannot answer', () => {
  test('a table that cannot be read blocks Continue with the reason, not an endless wait', async () => {
    const failing = targetApi([], { 'tables.describe': async () => Promise.reject(new ApiError({ code: ErrorCodes.connection, message: 'connection refused' })) });
    const draft = { files, target: { ...initialTarget(), table: 'public.orders' } };
    renderScreen(createElement(TargetScreen, { onContinue: vi.fn() }), { api: failing.api, draft });
    const reasons = await screen.findByRole('list', { name: 'Before starting' });
    expect(await within(reasons).findByText('Could not read public.orders: connection refused')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Continue to preview' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
