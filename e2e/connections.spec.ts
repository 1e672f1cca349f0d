/// <reference lib="dom" />
// Connections and the table picker in Debian's Chromium against the web host and a real PostgreSQL:
// the first-run notice, a saved connection to the test server added from a pasted URL and tested,
// a table picked from it with its row estimate; then "Create new table" over a table that exists
// is refused on screen before Start.
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { dropFiles, screenshot, state, step, textFile } from './app-helpers.ts';




async function withDatabase<T>(work: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: state.databaseUrl });
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}

test('add a saved connection from a pasted URL, test it, and pick a table from it with its row estimate', async ({ page }) => {
  await withDatabase(async (db) => {
    await db.query('DROP TABLE IF EXISTS e2e_conn_orders');
    await db.query('CREATE TABLE e2e_conn_orders (order_id bigint PRIMARY KEY, amount numeric(10,2), ordered_at timestamptz)');
    await db.query("INSERT INTO e2e_conn_orders SELECT g, g * 1.25, now() - g * interval '1 hour' FROM generate_series(1, 1500) g");
    await db.query('ANALYZE e2e_conn_orders');
  });
  await page.goto(state.launchUrl);
  await step(page, 'Target and mapping').click();

  const firstRun = page.getByRole('region', { name: 'Your built-in local database' });
  await expect(firstRun).toContainText('It is the default target');
  await expect(firstRun.locator('code')).toContainText('keyload-e2e-pg-');
  await screenshot(page, 'connections-1-first-run');
  await firstRun.getByRole('button', { name: 'Got it' }).click();
  await expect(firstRun).toBeHidden();

  await page.getByText('Manage connections').click();
  await page.getByRole('button', { name: 'Add connection' }).click();
  const form = page.getByRole('form', { name: 'Add a connection' });
  const url = new URL(state.databaseUrl);
  url.searchParams.set('sslmode', 'disable');
  await form.getByLabel('Paste a connection URL').fill(url.toString());
  await form.getByRole('button', { name: 'Fill in the fields' }).click();
  await expect(form.getByLabel('Host')).toHaveValue(url.hostname);
  await expect(form.getByLabel('Port')).toHaveValue(url.port);
  await expect(form.getByLabel('SSL mode')).toHaveValue('disable');
  await form.getByLabel('Name').fill('E2E test server');
  await screenshot(page, 'connections-2-form');
  await form.getByRole('button', { name: 'Add connection' }).click();

  const saved = page.getByRole('listitem', { name: 'E2E test server' });
  await expect(saved).toContainText('password kept until Keyload closes');
  await saved.getByRole('button', { name: 'Test connection to E2E test server' }).click();
  await expect(saved.getByRole('status')).toHaveText(/^Connected: PostgreSQL \d+(\.\d+)*.*, \d+ free connections$/);
  await expect(page.getByRole('combobox', { name: 'Connection' }).locator('option:checked')).toHaveText(/^E2E test server/);

  await page.getByLabel('Search tables').fill('e2e_conn');
  const tables = page.getByRole('radiogroup', { name: 'Table' });
  await expect(tables.getByRole('radio')).toHaveCount(1);
  const option = tables.locator('label').filter({ hasText: 'public.e2e_conn_orders' });
  await expect(option).toContainText('≈ 1,500 rows');
  await expect(option).toContainText('order_id bigint, amount numeric(10,2), ordered_at timestamp with time zone');
  await option.getByRole('radio').check();
  await expect(page.getByRole('combobox', { name: 'Key', exact: true })).toHaveText(/order_id \(primary key\)/);
  await screenshot(page, 'connections-3-table-picked');
});

test('"Create new table" over a table that already exists is refused on screen, before Start', async ({ page }) => {
  // The repro's first step: customers were loaded into a new table public.e2e_customers.
  await withDatabase(async (db) => {
    await db.query('DROP TABLE IF EXISTS e2e_customers');
    await db.query('CREATE TABLE e2e_customers (customer_id bigint PRIMARY KEY, email text)');
    await db.query("INSERT INTO e2e_customers VALUES (1, 'ann@example.com'), (2, 'bo@example.com')");
  });
  await page.goto(state.launchUrl);
  // Then an unrelated orders.csv, still aimed at "Create new table: public.e2e_customers".
  await dropFiles(page, [textFile('orders.csv', 'order_id,amount,ordered_at\n10,12.50,2024-03-01\n11,7.25,2024-03-02\n')]);
  // Inspection starts reader threads: slow on a busy machine.
  await expect(page.getByRole('article', { name: 'orders.csv' })).toBeVisible({ timeout: 30_000 });
  await step(page, 'Target and mapping').click();
  await page.getByLabel('Create new table').check();
  await page.getByLabel('New table name').fill('e2e_customers');
  await page.getByLabel('Key columns').selectOption(['order_id']);

  const refusal = page.getByRole('alert').filter({ hasText: 'already exists' });
  await expect(refusal).toContainText('A table named public.e2e_customers already exists');
  await expect(refusal).toContainText('Create new table never loads into it.');
  await expect(page.getByRole('button', { name: 'Continue to preview' })).toBeDisabled();
  await screenshot(page, 'connections-4-new-table-exists');

  await step(page, 'Run').click();
  await expect(page.getByRole('button', { name: 'Start' })).toBeDisabled();
  await expect(page.getByRole('list', { name: 'Before starting' })).toContainText(
    'A table named public.e2e_customers already exists: choose it as an existing table, or give the new table another name.',
  );
  await screenshot(page, 'connections-5-start-refused');

  // Loading into the existing table instead shows that none of the file's columns fit it.
  await step(page, 'Target and mapping').click();
  await page.getByRole('button', { name: 'Load into the existing public.e2e_customers instead' }).click();
  await expect(page.getByRole('list', { name: 'Unmatched file columns' }).getByRole('listitem')).toHaveCount(3);
  await page.getByRole('button', { name: 'Skip all unmatched' }).click();
  await expect(page.getByRole('list', { name: 'Before starting' })).toContainText('No column of orders.csv would be loaded');
  await expect(page.getByRole('button', { name: 'Continue to preview' })).toBeDisabled();

  const rows = await withDatabase((db) => db.query<{ n: number }>('SELECT count(*)::int AS n FROM e2e_customers'));
  expect(rows.rows[0]?.n).toBe(2);
});
