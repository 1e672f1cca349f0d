// Finding Electron's binary without side effects: since Electron 41 `require('electron')` downloads
// the binary on first use, which prints and fails on machines without internet access.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The binary if it is already installed; never downloads. */
export function installedElectron(root: string): string | null {
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/** The binary, downloading it first when that is possible; the attempt's own output is hidden. */
export function ensureElectron(root: string): string | null {
  const found = installedElectron(root);
  if (found) return found;
  const attempt = spawnSync(process.execPath, ['-p', "require('electron')"], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 300_000 });
  return attempt.status === 0 ? installedElectron(root) : null;
}
