/// <reference lib="dom" />
// The row preview in Debian's Chromium against the web host: upload a CSV, see its first rows with
// the detected types and the rejected cells marked, then change the format and see it re-parsed.
import { expect, test, type Locator } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { stateFile } from './global-setup.ts';

const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { launchUrl: string };

const people = ['id;name;joined', '1;Ann;2024-12-31', '2;NULL;2024-02-01', '3;Cy;2024-03-04', '4;Dee', ''].join('\n');

/** A rendered grid row's cells (line number first), as text. */
async function rowText(grid: Locator, line: string): Promise<string[]> {
  const row = grid.getByRole('row').filter({ has: grid.page().getByRole('rowheader', { name: line, exact: true }) });
  return row.locator('[role=rowheader], [role=gridcell]').allTextContents();
}

test('upload a CSV, preview its rows, change the format and see them re-parsed', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(state.launchUrl);
  await page.getByLabel('Add files').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(people) });
  await expect(page.getByRole('article', { name: 'people.csv' })).toBeVisible();

  await page.getByRole('button', { name: 'Preview rows of people.csv' }).click();
  const grid = page.getByRole('grid', { name: 'First rows of people.csv' });
  await expect(grid).toBeVisible();
  await expect(grid.getByRole('columnheader')).toHaveText(['Line', /^id\s*bigint$/, /^name\s*text$/, /^joined\s*date$/]);
  expect(await rowText(grid, '2')).toEqual(['2', '1', 'Ann', '2024-12-31']);
  // The short row is rejected as a whole: its first missing field says why.
  const rejected = grid.getByRole('gridcell', { name: /will be rejected: expected 3 fields, found 2/ });
  await expect(rejected).toHaveClass(/cell-invalid/);
  await expect(page.getByText('⚠ 1 cell would be rejected')).toBeVisible();
  // "NULL" is text until the file says it means NULL.
  await expect(grid.locator('.cell-null')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/e2e/screens/row-preview-1280.png', fullPage: true });

  await page.getByRole('button', { name: 'Change format of people.csv' }).click();
  const format = page.getByRole('group', { name: 'Format of people.csv' });
  await format.getByLabel('NULL written as').selectOption({ label: 'NULL' });
  await expect(grid.locator('.cell-null')).toHaveCount(2);
  expect(await rowText(grid, '3')).toEqual(['3', '2', 'NULL', '2024-02-01']);

  await format.getByLabel('Delimiter').selectOption({ label: 'Comma ( , )' });
  await expect(grid.getByRole('columnheader')).toHaveText(['Line', /^id;name;joined\s*text$/]);
  expect(await rowText(grid, '2')).toEqual(['2', '1;Ann;2024-12-31']);
  await expect(page.getByText('✓ no rejected cells')).toBeVisible();

  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: 'test-results/e2e/screens/row-preview-1920.png', fullPage: true });
});
