/// <reference lib="dom" />
// Runs belong to the main side: in Debian's Chromium against the web host and a real PostgreSQL,
// start a load big enough to take a while, reload the page mid-run, find the same run again with
// its progress and the draft, cancel it from the reloaded page, and see the files and the run
// shown as cancelled (not failed), on the Run screen and in History.
import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';
import { runStatus, screenshot, screenshots, state, step } from './app-helpers.ts';

const files = ['reattach-1.csv', 'reattach-2.csv', 'reattach-3.csv'];
// Big enough that the files are still being read when Cancel lands (a keyed run merges once all are staged).
const rowsPerFile = 1_200_000;

/** Drops CSV files made in the page itself (id,name,score rows), as a file manager would drop them. */
async function dropGeneratedFiles(page: Page, names: string[], rows: number): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ names, rows }) => {
      const transfer = new DataTransfer();
      names.forEach((name, index) => {
        const lines = ['id,name,score'];
        const from = index * rows;
        for (let i = 1; i <= rows; i++) lines.push(`${from + i},row ${from + i},${(from + i) % 1000}`);
        transfer.items.add(new File([`${lines.join('\n')}\n`], name));
      });
      return transfer;
    },
    { names, rows },
  );
  await page.getByRole('button', { name: /Drop files or folders here/ }).dispatchEvent('drop', { dataTransfer });
}


function fileRow(page: Page, name: string) {
  return page.getByRole('list', { name: 'File progress' }).getByRole('listitem').filter({ hasText: name });
}



test('reload mid-run: the run is re-attached with its progress, Cancel works, and it ends as cancelled', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(state.launchUrl);
  await dropGeneratedFiles(page, files, rowsPerFile);
  for (const name of files) await expect(page.getByRole('article', { name })).toBeVisible({ timeout: 60_000 });

  await step(page, 'Target and mapping').click();
  await page.getByLabel('Create new table').check();
  await page.getByLabel('New table name').fill('e2e_reattach');
  await page.getByLabel('Key columns').selectOption(['id']);
  await expect(page.getByRole('table', { name: 'Column mapping' })).toBeVisible();

  await step(page, 'Run').click();
  // One file at a time, so the run lasts.
  await page.getByRole('spinbutton', { name: 'Concurrency (files at once)' }).fill('1');
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(runStatus(page)).toHaveText('Running');
  await expect(fileRow(page, files[0] ?? '').locator('.chip')).toHaveText(/reading|staging|merging/, { timeout: 30_000 });

  await page.reload();

  // The reloaded page opens the Run screen on the same run, still going, with its progress.
  await expect(page.getByRole('heading', { level: 1, name: 'Run' })).toBeVisible();
  await expect(runStatus(page)).toHaveText('Running');
  for (const name of files) await expect(fileRow(page, name)).toBeVisible();
  await expect(fileRow(page, files[0] ?? '').locator('.chip')).toHaveText(/reading|staging|merging|loaded/);
  const total = page.getByRole('progressbar', { name: 'Total progress' });
  await expect.poll(async () => Number(await total.getAttribute('value'))).toBeGreaterThan(0);
  // The draft came back too: the files and the target.
  await expect(step(page, 'Files')).toContainText('3 files');
  await screenshot(page, 'reattach-1-after-reload');

  const cancel = page.getByRole('button', { name: 'Cancel' });
  await expect(cancel).toBeEnabled();
  // Cancelled while reading, so the bar below must stop short of full.
  expect(Number(await total.getAttribute('value'))).toBeLessThan(Number(await total.getAttribute('max')));
  await cancel.click();
  await expect(runStatus(page)).toHaveText('Cancelled', { timeout: 60_000 });

  const chips = page.getByRole('list', { name: 'File progress' }).locator('.chip');
  await expect(chips).toHaveCount(files.length);
  const labels = await chips.allTextContents();
  expect(labels).toContain('cancelled');
  expect(labels).not.toContain('failed');
  expect(labels.every((label) => label === 'cancelled' || label === 'loaded')).toBe(true);
  const results = page.getByRole('table', { name: 'Per-file results' });
  await expect(results).toBeVisible();
  await expect(results).not.toContainText('KEYLOAD_CANCELLED');
  await expect(results).not.toContainText('failed');
  // The bar shows what was read, not a full bar.
  expect(Number(await total.getAttribute('value'))).toBeLessThan(Number(await total.getAttribute('max')));
  await screenshots(page, 'reattach-2-cancelled');

  const db = new pg.Client({ connectionString: state.databaseUrl });
  await db.connect();
  try {
    const loaded = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM e2e_reattach`).catch(() => ({ rows: [{ n: 0 }] }));
    expect(loaded.rows[0]?.n ?? 0).toBeLessThan(files.length * rowsPerFile);
  } finally {
    await db.end();
  }

  await step(page, 'History').click();
  await page.getByLabel('Search runs').fill('e2e_reattach');
  const runs = page.getByRole('list', { name: 'Runs' });
  await expect(runs.getByRole('listitem')).toHaveCount(1);
  await expect(runs.locator('.chip')).toHaveText('cancelled');
  await runs.getByRole('button').first().click();
  await expect(page.getByRole('heading', { name: /e2e_reattach/ })).toContainText('cancelled');
  await screenshots(page, 'reattach-3-history');

  // Run again asks first, naming the files and the table; Back starts nothing.
  await page.getByRole('button', { name: 'Run again' }).click();
  const dialog = page.getByRole('dialog', { name: 'Run again: reattach-1.csv, reattach-2.csv, reattach-3.csv into e2e_reattach' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('checkbox', { name: 'Reload files already loaded' })).not.toBeChecked();
  await screenshots(page, 'reattach-4-run-again');
  await dialog.getByRole('button', { name: 'Back' }).click();
  await expect(dialog).toBeHidden();
  await expect(runs.getByRole('listitem')).toHaveCount(1);
});
