// Saved connections, the local database's state and the table picker's list, through the app's
// dispatcher against a real PostgreSQL.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/database.ts';
import type { ConnectionInfo, LocalDatabaseInfo, TableSummary } from '../../../shared/ipc/contract.ts';
import { createApp, type App } from '../app.ts';

let db: TestDatabase;
let app: App;
let releaseLocalDb: () => void = () => {};
const localDbStarted = new Promise<void>((resolve) => (releaseLocalDb = resolve));

beforeAll(async () => {
  db = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'keyload-handlers-'));
  // The built-in database answers only once the test lets it: "starting" can be seen meanwhile.
  app = createApp({ dataDir, host: 'web', secrets: null, localDbUrl: async () => localDbStarted.then(() => db.url), localDbDataDir: '/srv/keyload/postgres/data' });
});
afterAll(async () => {
  await app.close();
  await db.drop();
});

async function value<T>(name: string, input: unknown): Promise<T> {
  const reply = await app.dispatch(name, input);
  if (!reply.ok) throw new Error(`${name}: ${reply.error.code} ${reply.error.message}`);
  return reply.value as T;
}

test('the local database is "starting" while the first request to it waits, then "ready"', async () => {
  expect(await value<LocalDatabaseInfo>('connections.local', {})).toEqual({ state: 'not started', dataDir: '/srv/keyload/postgres/data' });
  const listing = value<TableSummary[]>('tables.list', { connectionId: 'local' });
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect((await value<LocalDatabaseInfo>('connections.local', {})).state).toBe('starting');
  releaseLocalDb();
  await listing;
  expect((await value<LocalDatabaseInfo>('connections.local', {})).state).toBe('ready');
});

test('tables.list gives each table its row estimate (unknown before ANALYZE) and its columns with types', async () => {
  releaseLocalDb();
  await db.query('CREATE SCHEMA sales');
  await db.query('CREATE TABLE sales.orders (id bigint PRIMARY KEY, amount numeric(10,2), placed date, note text)');
  await db.query('INSERT INTO sales.orders SELECT g, g * 1.5, DATE \'2024-01-01\' + g, NULL FROM generate_series(1, 1000) g');
  await db.query('ANALYZE sales.orders');
  await db.query('CREATE TABLE fresh (code text, "Odd Name" integer)');
  await db.query('ALTER TABLE fresh DROP COLUMN code');
  await db.query('CREATE TABLE events (id int, at date) PARTITION BY RANGE (at)');
  await db.query("CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
  await db.query("INSERT INTO events SELECT g, DATE '2024-01-01' + g FROM generate_series(1, 50) g");
  await db.query('ANALYZE events');
  await db.query('CREATE TABLE nothing ()');

  const tables = await value<TableSummary[]>('tables.list', { connectionId: 'local' });
  expect(tables).toEqual([
    { schema: 'public', name: 'events', rowEstimate: 50, columns: [{ name: 'id', type: 'integer' }, { name: 'at', type: 'date' }] },
    { schema: 'public', name: 'fresh', rowEstimate: null, columns: [{ name: 'Odd Name', type: 'integer' }] },
    { schema: 'public', name: 'nothing', rowEstimate: null, columns: [] },
    {
      schema: 'sales',
      name: 'orders',
      rowEstimate: 1000,
      columns: [
        { name: 'id', type: 'bigint' },
        { name: 'amount', type: 'numeric(10,2)' },
        { name: 'placed', type: 'date' },
        { name: 'note', type: 'text' },
      ],
    },
  ]);
});

test('on the web host a saved password is held for the session: usable, never on disk, gone when the app closes', async () => {
  const url = new URL(db.url);
  const dataDir = await mkdtemp(join(tmpdir(), 'keyload-session-'));
  const session = createApp({ dataDir, host: 'web', secrets: null, localDbUrl: async () => db.url });
  const save = await session.dispatch('connections.save', {
    name: 'test server', host: url.hostname, port: Number(url.port), database: url.pathname.slice(1), user: url.username, sslMode: 'disable', password: decodeURIComponent(url.password),
  });
  if (!save.ok) throw new Error(save.error.message);
  const saved = save.value as ConnectionInfo;
  expect(saved).toMatchObject({ hasPassword: true, passwordStore: 'session' });
  const tested = await session.dispatch('connections.test', { connectionId: saved.id });
  expect(tested).toMatchObject({ ok: true, value: { serverVersion: expect.stringMatching(/^\d+/), freeConnections: expect.any(Number) } });
  await session.close();

  // The same data directory, a new process: the connection is there, its password is not.
  const next = createApp({ dataDir, host: 'web', secrets: null, localDbUrl: async () => db.url });
  const listed = await next.dispatch('connections.list', {});
  expect(listed.ok && (listed.value as ConnectionInfo[]).find((c) => c.id === saved.id)).toMatchObject({ hasPassword: false, passwordStore: null });
  expect(await next.dispatch('connections.test', { connectionId: saved.id })).toMatchObject({ ok: false, error: { code: 'KEYLOAD_CONNECTION', message: expect.stringMatching(/password is needed/) } });
  await next.close();
});
