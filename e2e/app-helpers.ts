/// <reference lib="dom" />
// What the e2e specs do in the app: drop files as a file manager would, move through
// the stepper, pick a target, and take screenshots in both themes at both window sizes.
import { expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { stateFile } from './global-setup.ts';

export const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { launchUrl: string; databaseUrl: string };

export interface DroppedFile {
  name: string;
  base64: string;
}

export function textFile(name: string, text: string): DroppedFile {
  return { name, base64: Buffer.from(text).toString('base64') };
}

/** A real drop event: a DataTransfer holding File objects. */
export async function dropFiles(page: Page, files: DroppedFile[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const file of list) {
      const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], file.name));
    }
    return transfer;
  }, files);
  await page.getByRole('button', { name: /Drop files or folders here/ }).dispatchEvent('drop', { dataTransfer });
  for (const file of files) await expect(page.getByRole('article', { name: file.name })).toBeVisible({ timeout: 30_000 });
}

/** A step of the stepper, or History beside it. */
export function step(page: Page, name: 'Files' | 'Target and mapping' | 'Preview' | 'Run' | 'History') {
  return page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name, exact: true });
}

export async function chooseExistingTable(page: Page, table: string): Promise<void> {
  await step(page, 'Target and mapping').click();
  await expect(page.getByRole('combobox', { name: 'Connection' })).toHaveValue('local');
  await page.getByLabel('Existing table').check();
  await page.getByLabel('Search tables').fill(table);
  await page.getByRole('radiogroup', { name: 'Table' }).locator(`input[type="radio"][value="public.${table}"]`).check();
  await expect(page.getByRole('table', { name: 'Column mapping' })).toBeVisible();
}

/** The run's status line (other status messages, like "Checking Local database…", come and go). */
export function runStatus(page: Page) {
  return page.getByRole('region', { name: 'Progress' }).getByRole('status');
}

/** One full-page picture under test-results/e2e/screens. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/e2e/screens/${name}.png`, fullPage: true });
}

const themes = ['light', 'dark'] as const;
const sizes = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

/**
 * Saves `name` in both themes at both sizes under test-results/e2e/screens, and checks at each size
 * that nothing is wider than the window (grids scroll inside themselves instead of clipping).
 */
export async function screenshots(page: Page, name: string): Promise<void> {
  for (const colorScheme of themes) {
    await page.emulateMedia({ colorScheme });
    for (const size of sizes) {
      await page.setViewportSize(size);
      // From the top, so the sticky top bar sits at the top of the full-page picture.
      await page.evaluate(() => window.scrollTo(0, 0));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${name} at ${size.width}x${size.height} is wider than the window`).toBeLessThanOrEqual(0);
      await screenshot(page, `${name}-${colorScheme}-${size.width}x${size.height}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(sizes[0] ?? { width: 1280, height: 800 });
}
