/// <reference lib="dom" />
// The conflict preview along the analyst's path, in Debian's Chromium against the web host and a real
// PostgreSQL: overlapping CSV and Parquet files dropped onto a pre-filled table; the matrix checked
// against counts computed here in SQL; a conflict expanded; the policy and the order changed and the
// winners with them; then the load, whose table and counts are what the preview predicted; then its
// reports, exported as JSON (checked against the schema) and HTML (opened with the network refused).
import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import pg from 'pg';
import type { RunReport } from '../src/shared/report-types.ts';
import { reportValidator } from '../test/report-validator.ts';
import { chooseExistingTable, dropFiles, runStatus, screenshot, screenshots, state, step, textFile, type DroppedFile } from './app-helpers.ts';

const A = { name: 'pv-a.csv', from: 1, to: 100 };
const B = { name: 'pv-b.parquet', from: 60, to: 160 };
const STORED = { from: 1, to: 50 };

function ids(range: { from: number; to: number }): number[] {
  return Array.from({ length: range.to - range.from + 1 }, (_, i) => range.from + i);
}

function csvFile(): DroppedFile {
  return textFile(A.name, `id,name,score\n${ids(A).map((id) => `${id},a ${id},${id * 3}`).join('\n')}\n`);
}

function parquetFile(): DroppedFile {
  const keys = ids(B).map(BigInt);
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: BigInt64Array.from(keys), type: 'INT64' },
      { name: 'name', data: keys.map((id) => `b ${id}`), type: 'STRING' },
      { name: 'score', data: BigInt64Array.from(keys.map((id) => id * 3n)), type: 'INT64' },
    ],
  });
  return { name: B.name, base64: Buffer.from(buffer).toString('base64') };
}

function matrixCell(page: Page, name: string) {
  return page.getByRole('table', { name: 'Overlap between files and the table' }).getByRole('button', { name });
}

function card(page: Page, label: string) {
  return page.getByRole('list', { name: 'What the load would do' }).getByRole('listitem').filter({ hasText: label }).locator('.preview-card-value');
}

/** The file whose version of the expanded key wins. */
function winner(page: Page, key: number) {
  return page.getByRole('table', { name: `Versions of id ${key}` }).getByRole('row').filter({ hasText: 'Wins' }).getByRole('rowheader');
}

test('preview overlapping CSV and Parquet against a pre-filled table, change policy and order, load what was previewed, export its reports', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  const db = new pg.Client({ connectionString: state.databaseUrl });
  await db.connect();
  await db.query('CREATE TABLE e2e_preview (id bigint PRIMARY KEY, name text, score bigint)');
  await db.query(`INSERT INTO e2e_preview SELECT i, 'stored ' || i, i * 3 FROM generate_series($1::int, $2::int) AS i`, [STORED.from, STORED.to]);
  // The same rows as the files, in SQL, for counts computed independently of Keyload.
  await db.query(`CREATE TEMP TABLE a AS SELECT i::bigint AS id, 'a ' || i AS name, i * 3 AS score FROM generate_series($1::int, $2::int) AS i`, [A.from, A.to]);
  await db.query(`CREATE TEMP TABLE b AS SELECT i::bigint AS id, 'b ' || i AS name, i * 3 AS score FROM generate_series($1::int, $2::int) AS i`, [B.from, B.to]);
  const count = async (sql: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`)).rows[0]?.n ?? -1;
  const shared = await count('a JOIN b USING (id)');
  const differing = await count('a JOIN b USING (id) WHERE (a.name, a.score) IS DISTINCT FROM (b.name, b.score)');
  const aChangesTable = await count('a JOIN e2e_preview t USING (id) WHERE (a.name, a.score) IS DISTINCT FROM (t.name, t.score)');
  const newKeys = await count('(SELECT id FROM a UNION SELECT id FROM b) k WHERE id NOT IN (SELECT id FROM e2e_preview)');
  expect([shared, differing, aChangesTable, newKeys]).toEqual([41, 41, 50, 110]);

  // 1. Drop the files onto the pre-filled table.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(state.launchUrl);
  await dropFiles(page, [csvFile(), parquetFile()]);
  await chooseExistingTable(page, 'e2e_preview');

  // 2. The preview starts on its own (a few hundred rows); the matrix agrees with SQL.
  await step(page, 'Preview').click();
  await expect(card(page, 'Would insert')).toHaveText(String(newKeys), { timeout: 60_000 });
  await expect(card(page, 'Would update')).toHaveText(String(aChangesTable));
  await expect(card(page, 'Superseded')).toHaveText(String(shared));
  await expect(card(page, 'Keys in conflict')).toHaveText(String(differing + aChangesTable));
  await expect(matrixCell(page, `${A.name} and ${B.name}: ${shared} shared keys, ${differing} in conflict`)).toBeVisible();
  await expect(matrixCell(page, `${A.name} and the table: ${aChangesTable} stored keys would change`)).toBeVisible();
  await expect(matrixCell(page, `${B.name} and the table: 0 stored keys would change`)).toBeVisible();

  // 3. A cell filters the list to its pair; a key expands to its versions, the winner marked.
  await matrixCell(page, `${A.name} and ${B.name}: ${shared} shared keys, ${differing} in conflict`).click();
  await expect(page.getByRole('status').filter({ hasText: `${differing} conflicts` })).toBeVisible();
  await page.getByRole('list', { name: 'Conflicts' }).getByRole('button', { name: /^id 60 / }).click();
  await expect(winner(page, 60)).toContainText(`${B.name}, line 1`);
  await expect(page.getByRole('table', { name: 'Versions of id 60' }).locator('td.cell-differs')).toHaveCount(1);
  await screenshots(page, 'preview-expanded-conflict');

  // 4. "First" makes a.csv's versions win; putting the Parquet file first makes its versions win again.
  await page.getByRole('combobox', { name: 'When files repeat a key' }).selectOption('first');
  await expect(page.getByRole('list', { name: 'Conflicts' }).getByRole('button', { name: /^id 60 / })).toBeVisible();
  await page.getByRole('list', { name: 'Conflicts' }).getByRole('button', { name: /^id 60 / }).click();
  await expect(winner(page, 60)).toContainText(`${A.name}, line 61`);
  await page.getByRole('button', { name: `Move ${B.name} up` }).click();
  const reordered = matrixCell(page, `${B.name} and ${A.name}: ${shared} shared keys, ${differing} in conflict`);
  await expect(reordered).toBeVisible({ timeout: 60_000 });
  await reordered.click();
  await page.getByRole('list', { name: 'Conflicts' }).getByRole('button', { name: /^id 60 / }).click();
  await expect(winner(page, 60)).toContainText(`${B.name}, line 1`);
  const predicted = { inserted: Number(await card(page, 'Would insert').textContent()), updated: Number(await card(page, 'Would update').textContent()) };
  await screenshots(page, 'preview-first-reordered');

  // 5. Load runs exactly this plan: the table ends as predicted.
  await page.getByRole('button', { name: 'Load' }).click();
  await expect(runStatus(page)).toHaveText('Loaded', { timeout: 60_000 });
  const final = await db.query<{ n: number; name60: string; name10: string; stored: number }>(
    `SELECT count(*)::int AS n, max(name) FILTER (WHERE id = 60) AS name60, max(name) FILTER (WHERE id = 10) AS name10, count(*) FILTER (WHERE name LIKE 'stored%')::int AS stored FROM e2e_preview`,
  );
  expect(final.rows[0]).toEqual({ n: STORED.to + predicted.inserted, name60: 'b 60', name10: 'a 10', stored: STORED.to - predicted.updated });
  await db.end();

  // 6. Export the reports: the JSON is valid by its published schema and counts what was predicted;
  // the HTML, opened with every network request refused, shows the numbers with nothing blocked.
  const report = JSON.parse(await exportReport(page, 'json')) as RunReport;
  const validate = await reportValidator();
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  expect(report.totals).toMatchObject({ inserted: predicted.inserted, updated: predicted.updated, superseded: shared });
  expect(report.files.map((f) => f.path.split('/').pop())).toEqual([B.name, A.name]);
  expect(report.settings).toMatchObject({ key: ['id'], conflictPolicy: 'first' });
  const html = await exportReport(page, 'html');
  await expectOfflineReport(page.context(), html, report, testInfo.outputPath('report.html'));

  // History shows the same run's report inline, charts included.
  await step(page, 'History').click();
  await page.getByRole('list', { name: 'Runs' }).getByRole('button').first().click();
  await expect(page.getByRole('img', { name: 'Stage timeline per file' })).toBeVisible();
  await screenshots(page, 'history-report');
});

/** Downloads the finished run's report in `format` from the Run screen's "Export report…". */
async function exportReport(page: Page, format: 'html' | 'json'): Promise<string> {
  await page.getByLabel('Report format').selectOption(format);
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export report…' }).click();
  const path = await (await download).path();
  return readFile(path, 'utf8');
}

/** Opens the HTML report from disk in a page whose every request is refused, and checks what it shows. */
async function expectOfflineReport(context: BrowserContext, html: string, report: RunReport, path: string): Promise<void> {
  await writeFile(path, html);
  const page = await context.newPage();
  const requests: string[] = [];
  const refusals: string[] = [];
  await page.route('**/*', (route) => {
    if (route.request().url() === pathToFileURL(path).href) return route.continue();
    requests.push(route.request().url());
    return route.abort();
  });
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) refusals.push(message.text());
  });
  await page.goto(pathToFileURL(path).href);
  const card = (label: string) => page.locator('.card').filter({ hasText: label }).locator('b');
  await expect(card('inserted')).toHaveText(report.totals.inserted.toLocaleString('en-US'));
  await expect(card('updated')).toHaveText(report.totals.updated.toLocaleString('en-US'));
  await expect(page.locator('svg rect.span')).toHaveCount(report.files.reduce((n, f) => n + f.stages.length, 0));
  await page.setViewportSize({ width: 1280, height: 800 });
  await screenshot(page, 'report-html-1280x800');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'report-html-phone');
  expect(requests).toEqual([]);
  expect(refusals).toEqual([]);
  await page.close();
}
