// Multi-table jobs against real tables with foreign keys.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/database.ts';
import { readJobFile } from './job-file.ts';
import { runJob } from './run-job.ts';

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'keyload-job-'));
  await writeFile(join(dir, 'customers.csv'), 'id,name\n1,Ann\n2,Bob\n');
  await writeFile(join(dir, 'products.csv'), 'sku,title\nA,Apple\nB,Banana\n');
  await writeFile(join(dir, 'orders.csv'), 'id,customer_id,sku\n10,1,A\n11,2,B\n12,1,B\n');
  await writeFile(join(dir, 'notes.csv'), 'id,text\n1,unrelated\n');
  await writeFile(join(dir, 'broken.csv'), 'id,name\n"never closed\n');
});
afterAll(() => db.drop());
beforeEach(async () => {
  await db.query(`DROP TABLE IF EXISTS orders, customers, products, notes CASCADE;
    CREATE TABLE customers (id int PRIMARY KEY, name text);
    CREATE TABLE products (sku text PRIMARY KEY, title text);
    CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, sku text NOT NULL REFERENCES products);
    CREATE TABLE notes (id int PRIMARY KEY, text text);`);
});

async function job(name: string, text: string) {
  const path = join(dir, name);
  await writeFile(path, text);
  return readJobFile(path);
}

const hooks = { reportDir: (table: string) => join(dir, 'reports', table) };

test('parents load before children whatever the order in the job file (YAML)', async () => {
  const parsed = await job('ok.yaml', `
defaults:
  mode: upsert
  concurrency: 2
tables:
  - table: orders
    files: [orders.csv]
  - table: customers
    files: [customers.csv]
  - table: products
    files: [products.csv]
`);
  const result = await runJob({ connectionString: db.url }, parsed, hooks);
  expect(result.errors).toEqual([]);
  expect(result.exitCode).toBe(0);
  expect(result.tables.map((t) => `${t.table}:${t.status}`)).toEqual(['public.orders:loaded', 'public.customers:loaded', 'public.products:loaded']);
  expect(await db.query('SELECT count(*)::int AS n FROM orders')).toEqual([{ n: 3 }]);
});

test('a failed parent stops its dependents; unrelated tables still complete; every error is reported (JSON)', async () => {
  const parsed = await job(
    'fail.json',
    JSON.stringify({
      tables: [
        { table: 'customers', files: ['broken.csv'] },
        { table: 'products', files: ['products.csv'] },
        { table: 'orders', files: ['orders.csv'] },
        { table: 'notes', files: ['notes.csv'] },
      ],
    }),
  );
  const result = await runJob({ connectionString: db.url }, parsed, hooks);
  const status = Object.fromEntries(result.tables.map((t) => [t.table, t.status]));
  expect(status).toEqual({ 'public.customers': 'failed', 'public.products': 'loaded', 'public.orders': 'not attempted', 'public.notes': 'loaded' });
  expect(result.exitCode).toBe(1);
  expect(result.errors).toEqual([
    expect.objectContaining({ table: 'public.customers', file: join(dir, 'broken.csv'), code: 'KEYLOAD_FILE_CORRUPT' }),
    expect.objectContaining({ table: 'public.orders', code: 'KEYLOAD_DEPENDENCY_FAILED', message: expect.stringContaining('public.customers') }),
  ]);
  expect(await db.query('SELECT count(*)::int AS n FROM orders')).toEqual([{ n: 0 }]);
  expect(await db.query('SELECT count(*)::int AS n FROM notes')).toEqual([{ n: 1 }]);
});

test('a foreign-key cycle and a malformed job file are clear errors', async () => {
  await db.query(`CREATE TABLE a (id int PRIMARY KEY, b_id int); CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);
    ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b`);
  const cyclic = await job('cycle.yaml', 'tables:\n  - {table: a, files: [notes.csv]}\n  - {table: b, files: [notes.csv]}\n');
  await expect(runJob({ connectionString: db.url }, cyclic, hooks)).rejects.toThrow(/cycle: public\.(a|b) -> public\.(a|b) -> public\.(a|b)/);
  await db.query('DROP TABLE a, b CASCADE');
  await expect(job('bad.yaml', 'tables:\n  - table: x\n')).rejects.toThrow(/Invalid job file: tables\.0\.files/);
  await expect(job('bad2.yaml', 'tables: [\n')).rejects.toThrow(/not valid YAML/);
});
