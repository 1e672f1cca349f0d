// @vitest-environment happy-dom
import '../../vitest.setup.ts';
import { screen, waitFor, within } from '@testing-library/react';
import { createElement } from 'react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { ConnectionInfo, HandlerInput, LocalDatabaseInfo, TableSummary } from '../../../shared/ipc/contract.ts';
import { createFakeApi, inMemoryProfiles, type Handlers } from '../../test/fake-api.ts';
import { connection } from '../../test/fixtures.ts';
import { renderScreen } from '../../test/render.tsx';
import { TargetScreen } from '../target/target-screen.tsx';

/** connections.* as the web host's store does them: passwords held for the session. */
function inMemoryConnections(): Handlers {
  const saved = new Map<string, ConnectionInfo>();
  let next = 1;
  return {
    'system.info': async () => ({ cores: 8, host: 'web', canStorePasswords: false }),
    'connections.list': async () => [connection({ hasPassword: true, passwordStore: 'keychain' }), ...[...saved.values()].sort((a, b) => a.name.localeCompare(b.name))],
    'connections.save': async (input: HandlerInput<'connections.save'>) => {
      const id = input.id ?? `c${next++}`;
      const before = saved.get(id);
      const passwordStore = input.password === undefined ? (before?.passwordStore ?? null) : input.password === '' ? null : 'session';
      const { password: _password, id: _id, ...fields } = input;
      const info: ConnectionInfo = { ...fields, id, builtin: false, hasPassword: passwordStore !== null, passwordStore };
      saved.set(id, info);
      return info;
    },
    'connections.remove': async ({ id }) => {
      saved.delete(id);
    },
    'connections.test': async ({ connectionId }) => {
      if (connectionId !== 'local' && !saved.get(connectionId)?.hasPassword) throw new Error('KEYLOAD_CONNECTION: A password is needed');
      return { serverVersion: '18.1', freeConnections: 97, recommended: { concurrency: 8, internalConcurrency: 2 } };
    },
  };
}

const sales: TableSummary = { schema: 'public', name: 'sales', rowEstimate: 42_000, columns: [{ name: 'id', type: 'bigint' }] };

function api(extra: Handlers = {}) {
  return createFakeApi({
    ...inMemoryProfiles(),
    ...inMemoryConnections(),
    'connections.local': async () => ({ state: 'ready', dataDir: '/home/ann/.local/share/keyload/postgres/data' }),
    'tables.list': async () => [sales],
    ...extra,
  });
}

afterEach(() => localStorage.clear());

describe('Connections', () => {
  test('a pasted URL fills the form; the saved connection is chosen, tested, edited and deleted', async () => {
    const fake = api();
    const { user } = renderScreen(createElement(TargetScreen, { onContinue: vi.fn() }), { api: fake.api, draft: {} });
    await user.click(await screen.findByText('Manage connections'));
    await user.click(screen.getByRole('button', { name: 'Add connection' }));
    const form = screen.getByRole('form', { name: 'Add a connection' });

    await user.type(within(form).getByLabelText('Paste a connection URL'), 'postgresql://loader:p%40ss%3Aword@db.example.com:6432/sales?sslmode=require&application_name=bi');
    await user.click(within(form).getByRole('button', { name: 'Fill in the fields' }));
    expect(within(form).getByText('Filled in. Not used: application_name.')).toBeTruthy();
    expect((within(form).getByLabelText('Paste a connection URL') as HTMLInputElement).value).toBe('');
    const value = (label: string) => (within(form).getByLabelText(label) as HTMLInputElement).value;
    expect([value('Name'), value('Host'), value('Port'), value('Database'), value('User'), value('SSL mode'), value('Password')]).toEqual([
      'sales on db.example.com',
      'db.example.com',
      '6432',
      'sales',
      'loader',
      'require',
      'p@ss:word',
    ]);
    expect(within(form).getByText(/Kept in memory only until Keyload closes, never written to disk/)).toBeTruthy();
    await user.click(within(form).getByRole('button', { name: 'Add connection' }));

    expect(fake.calls('connections.save')).toEqual([
      { name: 'sales on db.example.com', host: 'db.example.com', port: 6432, database: 'sales', user: 'loader', sslMode: 'require', password: 'p@ss:word' },
    ]);
    await waitFor(() => expect((screen.getByRole('combobox', { name: 'Connection' }) as HTMLSelectElement).value).toBe('c1'));
    const item = screen.getByRole('listitem', { name: 'sales on db.example.com' });
    expect(within(item).getByText('password kept until Keyload closes')).toBeTruthy();

    await user.click(within(item).getByRole('button', { name: 'Test connection to sales on db.example.com' }));
    expect((await within(item).findByRole('status')).textContent).toBe('Connected: PostgreSQL 18.1, 97 free connections');
    expect(fake.calls('connections.test').at(-1)).toEqual({ connectionId: 'c1' });

    await user.click(within(item).getByRole('button', { name: 'Edit sales on db.example.com' }));
    const edit = screen.getByRole('form', { name: 'Edit sales on db.example.com' });
    expect((within(edit).getByLabelText('Password') as HTMLInputElement).placeholder).toBe('unchanged');
    await user.clear(within(edit).getByLabelText('Port'));
    await user.type(within(edit).getByLabelText('Port'), '70000');
    expect((within(edit).getByRole('button', { name: 'Save changes' }) as HTMLButtonElement).disabled).toBe(true);
    await user.clear(within(edit).getByLabelText('Port'));
    await user.type(within(edit).getByLabelText('Port'), '5432');
    await user.click(within(edit).getByRole('button', { name: 'Save changes' }));
    // No password typed: the stored one is kept (nothing sent for it).
    expect(fake.calls('connections.save').at(-1)).toEqual({ id: 'c1', name: 'sales on db.example.com', host: 'db.example.com', port: 5432, database: 'sales', user: 'loader', sslMode: 'require' });

    await user.click(within(screen.getByRole('listitem', { name: 'sales on db.example.com' })).getByRole('button', { name: 'Delete sales on db.example.com' }));
    await user.click(screen.getByRole('button', { name: 'Delete sales on db.example.com' }));
    await waitFor(() => expect(screen.queryByRole('listitem', { name: 'sales on db.example.com' })).toBeNull());
    expect(fake.calls('connections.remove')).toEqual([{ id: 'c1' }]);
    expect((screen.getByRole('combobox', { name: 'Connection' }) as HTMLSelectElement).value).toBe('local');
  });

  test('a keyword/value string with a quoted password, and a string that cannot be read', async () => {
    const fake = api();
    const { user } = renderScreen(createElement(TargetScreen, { onContinue: vi.fn() }), { api: fake.api, draft: {} });
    await user.click(await screen.findByText('Manage connections'));
    await user.click(screen.getByRole('button', { name: 'Add connection' }));
    const form = screen.getByRole('form', { name: 'Add a connection' });
    const paste = within(form).getByLabelText('Paste a connection URL');
    await user.type(paste, "host=10.0.0.5 port=5433 dbname=warehouse user=ann password='it\\'s secret'");
    await user.click(within(form).getByRole('button', { name: 'Fill in the fields' }));
    expect((within(form).getByLabelText('Password') as HTMLInputElement).value).toBe("it's secret");
    expect((within(form).getByLabelText('Port') as HTMLInputElement).value).toBe('5433');

    await user.type(paste, 'postgres://h:99999/d');
    await user.click(within(form).getByRole('button', { name: 'Fill in the fields' }));
    expect(within(form).getByText('The port "99999" is not a number from 1 to 65535')).toBeTruthy();
    expect((within(form).getByLabelText('Host') as HTMLInputElement).value).toBe('10.0.0.5');
  });

  test('the first run explains the built-in local database, once', async () => {
    const fake = api();
    const first = renderScreen(createElement(TargetScreen, { onContinue: vi.fn() }), { api: fake.api, draft: {} });
    const notice = await screen.findByRole('region', { name: 'Your built-in local database' });
    expect(notice.textContent).toContain('It is the default target');
    expect(await within(notice).findByText('/home/ann/.local/share/keyload/postgres/data')).toBeTruthy();
    await first.user.click(within(notice).getByRole('button', { name: 'Got it' }));
    expect(screen.queryByRole('region', { name: 'Your built-in local database' })).toBeNull();
    first.unmount();

    renderScreen(createElement(TargetScreen, { onContinue: vi.fn() }), { api: fake.api, draft: {} });
    await screen.findByRole('radiogroup', { name: 'Table' });
    expect(screen.queryByRole('region', { name: 'Your built-in local database' })).toBeNull();
  });

  test('"Starting the local database…" shows while the first request to it waits', async () => {
    let state: LocalDatabaseInfo['state'] = 'not started';
    let answer: (tables: TableSummary[]) => void = () => {};
    const fake = api({
      'connections.local': async () => ({ state, dataDir: null }),
      'tables.list': () => {
        state = 'starting';
        return new Promise((resolve) => (answer = resolve));
      },
    });
    renderScreen(createElement(TargetScreen, { onContinue: vi.fn() }), { api: fake.api, draft: {} });
    expect(await screen.findByText(/Starting the local database…/)).toBeTruthy();
    state = 'ready';
    answer([sales]);
    const table = await screen.findByRole('radio', { name: /public\.sales/ });
    expect(table.closest('label')?.textContent).toContain('≈ 42,000 rows');
    expect(screen.queryByText(/Starting the local database…/)).toBeNull();
  });
});
