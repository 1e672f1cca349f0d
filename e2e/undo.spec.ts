/// <reference lib="dom" />
// Undo along the analyst's path, in Chromium against the web host and a real PostgreSQL: an upsert
// over a pre-filled table from the app, then History's "Undo this run…": the dialog's counts, the
// undo, and the table back as it was, checked by SQL.
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { chooseExistingTable, dropFiles, screenshots, state, step, textFile } from './app-helpers.ts';

test('load from the app, undo it from History: the dialog counts the rows and the table is as before', async ({ page }) => {
  const db = new pg.Client({ connectionString: state.databaseUrl });
  await db.connect();
  await db.query('CREATE TABLE e2e_undo (id int PRIMARY KEY, name text, amount int)');
  await db.query(`INSERT INTO e2e_undo SELECT i, 'stored ' || i, i FROM generate_series(1, 20) AS i`);
  const table = async () => (await db.query<{ id: number; name: string; amount: number }>('SELECT id, name, amount FROM e2e_undo ORDER BY id')).rows;
  const before = await table();

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(state.launchUrl);
  // Keys 15-20 change, 21-30 are new.
  const rows = Array.from({ length: 16 }, (_, i) => 15 + i).map((id) => `${id},file ${id},${id * 10}`);
  await dropFiles(page, [textFile('undo-me.csv', `id,name,amount\n${rows.join('\n')}\n`)]);
  await chooseExistingTable(page, 'e2e_undo');
  await step(page, 'Run').click();
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Loaded/ })).toBeVisible({ timeout: 60_000 });
  expect((await table()).length).toBe(30);

  await step(page, 'History').click();
  await page.getByRole('list', { name: 'Runs' }).getByRole('button').filter({ hasText: 'e2e_undo' }).first().click();
  await page.getByRole('button', { name: 'Undo this run…' }).click();
  const dialog = page.getByRole('dialog', { name: /Undo this run/ });
  const counts = dialog.getByRole('definition');
  await expect(counts).toHaveText(['10', '6', '0']);
  await screenshots(page, 'undo-dialog');
  await dialog.getByRole('button', { name: 'Undo the run' }).click();
  await expect(dialog.getByRole('status')).toHaveText(/Undone: the table is as it was before the run/);
  expect(await table()).toEqual(before);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByText(/This run was undone on/)).toBeVisible();
  await db.end();
});
