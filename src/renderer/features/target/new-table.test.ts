// @vitest-environment happy-dom
import '../../vitest.setup.ts';
import { act, screen, waitFor, within } from '@testing-library/react';
import { createElement, Fragment } from 'react';
import { describe, expect, test, vi } from 'vitest';
import type { FileInspection, MappingSuggestion, ProposedColumn, TableInfo, TableSummary } from '../../../shared/ipc/contract.ts';
import { useDraftDispatch } from '../../draft/draft-context.tsx';
import { initialDraft } from '../../draft/draft-state.ts';
import { createFakeApi, inMemoryProfiles } from '../../test/fake-api.ts';
import { connection, inspection } from '../../test/fixtures.ts';
import { renderScreen } from '../../test/render.tsx';
import { RunScreen } from '../run/run-screen.tsx';
import { TargetScreen } from './target-screen.tsx';

const customersA = inspection('/uploads/customers-a.csv', { customer_id: 'bigint', email: 'text', signup_date: 'date', lifetime_value: 'numeric' });
const customersB = inspection('/uploads/customers-b.csv', { customer_id: 'bigint', email: 'text', signup_date: 'date', lifetime_value: 'numeric' });
const ordersCsv = inspection('/uploads/orders.csv', { order_id: 'bigint', customer_ref: 'text', amount: 'numeric', ordered_at: 'timestamp' });

const customersProposal: ProposedColumn[] = [
  { name: 'customer_id', pgType: 'bigint', files: 2, sampled: 2_000, outliers: 0 },
  { name: 'email', pgType: 'text', files: 2, sampled: 1_996, outliers: 0 },
  { name: 'signup_date', pgType: 'date', files: 2, sampled: 2_000, outliers: 3 },
  { name: 'lifetime_value', pgType: 'numeric', files: 2, sampled: 1_874, outliers: 0 },
];

const customersTable: TableInfo = {
  schema: 'public',
  name: 'customers',
  columns: [
    { name: 'customer_id', type: 'bigint', notNull: true, hasDefault: false, generated: false },
    { name: 'email', type: 'text', notNull: false, hasDefault: false, generated: false },
    { name: 'signup_date', type: 'date', notNull: false, hasDefault: false, generated: false },
    { name: 'lifetime_value', type: 'numeric', notNull: false, hasDefault: false, generated: false },
  ],
  uniqueKeys: [{ name: 'customers_pkey', columns: ['customer_id'], primary: true }],
};

/** The database of the repro: empty at first; the first run creates public.customers. */
function reproApi() {
  const tables: TableSummary[] = [];
  const inspected = new Map([customersA, customersB, ordersCsv].map((file) => [file.path, file]));
  const fake = createFakeApi({
    ...inMemoryProfiles(),
    'connections.list': async () => [connection({ hasPassword: true, passwordStore: 'keychain' })],
    'connections.local': async () => ({ state: 'ready', dataDir: '/home/ann/.local/share/keyload/postgres/data' }),
    'connections.test': async () => ({ serverVersion: '18.1', freeConnections: 97, recommended: { concurrency: 4, internalConcurrency: 2 } }),
    'tables.list': async () => structuredClone(tables),
    'tables.describe': async ({ table }) => (tables.some((t) => `${t.schema}.${t.name}` === table) ? customersTable : null),
    'mapping.suggest': async ({ files, map = {} }) =>
      files.map((path): MappingSuggestion => {
        const columns = inspected.get(path)?.columns.map((column) => column.name) ?? [];
        const targets = new Set(customersTable.columns.map((column) => column.name));
        const mapped: MappingSuggestion['mapped'] = [];
        const skipped: string[] = [];
        for (const source of columns) {
          const chosen = map[source];
          if (chosen) mapped.push({ source, target: chosen, how: 'explicit' });
          else if (!(source in map) && targets.has(source)) mapped.push({ source, target: source, how: 'exact' });
          else skipped.push(source);
        }
        return { path, mapped, skipped, warnings: [], error: null };
      }),
    'files.proposeColumns': async ({ paths }) => (paths.includes(ordersCsv.path) ? [] : customersProposal),
    'runs.start': async () => ({ runId: 'run-1' }),
  });
  return { ...fake, createCustomers: () => tables.push({ schema: 'public', name: 'customers', rowEstimate: 1_874, columns: customersTable.columns.map(({ name, type }) => ({ name, type })) }) };
}

/** What the Files screen does to the draft when the user replaces the files. */
function ReplaceFiles({ remove, add }: { remove: FileInspection[]; add: FileInspection[] }) {
  const dispatch = useDraftDispatch();
  return createElement(
    'button',
    {
      type: 'button',
      onClick: () => {
        dispatch({ type: 'files-added', files: add });
        for (const file of remove) dispatch({ type: 'file-removed', path: file.path });
      },
    },
    'Replace the files',
  );
}

function startButton(): HTMLButtonElement {
  const run = screen.getByRole('heading', { name: 'Run', level: 1 }).closest('header')?.parentElement ?? document.body;
  return within(run).getByRole('button', { name: 'Start' }) as HTMLButtonElement;
}

describe('Create new table', () => {
  test('the repro: customers into a new public.customers, then orders.csv in their place: no silent load into the existing table', async () => {
    const fake = reproApi();
    const draft = { files: [customersA, customersB], target: { ...initialDraft.target, createTable: true, newTable: 'public.customers', key: ['customer_id'] } };
    const screens = createElement(
      Fragment,
      null,
      createElement(ReplaceFiles, { remove: [customersA, customersB], add: [ordersCsv] }),
      createElement(TargetScreen, { onContinue: vi.fn() }),
      createElement(RunScreen),
    );
    const { user } = renderScreen(screens, { api: fake.api, draft });

    // First run: the table does not exist yet, so it is created.
    await waitFor(() => expect(startButton().disabled).toBe(false));
    await user.click(startButton());
    expect(fake.calls('runs.start')[0]?.options).toMatchObject({ table: 'public.customers', createTable: true, tableMustBeNew: true, key: ['customer_id'] });
    expect(fake.calls('runs.start')[0]?.options).not.toHaveProperty('ignoreExtraColumns');
    fake.createCustomers();
    act(() => fake.emit('run.finished', { runId: 'run-1', status: 'loaded' }));

    // The target still says "Create new table: public.customers": the screen now says it exists.
    const exists = await screen.findByRole('alert');
    expect(exists.textContent).toContain('A table named public.customers already exists (about 1,874 rows). Create new table never loads into it.');
    await waitFor(() => expect(startButton().disabled).toBe(true));

    // The files are replaced by an unrelated orders.csv.
    await user.click(screen.getByRole('button', { name: 'Replace the files' }));
    const reasons = within(document.getElementById('run-blockers') ?? document.body);
    expect(await reasons.findByText('A table named public.customers already exists: choose it as an existing table, or give the new table another name.')).toBeTruthy();
    expect(reasons.getByText('Key column customer_id is in none of the files: choose another key.')).toBeTruthy();
    expect(startButton().disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Continue to preview' }) as HTMLButtonElement).disabled).toBe(true);

    // Choosing the existing table instead shows that nothing of orders.csv fits it.
    await user.click(within(screen.getByRole('alert')).getByRole('button', { name: 'Load into the existing public.customers instead' }));
    expect(await screen.findByRole('radio', { name: /public\.customers/, checked: true })).toBeTruthy();
    const unmatched = await screen.findByRole('list', { name: 'Unmatched file columns' });
    expect(within(unmatched).getAllByRole('listitem').map((item) => item.querySelector('strong')?.textContent)).toEqual(['order_id', 'customer_ref', 'amount', 'ordered_at']);
    await user.click(screen.getByRole('button', { name: 'Skip all unmatched' }));
    expect(await reasons.findByText('No column of orders.csv would be loaded: map its columns, or remove it on the Files screen.')).toBeTruthy();
    expect(startButton().disabled).toBe(true);
    expect(fake.calls('runs.start')).toHaveLength(1);
  });

  test('the proposed column types are shown with their outliers, and a changed type goes out as columnTypes', async () => {
    const fake = reproApi();
    const draft = { files: [customersA, customersB], target: { ...initialDraft.target, createTable: true, newTable: 'staging.customers', key: ['customer_id'] } };
    const { user } = renderScreen(createElement(Fragment, null, createElement(TargetScreen, { onContinue: vi.fn() }), createElement(RunScreen)), { api: fake.api, draft });

    const grid = await screen.findByRole('table', { name: 'Columns of the new table' });
    expect(fake.calls('files.proposeColumns')[0]).toEqual({ paths: [customersA.path, customersB.path], overrides: {} });
    const row = (name: string) => within(grid).getByRole('rowheader', { name }).closest('tr') as HTMLElement;
    expect((within(row('signup_date')).getByLabelText('Type of signup_date') as HTMLSelectElement).selectedOptions[0]?.textContent).toBe('date (proposed)');
    expect(within(row('signup_date')).getByText('3 of 2,000 values do not fit; they will be rejected')).toBeTruthy();
    expect(within(row('customer_id')).getByText('All 2,000 sampled values fit')).toBeTruthy();
    expect(within(row('email')).getByText('2 of 2')).toBeTruthy();

    await user.selectOptions(within(row('signup_date')).getByLabelText('Type of signup_date'), 'text');
    expect(within(row('signup_date')).getByText('Your type: values that do not fit text will be rejected.')).toBeTruthy();
    await user.selectOptions(within(row('lifetime_value')).getByLabelText('Type of lifetime_value'), 'Other…');
    const other = within(row('lifetime_value')).getByLabelText('Other type of lifetime_value') as HTMLInputElement;
    await user.clear(other);
    expect(within(document.getElementById('run-blockers') ?? document.body).getByText('Give a type for column lifetime_value of the new table.')).toBeTruthy();
    await user.type(other, 'numeric(12,2)');
    // A skipped column is not created, so it is neither shown nor sent.
    await user.selectOptions(screen.getByLabelText('Table column for email'), '— skip —');
    expect(within(grid).queryByRole('rowheader', { name: 'email' })).toBeNull();

    await waitFor(() => expect(startButton().disabled).toBe(false));
    await user.click(startButton());
    expect(fake.calls('runs.start')[0]?.options).toMatchObject({
      table: 'staging.customers',
      tableMustBeNew: true,
      columnTypes: { signup_date: 'text', lifetime_value: 'numeric(12,2)' },
      map: { email: null },
    });
  });
});
