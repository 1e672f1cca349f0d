/// <reference lib="dom" />
// The rejects viewer in Chromium against the web host and a real PostgreSQL: a file with bad rows is
// loaded, its rejected rows open in the app with line, column and reason, and the file downloads.
import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { chooseExistingTable, dropFiles, state, step, textFile } from './app-helpers.ts';

test('rejected rows open in the app from the Run summary and from History, and download', async ({ page }) => {
  const db = new pg.Client({ connectionString: state.databaseUrl });
  await db.connect();
  await db.query('CREATE TABLE e2e_rejects (id int PRIMARY KEY, amount int, day date)');

  await page.goto(state.launchUrl);
  await dropFiles(page, [textFile('amounts.csv', 'id,amount,day\n1,10,2024-01-01\n2,ten,2024-01-02\n3,30,someday\n4,40,2024-01-04\n')]);
  await chooseExistingTable(page, 'e2e_rejects');
  await step(page, 'Run').click();
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Loaded, with rejected rows' })).toBeVisible({ timeout: 60_000 });
  expect((await db.query('SELECT id FROM e2e_rejects ORDER BY id')).rows).toEqual([{ id: 1 }, { id: 4 }]);
  await db.end();

  const rejects = page.getByRole('list', { name: 'Rejects files' });
  await expect(rejects).toContainText('2 rejected');
  await rejects.getByRole('button', { name: 'View rejected rows of amounts.csv' }).click();
  const grid = page.getByRole('table', { name: 'Rejected rows of amounts.csv' });
  await expect(grid.getByRole('columnheader')).toHaveText(['Line', 'Column', 'Reason', 'id', 'amount', 'day']);
  const rows = grid.getByRole('row');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(1).getByRole('cell')).toHaveText(['3', 'amount', /integer/, '2', 'ten', '2024-01-02']);
  await expect(rows.nth(2).getByRole('cell')).toHaveText(['4', 'day', /date/, '3', '30', 'someday']);
  await expect(page.getByText('2 rejected rows.')).toBeVisible();

  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download CSV' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('001-amounts.csv.rejects.csv');
  const text = await readFile(await download.path(), 'utf8');
  expect(text.split('\n')[0]).toBe('line,column,reason,id,amount,day');
  expect(text).toContain(',2,ten,2024-01-02');

  // The same run in History opens the same rows.
  await step(page, 'History').click();
  await page.getByRole('list', { name: 'Runs' }).getByRole('button').filter({ hasText: 'e2e_rejects' }).first().click();
  await page.getByRole('button', { name: 'View rejected rows of amounts.csv' }).click();
  await expect(page.getByRole('table', { name: 'Rejected rows of amounts.csv' }).getByRole('row')).toHaveCount(3);
});
