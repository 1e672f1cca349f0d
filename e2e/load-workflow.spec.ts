/// <reference lib="dom" />
// The analyst's flow in Debian's Chromium against the web host and a real PostgreSQL: drop 3 CSV
// and 2 Parquet files, map them to a new table, run and watch every file reach done, cancel a second
// run midway, and find both runs in History. Screenshots of each screen go to test-results/e2e.
import { expect, test, type Page } from '@playwright/test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import pg from 'pg';
import { dropFiles, type DroppedFile, runStatus, screenshot, state, step } from './app-helpers.ts';


function csv(name: string, from: number, count: number, tag: string): DroppedFile {
  const rows = Array.from({ length: count }, (_, i) => `${from + i},${tag} ${from + i},${(from + i) * 3}`);
  return { name, base64: Buffer.from(`id,name,score\n${rows.join('\n')}\n`).toString('base64') };
}

function parquet(name: string, from: number, count: number, tag: string): DroppedFile {
  const ids = Array.from({ length: count }, (_, i) => BigInt(from + i));
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: BigInt64Array.from(ids), type: 'INT64' },
      { name: 'name', data: ids.map((id) => `${tag} ${id}`), type: 'STRING' },
      { name: 'score', data: BigInt64Array.from(ids.map((id) => id * 3n)), type: 'INT64' },
    ],
  });
  return { name, base64: Buffer.from(buffer).toString('base64') };
}




async function tableTarget(page: Page, table: string, key: string): Promise<void> {
  await step(page, 'Target and mapping').click();
  await expect(page.getByRole('combobox', { name: 'Connection' })).toHaveValue('local');
  await page.getByLabel('Create new table').check();
  await page.getByLabel('New table name').fill(table);
  await page.getByLabel('Key columns').selectOption([key]);
  await expect(page.getByRole('table', { name: 'Column mapping' })).toBeVisible();
}

test('drop files, map to a new table, run to done, cancel a second run, find both in History', async ({ page }) => {
  await page.goto(state.launchUrl);
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();

  const files = [
    csv('customers-a.csv', 1, 400, 'a'),
    csv('customers-b.csv', 300, 400, 'b'),
    csv('customers-c.csv', 650, 200, 'c'),
    parquet('updates-d.parquet', 100, 300, 'd'),
    parquet('updates-e.parquet', 800, 100, 'e'),
  ];
  await dropFiles(page, files);
  for (const file of files) await expect(page.getByRole('article', { name: file.name })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Columns of updates-d.parquet' })).toContainText('score');
  await screenshot(page, '1-files');

  await tableTarget(page, 'e2e_people', 'id');
  await screenshot(page, '2-target-and-mapping');

  await step(page, 'Run').click();
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(runStatus(page)).toHaveText('Loaded', { timeout: 60_000 });
  for (const file of files) await expect(page.getByRole('progressbar', { name: `Progress of ${file.name}` })).toHaveAttribute('value', '1');
  await screenshot(page, '3-run-done');

  const db = new pg.Client({ connectionString: state.databaseUrl });
  await db.connect();
  const loaded = await db.query<{ n: number; name: string }>(`SELECT count(*)::int AS n, max(name) FILTER (WHERE id = 350) AS name FROM e2e_people`);
  expect(loaded.rows[0]).toEqual({ n: 899, name: 'd 350' }); // keys 1..899; 350 is last written by updates-d

  // A second, bigger load, cancelled while it runs.
  await step(page, 'Files').click();
  for (const file of files) await page.getByRole('button', { name: `Remove ${file.name}` }).click();
  await dropFiles(page, [csv('big.csv', 1, 400_000, 'big')]);
  await expect(page.getByRole('article', { name: 'big.csv' })).toBeVisible();
  await tableTarget(page, 'e2e_big', 'id');
  await step(page, 'Run').click();
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(runStatus(page)).toHaveText(/Running/);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(runStatus(page)).toHaveText('Cancelled', { timeout: 60_000 });
  await screenshot(page, '4-run-cancelled');
  // The run created the table: if no row landed before the cancel, it dropped it again; if some
  // sub-batches had committed, the table holds those rows and a re-run resumes.
  const exists = await db.query<{ found: boolean }>(`SELECT to_regclass('e2e_big') IS NOT NULL AS found`);
  if (exists.rows[0]?.found) {
    const partial = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM e2e_big`);
    expect(partial.rows[0]?.n).toBeGreaterThan(0);
    expect(partial.rows[0]?.n).toBeLessThan(400_000);
  }
  await db.end();

  await step(page, 'History').click();
  const runs = page.getByRole('list', { name: 'Runs' });
  await expect(runs.getByRole('listitem')).toHaveCount(2);
  await expect(runs).toContainText('e2e_people');
  await expect(runs).toContainText('e2e_big');
  await page.getByLabel('Search runs').fill('e2e_big');
  await expect(runs.getByRole('listitem')).toHaveCount(1);
  await runs.getByRole('button').first().click();
  await expect(page.getByRole('heading', { name: /e2e_big/ })).toBeVisible();
  await screenshot(page, '5-history');
});
