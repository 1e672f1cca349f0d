// Starts the real desktop shell where Electron's binary exists. Elsewhere (its download needs the
// internet) the test is reported as skipped, with that reason.
import { _electron as electron, expect, test } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { installedElectron } from '../src/main/electron-binary.ts';

const binary = installedElectron(fileURLToPath(new URL('..', import.meta.url)));

test('the Electron shell opens the Keyload window with the contract exposed', async () => {
  test.skip(binary === null, 'Electron binary not installed on this machine (it downloads on first use, which needs the internet)');
  const app = await electron.launch({ executablePath: binary ?? undefined, args: ['.'] });
  const window = await app.firstWindow();
  await expect(window.getByRole('navigation', { name: 'Screens' })).toBeVisible();
  expect(await window.evaluate(() => typeof (window as unknown as { keyload?: { 'system.info'?: unknown } }).keyload?.['system.info'])).toBe('function');
  await app.close();
});
