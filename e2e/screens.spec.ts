/// <reference lib="dom" />
// Screenshots of every screen in both themes at 1280x800 and 1920x1080 (test-results/e2e/screens),
// with a check at each size that nothing is wider than the window: Files with files, Target and
// mapping, Preview with a checked plan, Run during and after a run, the rejects viewer, History with
// a run open, and the error panel.
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { chooseExistingTable, dropFiles, screenshots, state, step, textFile } from './app-helpers.ts';

function orders(name: string, from: number, count: number, bad: (i: number) => boolean): ReturnType<typeof textFile> {
  const rows = Array.from({ length: count }, (_, i) => {
    const id = from + i;
    return bad(i) ? `${id},n/a,2024-02-30,"Customer ${id}, ""VIP"""` : `${id},${id * 7},2024-01-${String((id % 28) + 1).padStart(2, '0')},Customer ${id}`;
  });
  return textFile(name, `order_id,amount,ordered_on,customer\n${rows.join('\n')}\n`);
}

test('every screen in both themes at both sizes', async ({ page }) => {
  test.setTimeout(540_000);
  const db = new pg.Client({ connectionString: state.databaseUrl });
  await db.connect();
  await db.query('CREATE TABLE e2e_orders (order_id bigint PRIMARY KEY, amount integer, ordered_on date, customer text)');
  await db.query('CREATE TABLE e2e_orders_nokey (order_id bigint, amount integer, ordered_on date, customer text)');
  await db.end();

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(state.launchUrl);
  await dropFiles(page, [
    orders('orders-2024-01.csv', 1, 500, (i) => i % 97 === 5),
    orders('orders-2024-02-with-a-rather-long-file-name-from-the-export-tool.csv', 400, 300, (i) => i % 50 === 1),
    orders('orders-2024-03.csv', 650, 200, () => false),
  ]);
  await screenshots(page, '1-files');

  await chooseExistingTable(page, 'e2e_orders');
  await screenshots(page, '2-target-and-mapping');

  await step(page, 'Preview').click();
  await page.getByRole('button', { name: 'Check the plan' }).click();
  await expect(page.getByText('3 files will load, 0 skipped, 0 cannot load.')).toBeVisible({ timeout: 30_000 });
  await screenshots(page, '3-preview');

  await step(page, 'Run').click();
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Loaded, with rejected rows' })).toBeVisible({ timeout: 60_000 });
  await screenshots(page, '5-run-after');

  await page.getByRole('button', { name: /View rejected rows of orders-2024-02/ }).click();
  await expect(page.getByRole('table', { name: /Rejected rows of orders-2024-02/ })).toBeVisible();
  await screenshots(page, '6-rejects-viewer');

  await step(page, 'History').click();
  await page.getByRole('list', { name: 'Runs' }).getByRole('button').filter({ hasText: 'e2e_orders' }).first().click();
  await expect(page.getByRole('heading', { name: /e2e_orders/ })).toBeVisible();
  await screenshots(page, '7-history');

  // The error panel: a plan the engine refuses (upsert into a table without a key).
  await chooseExistingTable(page, 'e2e_orders_nokey');
  await step(page, 'Preview').click();
  await page.getByRole('button', { name: 'Check the plan' }).click();
  await expect(page.getByRole('alert', { name: 'The plan does not work yet' })).toBeVisible({ timeout: 30_000 });
  await screenshots(page, '8-error-panel');

  // A run in progress: a bigger file, photographed while it loads, then cancelled.
  await step(page, 'Files').click();
  for (const name of ['orders-2024-01.csv', 'orders-2024-02-with-a-rather-long-file-name-from-the-export-tool.csv', 'orders-2024-03.csv']) {
    await page.getByRole('button', { name: `Remove ${name}` }).click();
  }
  await dropFiles(page, [orders('orders-big.csv', 1, 400_000, () => false), orders('orders-big-2.csv', 400_001, 400_000, () => false)]);
  // Appended to the table without a key, one file at a time, so the run lasts a while.
  await chooseExistingTable(page, 'e2e_orders_nokey');
  await page.getByLabel('Mode', { exact: true }).selectOption('append');
  await step(page, 'Run').click();
  await page.getByLabel('Concurrency (files at once)').fill('1');
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Running' })).toBeVisible();
  await expect(page.getByText(/rows\/s/).first()).toBeVisible({ timeout: 30_000 });
  await screenshots(page, '4-run-during');
  // The load may have finished while the pictures were taken; cancel it if not.
  const cancel = page.getByRole('button', { name: 'Cancel' });
  // It can also finish between the check and the click, which then finds Cancel disabled.
  if (await cancel.isEnabled()) await cancel.click({ timeout: 5_000 }).catch(() => {});
  await expect(page.getByRole('status').filter({ hasText: /Cancelled|Loaded/ })).toBeVisible({ timeout: 60_000 });
});
