// `keyload app` from a source checkout: the web host serves the built renderer (out/renderer), so it
// is built first when it is missing or older than the sources it is built from. A packaged app has
// no sources and is never rebuilt.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';

/** The checkout this module is in: the nearest folder up with a package.json (from src/main/cli or the bundle's out/cli). */
export const checkoutRoot = ((dir: string): string => {
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})(fileURLToPath(new URL('.', import.meta.url)));

/** What the renderer build is made from, relative to the checkout. */
const buildInputs = ['src/renderer', 'src/shared', 'electron.vite.config.ts', 'package.json'];
const builtIndex = 'out/renderer/index.html';

export type RendererBuild = 'missing' | 'stale' | 'fresh' | 'no sources';

/** Newest modification time of the files under `path` (tests leave the build alone). */
function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return /\.test\.tsx?$/.test(path) ? 0 : stat.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), 0);
}

export function rendererBuildState(root: string): RendererBuild {
  if (!existsSync(join(root, 'src/renderer'))) return 'no sources';
  const inputs = buildInputs.map((input) => join(root, input)).filter((input) => existsSync(input));
  const index = join(root, builtIndex);
  if (!existsSync(index)) return 'missing';
  const sources = Math.max(...inputs.map(newestMtime));
  return sources > statSync(index).mtimeMs ? 'stale' : 'fresh';
}

/** Builds the app with electron-vite when its renderer is missing or stale; its output only on failure. */
export function ensureRendererBuilt(root: string, say: (line: string) => void): void {
  const state = rendererBuildState(root);
  if (state === 'fresh' || state === 'no sources') return;
  const cli = join(root, 'node_modules/electron-vite/bin/electron-vite.js');
  if (!existsSync(cli)) {
    throw new KeyloadError(ErrorCodes.usage, 'The app is not built yet, and electron-vite is not installed to build it', { hint: 'Run npm install, then try again.' });
  }
  say('Building the app…');
  const build = spawnSync(process.execPath, [cli, 'build'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) {
    const output = `${build.stdout ?? ''}${build.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
    throw new KeyloadError(ErrorCodes.internal, `Building the app failed${build.error ? `: ${build.error.message}` : ''}\n${output}`, { hint: 'Run npm run build to see the whole output.' });
  }
}
